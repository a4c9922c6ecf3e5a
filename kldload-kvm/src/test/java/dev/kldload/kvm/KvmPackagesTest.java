package dev.kldload.kvm;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layers inside kldload-kvm: the port and its records ({@code dev.kldload.kvm}) at the bottom,
 * the adapters, disk backends, XML and seeds on it, the services on top of them all.
 */
@AnalyzeClasses(packages = "dev.kldload.kvm", importOptions = ImportOption.DoNotIncludeTests.class)
class KvmPackagesTest {

  /** The disk backends use the port's records; the port must not know the backends. */
  @ArchTest
  static final ArchRule portKnowsNoBackend =
      noClasses()
          .that()
          .resideInAPackage("dev.kldload.kvm")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.kldload.kvm.disk..", "dev.kldload.kvm.service..");

  /** The services compose everything else; nothing below them calls up into them. */
  @ArchTest
  static final ArchRule servicesOnTop =
      noClasses()
          .that()
          .resideInAPackage("dev.kldload.kvm..")
          .and()
          .resideOutsideOfPackage("dev.kldload.kvm.service..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.kldload.kvm.service..");

  /** Package cycles make a layer impossible to test or replace alone. */
  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("dev.kldload.kvm.(*)..").should().beFreeOfCycles();
}

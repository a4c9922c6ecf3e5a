package dev.kldload.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import picocli.CommandLine.Option;

/** The layering of DESIGN §1: dependencies point one way, and each rule says why it exists. */
@AnalyzeClasses(
    packages = "dev.kldload",
    importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.NoTestJars.class})
class ArchitectureTest {

  /**
   * Other modules' test-jars (their fakes and benchmarks) are on this module's test class path as
   * jars, which {@code DoNotIncludeTests} does not recognise; the rules are about production code.
   */
  static final class NoTestJars implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("-tests.jar");
    }
  }

  /** The shared kernel knows no domain: every module may use it, so it may use none of them. */
  @ArchTest
  static final ArchRule coreDependsOnNoDomain =
      noClasses()
          .that()
          .resideInAPackage("dev.kldload.core..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.kldload.zfs..",
              "dev.kldload.kvm..",
              "dev.kldload.net..",
              "dev.kldload.kube..",
              "dev.kldload.cli..");

  /** ZFS and networking are leaves: kvm uses the ZFS port, kube drives all three. */
  @ArchTest
  static final ArchRule leavesStayLeaves =
      noClasses()
          .that()
          .resideInAnyPackage("dev.kldload.zfs..", "dev.kldload.net..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.kldload.kvm..", "dev.kldload.kube..", "dev.kldload.cli..");

  /** kvm may use zfs but not the cluster layer or the CLI. */
  @ArchTest
  static final ArchRule kvmBelowKube =
      noClasses()
          .that()
          .resideInAPackage("dev.kldload.kvm..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.kldload.kube..", "dev.kldload.cli..", "dev.kldload.net..");

  /** Services are reusable without a command line: only the CLI module sees picocli. */
  @ArchTest
  static final ArchRule onlyCliImportsPicocli =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.kldload.cli..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("picocli..");

  /**
   * A module uses another's port, never its adapters: kvm reaches ZFS through the Zfs port, so the
   * libzfs_core (JNA) adapter package is private to kldload-zfs and the CLI's wiring.
   */
  @ArchTest
  static final ArchRule zfsAdapterIsPrivate =
      noClasses()
          .that()
          .resideInAnyPackage("dev.kldload.kvm..", "dev.kldload.kube..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.kldload.zfs.lzc..");

  /**
   * Only Main ends the process: everything else returns exit codes, so tests can run in-process.
   */
  @ArchTest
  static final ArchRule onlyMainExits =
      noClasses()
          .that()
          .doNotHaveFullyQualifiedName("dev.kldload.cli.Main")
          .should()
          .callMethod(System.class, "exit", int.class);

  /** stdout is data: commands write through the Cli's writers, never System.out/err directly. */
  @ArchTest
  static final ArchRule noDirectConsole =
      noClasses()
          .that()
          .doNotHaveFullyQualifiedName("dev.kldload.cli.Main")
          .should()
          .accessField(System.class, "out")
          .orShould()
          .accessField(System.class, "err");

  /**
   * Where each engine's adapter lives: the only packages that talk to a native or client library.
   */
  static final String[] ADAPTERS = {
    "dev.kldload.zfs.lzc..",
    "dev.kldload.kvm.libvirt..",
    "dev.kldload.net.linux..",
    "dev.kldload.kube.cluster.fabric8..",
    "dev.kldload.kube.ssh.jsch..",
    "dev.kldload.kube.bundle.image.jib.."
  };

  /** The one class that builds adapters (DESIGN §1: a lazily-building engines object). */
  static final String WIRING_ROOT = "dev.kldload.cli.support.HostEngines";

  /**
   * Adapters are built in one place: a command or service that names an adapter cannot be handed a
   * fake, and loads its native library even when a test or a dry-run needs none.
   */
  @ArchTest
  static final ArchRule adaptersOnlyFromWiringRoot =
      noClasses()
          .that()
          .resideOutsideOfPackages(ADAPTERS)
          .and()
          .doNotHaveFullyQualifiedName(WIRING_ROOT)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(ADAPTERS);

  /**
   * JNA, libvirt, fabric8, JSch and jib stay behind the ports, inside adapter packages, so a port's
   * failures are our {@code KldloadException}s, raw bindings cannot leak into a port, and a service
   * never loads a native library by touching a class.
   */
  @ArchTest
  static final ArchRule librariesOnlyInAdapters =
      noClasses()
          .that()
          .resideOutsideOfPackages(ADAPTERS)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "com.sun.jna..", "io.fabric8..", "com.jcraft..", "com.google.cloud.tools.jib..");

  /** A package cycle means neither side can be understood, tested or moved alone. */
  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("dev.kldload.(**)").should().beFreeOfCycles();

  /**
   * Boxed option fields: a primitive cannot say "not given", so a default silently stands in for
   * the user's choice and required-ness or config fallbacks cannot be told apart.
   */
  @ArchTest
  static final ArchRule optionFieldsAreBoxed =
      fields()
          .that()
          .areAnnotatedWith(Option.class)
          .should(
              new ArchCondition<>("not have a primitive type") {
                @Override
                public void check(JavaField field, ConditionEvents events) {
                  if (field.getRawType().isPrimitive()) {
                    events.add(
                        SimpleConditionEvent.violated(
                            field, field.getFullName() + " is a primitive @Option field"));
                  }
                }
              });
}

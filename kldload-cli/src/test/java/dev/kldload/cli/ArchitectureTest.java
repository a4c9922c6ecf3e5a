package dev.kldload.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The layering of DESIGN §1: dependencies point one way, and each rule says why it exists. */
@AnalyzeClasses(packages = "dev.kldload", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

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
   * Native libraries and engines stay inside the adapter packages: ports, services and commands
   * never load libvirt or libzfs_core by touching a class, and raw bindings cannot leak into a
   * port.
   */
  @ArchTest
  static final ArchRule nativeLibrariesStayInAdapters =
      noClasses()
          .that()
          .resideOutsideOfPackages("dev.kldload.zfs.lzc..", "dev.kldload.kvm.libvirt..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("com.sun.jna..", "org.libvirt..");

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
}

package dev.kldload.cli.kvm;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.Engines;
import dev.kldload.cli.support.Mutation;
import dev.kldload.core.KldloadException;
import dev.kldload.core.config.Config;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.value.DatasetName;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.disk.DiskBackend;
import dev.kldload.kvm.disk.Qcow2Backend;
import dev.kldload.kvm.disk.ZvolBackend;
import dev.kldload.kvm.service.KvmServices;
import dev.kldload.kvm.service.KvmSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a KVM command needs, built inside {@code call()} so that no other command loads libvirt: the
 * hypervisor for the effective URI, the disk backends and the services.
 */
final class KvmSession implements AutoCloseable {
  static final Path OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
  static final Path OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");

  final Cli cli;
  final Hypervisor hypervisor;
  final Qcow2Backend qcow2;
  final Optional<ZvolBackend> zvols;
  final KvmServices services;

  private KvmSession(Cli cli, String uri, boolean dryRun) {
    this.cli = cli;
    Config config = cli.config();
    Engines engines = cli.engines();
    ProcessRunner runner = engines.processRunner(dryRun);
    this.hypervisor = engines.hypervisor(uri);
    this.qcow2 =
        new Qcow2Backend(Path.of(config.require(ConfigKey.KVM_IMAGES_DIR)), runner, cli.clock());
    // only where ZFS is really there: the libzfs_core adapter must not start on a host without it
    this.zvols =
        engines.zfsAvailable()
            ? Optional.of(
                ZvolBackend.onHost(
                    engines.zfs(dryRun),
                    DatasetName.of(config.require(ConfigKey.ZFS_VM_PARENT)),
                    runner,
                    cli.clock(),
                    cli.cancellation()))
            : Optional.empty();
    List<DiskBackend> backends = new ArrayList<>();
    zvols.ifPresent(backends::add);
    backends.add(qcow2);
    this.services =
        KvmServices.of(
            hypervisor,
            backends,
            runner,
            new KvmSettings(
                qcow2.directory(),
                config.stateDir(),
                config.require(ConfigKey.KVM_VIRT_TYPE),
                OVMF_CODE,
                OVMF_VARS),
            cli.clock(),
            dryRun);
  }

  static KvmSession open(Cli cli, ConnectOption connect, boolean dryRun) {
    return new KvmSession(cli, uri(cli, connect), dryRun);
  }

  /** {@code --connect}, then {@code LIBVIRT_DEFAULT_URI}, then the configuration. */
  static String uri(Cli cli, ConnectOption connect) {
    return cli.libvirtUri(connect == null ? null : connect.uri);
  }

  /**
   * The backend for new disks: the flag, else config {@code kvm.backend}; {@code volblocksize} only
   * for zfs.
   */
  DiskBackend backend(String flag, String volblocksize) {
    String name = flag != null ? flag : cli.config().require(ConfigKey.KVM_BACKEND);
    if (volblocksize != null && !name.equals("zfs")) {
      throw KldloadException.invalid(
          "--volblocksize applies to the zfs backend, not " + name, "drop --volblocksize");
    }
    return switch (name) {
      case "qcow2" -> qcow2;
      case "zfs" ->
          zvols
              .map(z -> volblocksize == null ? z : z.withVolblocksize(volblocksize))
              .orElseThrow(
                  () ->
                      KldloadException.precondition(
                          "the zfs disk backend needs ZFS on this host (/dev/zfs is missing)",
                          "use --backend qcow2, or set kvm.backend: qcow2 in the configuration"));
      default ->
          throw KldloadException.invalid(
              "disk backend '" + name + "' is not known", "use --backend zfs or --backend qcow2");
    };
  }

  /** A change of the kvm domains and their disks, under the kvm lock (none in a dry-run). */
  static Mutation mutation(Cli cli, String holder) {
    return Mutation.of(cli, "kvm", holder);
  }

  @Override
  public void close() {
    hypervisor.close();
  }
}

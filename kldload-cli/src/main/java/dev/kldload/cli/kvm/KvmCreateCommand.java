package dev.kldload.cli.kvm;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.KldloadException;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.CreateRequest;
import dev.kldload.kvm.xml.DirectBoot;
import dev.kldload.kvm.xml.DomainSpec;
import dev.kldload.kvm.xml.OsVariant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kvm-create}: a new VM with its own disk. */
@Command(
    name = "kvm-create",
    header = "Create a virtual machine: a thin disk, an optional cloud-init seed, a domain.",
    description = {
      "The disk is a blank thin volume (install from --iso) or a copy of a cloud image (--image),",
      "which also gets a cloud-init seed with the admin SSH key and generated host keys (no",
      "passwords). VNC listens on 127.0.0.1 unless --vnc-listen says otherwise. On failure,",
      "whatever this run created is removed; after Ctrl-C or a crash, the same command resumes",
      "with the same MAC and seed identity. Sizes read as the original's: --disk 40 is 40 GB,",
      "--ram 2048 is 2048 MB."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Example:",
      "  kvm-create web01 --image debian-12-genericcloud-amd64.qcow2 --backend qcow2 --start",
      "  kvm-create lab --iso debian-12.iso --ram 4096 --cpus 4 --disk 40",
      "  kvm-create rescue --image rootfs.qcow2 --kernel vmlinuz --initrd initrd.img \\",
      "      --cmdline 'root=/dev/vda console=ttyS0' --os debian12 --firmware bios"
    })
public final class KvmCreateCommand implements Callable<Integer> {
  private final Cli cli;
  @Mixin MutationOptions mutation;
  @Mixin OutputOption output;
  @Mixin ConnectOption connect;

  @Parameters(index = "0", paramLabel = "NAME", description = "Name of the new VM.")
  String name;

  @Option(
      names = "--ram",
      paramLabel = "SIZE",
      description =
          "Memory: a plain number is MB, as the original (default 2048); or 4G, 4096M, 4GiB.")
  String ram = "2048";

  @Option(names = "--cpus", paramLabel = "N", description = "Virtual CPUs (default 2).")
  Integer cpus = 2;

  @Option(
      names = "--disk",
      paramLabel = "SIZE",
      description =
          "Disk size: a plain number is GB, as the original (default 20); or 512M, 40G, 2GiB.")
  String disk = "20";

  @Option(names = "--iso", paramLabel = "PATH", description = "Installer ISO to boot first.")
  String iso;

  @Option(
      names = "--image",
      paramLabel = "PATH",
      description = "Cloud image to copy onto the disk.")
  String image;

  @Option(
      names = "--network",
      paramLabel = "NAME",
      description = "libvirt network (default: default).")
  String network;

  @Option(names = "--bridge", paramLabel = "IF", description = "Host bridge instead of a network.")
  String bridge;

  @Option(
      names = "--vnc-listen",
      paramLabel = "ADDR",
      description = "VNC address (default 127.0.0.1).")
  String vncListen = "127.0.0.1";

  @Option(
      names = "--backend",
      paramLabel = "zfs|qcow2",
      description = "Disk backend (default: config kvm.backend).")
  String backend;

  @Option(
      names = "--volblocksize",
      paramLabel = "SIZE",
      description =
          "zvol block size (zfs backend; default 64K; a plain number is bytes, as zfs reads it).")
  String volblocksize;

  @Option(
      names = "--firmware",
      paramLabel = "uefi|bios",
      description = "Boot firmware (default uefi).")
  String firmware = "uefi";

  @Option(
      names = "--ssh-key",
      paramLabel = "FILE",
      description = "Admin public key for the seed (default: generated under the state directory).")
  String sshKey;

  @Option(
      names = "--os",
      paramLabel = "VARIANT",
      description = "Guest OS, recorded for virt-manager and inventory (default generic).")
  String os = "generic";

  @Option(
      names = "--kernel",
      paramLabel = "PATH",
      description = "Boot this kernel directly (for images without a boot loader).")
  String kernel;

  @Option(names = "--initrd", paramLabel = "PATH", description = "Initrd for --kernel.")
  String initrd;

  @Option(
      names = "--cmdline",
      paramLabel = "ARGS",
      description = "Kernel command line for --kernel, e.g. 'root=/dev/vda console=ttyS0'.")
  String cmdline;

  @Option(names = "--start", description = "Start the VM once defined.")
  Boolean start = false;

  KvmCreateCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    VmName vm = VmName.of(name);
    if (network != null && bridge != null) {
      throw KldloadException.invalid(
          "kvm-create " + vm + ": --network and --bridge exclude each other", "give one");
    }
    DomainSpec.Nic nic =
        bridge != null
            ? new DomainSpec.Nic(DomainSpec.NicKind.BRIDGE, bridge)
            : new DomainSpec.Nic(DomainSpec.NicKind.NETWORK, network == null ? "default" : network);
    if (!firmware.equals("uefi") && !firmware.equals("bios")) {
      throw KldloadException.invalid(
          "--firmware '" + firmware + "' is not known", "use uefi or bios");
    }
    if (kernel == null && (initrd != null || cmdline != null)) {
      throw KldloadException.invalid(
          "kvm-create " + vm + ": --initrd and --cmdline need --kernel", "give --kernel PATH");
    }
    Optional<DirectBoot> boot =
        KvmArgs.file(kernel)
            .map(k -> new DirectBoot(k, KvmArgs.file(initrd), cmdline == null ? "" : cmdline));
    CreateRequest request =
        new CreateRequest(
            vm,
            KvmArgs.size("--ram", ram, KvmArgs.SizeUnit.MB),
            KvmArgs.cpus(cpus),
            KvmArgs.size("--disk", disk, KvmArgs.SizeUnit.GB),
            KvmArgs.file(iso),
            KvmArgs.file(image),
            nic,
            KvmArgs.listenAddress(vncListen),
            firmware.equals("uefi"),
            start,
            KvmArgs.file(sshKey),
            boot,
            OsVariant.of(os));
    if (request.memory().bytes() < (64L << 20)) {
      throw KldloadException.invalid("--ram " + ram + " is below 64 MB", "give --ram 64 or more");
    }
    try (KvmSession session = KvmSession.open(cli, connect, mutation.dryRun())) {
      return KvmSession.mutation(cli, "kvm-create " + vm)
          .options(mutation)
          .output(output)
          .run(
              () ->
                  session
                      .services
                      .creation()
                      .create(request, session.backend(backend, volblocksize)));
    }
  }
}

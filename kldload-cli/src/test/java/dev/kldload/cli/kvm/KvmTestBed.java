package dev.kldload.cli.kvm;

import dev.kldload.cli.CliHarness;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.VmDomain;
import java.nio.file.Path;

/** What the KVM command ITs share: a CLI whose state lives under one directory, and clean-up. */
final class KvmTestBed {
  private KvmTestBed() {}

  /** The CLI with its state, run, image and key directories under {@code dir}. */
  static CliHarness cli(Path dir, String backend, String uri) {
    return CliHarness.harness()
        .env("HOME", dir.toString())
        .env("KLDLOAD_STATE_DIR", dir.resolve("state").toString())
        .env("KLDLOAD_RUN_DIR", dir.resolve("run").toString())
        .env("KLDLOAD_KVM_IMAGES_DIR", dir.resolve("images").toString())
        .env("KLDLOAD_KVM_BACKEND", backend)
        .env("KLDLOAD_KVM_VIRT_TYPE", "qemu")
        .env("LIBVIRT_DEFAULT_URI", uri);
  }

  /** Powers off and undefines every domain whose name starts with {@code prefix}. */
  static void removeDomains(Hypervisor hypervisor, String prefix) {
    for (VmDomain d : hypervisor.domains()) {
      if (d.name().startsWith(prefix)) {
        if (d.state().active()) {
          hypervisor.powerOff(d.name());
        }
        hypervisor.undefine(d.name());
      }
    }
  }
}

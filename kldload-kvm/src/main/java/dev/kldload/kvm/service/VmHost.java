package dev.kldload.kvm.service;

import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Decisions;
import dev.kldload.core.plan.Step;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.DomainState;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.VmDomain;
import dev.kldload.kvm.disk.DiskBackend;
import dev.kldload.kvm.xml.DomainSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * What every KVM service shares: the hypervisor, the disk backends, the host layout, and the checks
 * and paths more than one operation needs.
 */
final class VmHost {
  final Hypervisor hypervisor;
  final List<DiskBackend> backends;
  final ProcessRunner runner;
  final KvmSettings settings;
  final Clock clock;
  private final boolean dryRun;

  VmHost(
      Hypervisor hypervisor,
      List<DiskBackend> backends,
      ProcessRunner runner,
      KvmSettings settings,
      Clock clock,
      boolean dryRun) {
    this.hypervisor = hypervisor;
    this.backends = List.copyOf(backends);
    this.runner = runner;
    this.settings = settings;
    this.clock = clock;
    this.dryRun = dryRun;
  }

  /**
   * The choices a re-run of a create or clone of {@code vm} must repeat, kept beside its pinned
   * host key; a dry-run reads them and records nothing.
   */
  Decisions decisions(VmName vm) {
    Decisions d = Decisions.at(stateDir(vm).resolve("decisions.json"));
    return dryRun ? d.readOnly() : d;
  }

  /** Per-VM state: the pinned host key and the decisions. */
  Path stateDir(VmName vm) {
    return settings.stateDir().resolve("kvm").resolve(vm.value());
  }

  Path seedPath(VmName vm) {
    return settings.imagesDir().resolve(vm.value() + "-seed.iso");
  }

  Path varsPath(VmName vm) {
    return settings.imagesDir().resolve(vm.value() + "_VARS.fd");
  }

  DomainState currentState(VmName vm) {
    return hypervisor.domain(vm.value()).map(VmDomain::state).orElse(DomainState.SHUT_OFF);
  }

  VmDomain requireDomain(VmName vm) {
    return hypervisor
        .domain(vm.value())
        .orElseThrow(
            () ->
                KldloadException.notFound(
                    "VM " + vm + " does not exist on " + hypervisor.uri(), "see 'kvm-list'"));
  }

  void requireAbsent(VmName vm, String tool) {
    if (hypervisor.domain(vm.value()).isPresent()) {
      throw KldloadException.conflict(
          tool + " " + vm + ": a domain named " + vm + " already exists on " + hypervisor.uri(),
          "choose another name, or delete it with 'kvm-delete " + vm + "'");
    }
  }

  /** A finished disk (not the remains of an interrupted copy) is there for {@code vm}. */
  static boolean hasDisk(DiskBackend backend, VmName vm) {
    return backend.exists(vm) && !backend.partial(vm);
  }

  void requireNoDisk(DiskBackend backend, VmName vm, String tool) {
    if (hasDisk(backend, vm)) {
      throw KldloadException.conflict(
          tool + " " + vm + ": disk " + backend.diskOf(vm).path() + " already exists",
          "remove it, or choose another name");
    }
  }

  void requireNetwork(VmName vm, DomainSpec.Nic nic) {
    if (nic.kind() == DomainSpec.NicKind.NETWORK
        && hypervisor.networks().stream().noneMatch(n -> n.name().equals(nic.source()))) {
      throw KldloadException.notFound(
          "VM " + vm + ": libvirt network " + nic.source() + " does not exist",
          "see 'virsh net-list --all', or use --bridge IF");
    }
  }

  /**
   * Runs {@code action} on a disk that is not changing: a running domain is paused when the backend
   * snapshots a live disk consistently (ZFS); otherwise its memory is saved and QEMU stopped (a
   * qcow2 file must not change under it), and the guest resumes from the saved state afterwards.
   * Always resumes what it stopped.
   */
  void quiesced(VmName vm, boolean live, Runnable action) {
    DomainState state = currentState(vm);
    boolean pause = live && state == DomainState.RUNNING;
    boolean save = !live && state.active();
    if (pause) {
      hypervisor.suspend(vm.value());
    } else if (save) {
      hypervisor.saveState(vm.value());
    }
    try {
      action.run();
    } finally {
      if (pause) {
        hypervisor.resume(vm.value());
      } else if (save) {
        hypervisor.start(vm.value());
      }
    }
  }

  static String quiesceNote(DomainState state, boolean live) {
    if (!state.active()) {
      return "";
    }
    return live ? " (paused meanwhile)" : " (memory saved, restored afterwards)";
  }

  /** Powers off and undefines {@code vm} if it is defined: the undo of a define. */
  void removeDomain(VmName vm) {
    hypervisor
        .domain(vm.value())
        .ifPresent(
            d -> {
              if (d.state().active()) {
                hypervisor.powerOff(vm.value());
              }
              hypervisor.undefine(vm.value());
            });
  }

  /** {@code define}: its undo powers off and undefines the domain this run defined. */
  Step defineStep(VmName vm, String xml, String description, List<String> after) {
    return Step.named("define")
        .description(description)
        .after(after)
        .creates("domain " + vm)
        .doneWhen(c -> hypervisor.domain(vm.value()).isPresent())
        .undo(c -> removeDomain(vm))
        .apply(c -> hypervisor.define(xml));
  }

  Step startStep(VmName vm) {
    return Step.named("start")
        .description("start " + vm)
        .after("define")
        .doneWhen(c -> currentState(vm).active())
        .apply(c -> hypervisor.start(vm.value()));
  }

  /**
   * A short digest of what an operation was asked for, recorded with its decisions: a re-run asking
   * the same resumes the objects the first run made; one asking otherwise is refused as a conflict.
   */
  static String fingerprint(Object... request) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(Arrays.deepToString(request).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void requireReadable(VmName vm, Path file, String what) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw KldloadException.invalid(
          "VM " + vm + ": " + what + " " + file + " is not a readable file", "check the path");
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(walk.toList());
      Collections.reverse(all);
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

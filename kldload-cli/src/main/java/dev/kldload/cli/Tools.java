package dev.kldload.cli;

import dev.kldload.cli.doctor.DoctorCommand;
import dev.kldload.cli.kube.KubeBundleCommand;
import dev.kldload.cli.kube.KubeInitCommand;
import dev.kldload.cli.kube.KubeJoinCommand;
import dev.kldload.cli.kube.KubeLoadImagesCommand;
import dev.kldload.cli.kube.KubeResetCommand;
import dev.kldload.cli.kube.KubeSetupCommand;
import dev.kldload.cli.kube.KubeSmokeTestCommand;
import dev.kldload.cli.kube.KubeStatusCommand;
import dev.kldload.cli.kube.cluster.KubeClusterCommand;
import dev.kldload.cli.kvm.KvmCloneCommand;
import dev.kldload.cli.kvm.KvmCreateCommand;
import dev.kldload.cli.kvm.KvmDeleteCommand;
import dev.kldload.cli.kvm.KvmListCommand;
import dev.kldload.cli.kvm.KvmSnapCommand;
import dev.kldload.cli.net.KubeNetworkCommand;
import dev.kldload.cli.support.HostEngines;
import dev.kldload.cli.support.WarmUp;
import dev.kldload.cli.zfs.KcloneCommand;
import dev.kldload.cli.zfs.KdfCommand;
import dev.kldload.cli.zfs.KsnapCommand;
import dev.kldload.cli.zfs.KstCommand;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every tool, by the name it is invoked as. Building picocli's model of a command costs reflection
 * over all its options, so an invocation builds only the tool it names; help listings and
 * suggestions build them all.
 */
final class Tools {
  /**
   * A tool name, its command class, and what a thread does while its command line is parsed ({@link
   * WarmUp}).
   */
  record Tool(String name, Class<?> type, Runnable warmUp) {
    Tool(String name, Class<?> type) {
      this(name, type, WarmUp.NOTHING);
    }
  }

  /**
   * One instance for all tools, of a class rather than a lambda: each lambda call site is linked on
   * its own, and the run's first one sets up the JDK's lambda machinery (~3 ms), which would delay
   * the warm-up's start.
   */
  private static final Runnable LIBVIRT =
      new Runnable() {
        @Override
        public void run() {
          HostEngines.warmUpLibvirt();
        }
      };

  static final List<Tool> ALL =
      List.of(
          new Tool("doctor", DoctorCommand.class),
          new Tool("completion", CompletionCommand.class),
          new Tool("ksnap", KsnapCommand.class),
          new Tool("kclone", KcloneCommand.class),
          new Tool("kdf", KdfCommand.class),
          new Tool("kst", KstCommand.class),
          new Tool("kvm-create", KvmCreateCommand.class, LIBVIRT),
          new Tool("kvm-clone", KvmCloneCommand.class, LIBVIRT),
          new Tool("kvm-snap", KvmSnapCommand.class, LIBVIRT),
          new Tool("kvm-list", KvmListCommand.class, LIBVIRT),
          new Tool("kvm-delete", KvmDeleteCommand.class, LIBVIRT),
          new Tool("kube-network", KubeNetworkCommand.class),
          new Tool("kube-cluster", KubeClusterCommand.class),
          new Tool("kube-setup", KubeSetupCommand.class),
          new Tool("kube-init", KubeInitCommand.class),
          new Tool("kube-join", KubeJoinCommand.class),
          new Tool("kube-reset", KubeResetCommand.class),
          new Tool("kube-status", KubeStatusCommand.class),
          new Tool("kube-smoke-test", KubeSmokeTestCommand.class),
          new Tool("kube-load-images", KubeLoadImagesCommand.class),
          new Tool("kube-bundle", KubeBundleCommand.class));

  /** Root options that take a separate value: their value is not a tool name. */
  private static final Set<String> ROOT_OPTIONS_WITH_VALUE =
      Set.of("--color", "--state-dir", "--config");

  private Tools() {}

  // loops, not streams or lambdas: every run calls these before the warm-up starts, and the first
  // lambda of a run sets up the JDK's lambda machinery (~3 ms)
  static Optional<Tool> byName(String name) {
    for (Tool tool : ALL) {
      if (tool.name().equals(name)) {
        return Optional.of(tool);
      }
    }
    return Optional.empty();
  }

  /**
   * The tools an invocation needs: the one it names; none for {@code --version} or a bare root
   * option; all of them for root help and for an unknown name (so picocli can suggest the closest).
   */
  static List<Tool> needed(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--")) {
        break;
      }
      if (arg.startsWith("-")) {
        if (ROOT_OPTIONS_WITH_VALUE.contains(arg)) {
          i++;
        }
        continue;
      }
      Optional<Tool> tool = byName(arg);
      return tool.isPresent() ? List.of(tool.get()) : ALL;
    }
    for (String arg : args) {
      if (arg.equals("-h") || arg.equals("--help")) {
        return ALL;
      }
    }
    return List.of();
  }
}

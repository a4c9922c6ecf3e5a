package dev.kldload.kube.orchestrator;

import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Step;
import dev.kldload.core.plan.StepBuilder;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.VmDomain;
import dev.kldload.kvm.disk.DiskBackend;
import dev.kldload.kvm.xml.DomainDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code destroy --all}'s part: the golden on every host the cluster's nodes live on, only where it
 * carries kube-cluster's golden marks, and refused before anything is planned while a clone the
 * cluster does not own depends on it.
 */
final class GoldenRemoval {
  private final Function<String, Hypervisor> hypervisors;
  private final Function<String, DiskBackend> disks;

  GoldenRemoval(Function<String, Hypervisor> hypervisors, Function<String, DiskBackend> disks) {
    this.hypervisors = hypervisors;
    this.disks = disks;
  }

  void addSteps(
      ClusterManifest manifest,
      ClusterBootstrap.Golden golden,
      Map<String, Set<String>> removedDisks,
      Map<String, List<String>> diskSteps,
      List<ClusterDestroy.Target> remove,
      List<String> kept,
      List<Step> steps) {
    VmName vm = golden.domain();
    String name = vm.value();
    List<String> hosts = manifest.nodes().stream().map(NodeRecord::host).distinct().toList();
    // refused before anything is planned: a foreign clone on any host keeps every golden
    List<String> foreignClones = new ArrayList<>();
    for (String uri : hosts) {
      Set<String> ours = removedDisks.getOrDefault(uri, Set.of());
      for (String dependent : ClusterDestroy.dependents(disks.apply(uri), vm)) {
        if (!ours.contains(ClusterDestroy.dependentVm(dependent))) {
          foreignClones.add(dependent);
        }
      }
    }
    if (!foreignClones.isEmpty()) {
      throw KldloadException.conflict(
          "golden "
              + golden.origin()
              + " has clones that cluster "
              + manifest.name()
              + " does not own, nothing was changed: "
              + String.join(", ", foreignClones),
          "delete those VMs first ('kvm-delete NAME'), or destroy without --all to keep the golden");
    }
    for (int i = 0; i < hosts.size(); i++) {
      String uri = hosts.get(i);
      String prefix = i == 0 ? "golden/" : "golden-" + (i + 1) + "/";
      Hypervisor hypervisor = hypervisors.apply(uri);
      DiskBackend backend = disks.apply(uri);
      Optional<VmDomain> domain = hypervisor.domain(name);
      boolean foreign = domain.isPresent() && !goldenMarks(domain.get());
      List<String> after = new ArrayList<>(diskSteps.getOrDefault(uri, List.of()));
      if (foreign) {
        kept.add(
            "golden domain "
                + name
                + " on "
                + uri
                + ": no "
                + ClusterBootstrap.OWNER
                + " golden marks; left as it is, with its disk");
        continue;
      }
      if (domain.isPresent()) {
        remove.add(
            new ClusterDestroy.Target(
                "golden-domain", name, uri + " (" + domain.get().stateLabel() + ")"));
        steps.add(
            Step.named(prefix + "domain")
                .description("power off and undefine the golden " + name + " on " + uri)
                .doneWhen(c -> hypervisor.domain(name).map(d -> !goldenMarks(d)).orElse(true))
                .apply(
                    c -> {
                      Optional<VmDomain> now = hypervisor.domain(name);
                      if (now.isEmpty() || !goldenMarks(now.get())) {
                        return;
                      }
                      if (now.get().state().active()) {
                        hypervisor.powerOff(name);
                      }
                      if (now.get().savedState()) {
                        hypervisor.discardSavedState(name);
                      }
                      hypervisor.undefine(name);
                    }));
        after.add(prefix + "domain");
      }
      boolean disk =
          backend.exists(vm)
              && (domain.isPresent() || backend.findSnapshot(vm, golden.snapshot()).isPresent());
      if (disk) {
        remove.add(
            new ClusterDestroy.Target(
                "golden-disk", backend.diskOf(vm).path() + " with its snapshots", uri));
        StepBuilder step =
            Step.named(prefix + "disk")
                .description(
                    "destroy the golden's disk "
                        + backend.diskOf(vm).path()
                        + " and its snapshot "
                        + golden.snapshot())
                .after(after)
                .doneWhen(c -> !backend.exists(vm));
        steps.add(
            step.apply(
                c -> {
                  List<String> left = backend.dependents(vm);
                  if (!left.isEmpty()) {
                    throw KldloadException.conflict(
                        "golden "
                            + golden.origin()
                            + " gained clones since the plan was made: "
                            + String.join(", ", left),
                        "delete them first, or destroy without --all");
                  }
                  backend.destroy(vm);
                }));
      } else if (backend.exists(vm)) {
        kept.add(
            "disk "
                + backend.diskOf(vm).path()
                + " on "
                + uri
                + ": no golden domain and no snapshot "
                + golden.snapshot()
                + "; left as it is");
      }
    }
  }

  private static boolean goldenMarks(VmDomain domain) {
    return DomainDefinition.parse(domain.xml())
        .metadata()
        .map(
            m ->
                m.owner().equals(ClusterBootstrap.OWNER)
                    && m.role().equals(ClusterDestroy.GOLDEN_ROLE))
        .orElse(false);
  }
}

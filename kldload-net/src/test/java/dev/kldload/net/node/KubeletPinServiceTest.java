package dev.kldload.net.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.core.process.DryRunProcessRunner;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.value.NodeId;
import dev.kldload.net.InMemoryNameResolver;
import dev.kldload.net.InMemoryWireGuard;
import dev.kldload.net.NetworkPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeletPinServiceTest {
  @TempDir Path dir;
  private final InMemoryWireGuard wg = new InMemoryWireGuard();
  private MeshService mesh;
  private KubeletPinService service;

  @BeforeEach
  void setUp() {
    NodeStore store = new NodeStore(dir.resolve("state"));
    NetworkPlan plan = NetworkPlan.defaults();
    mesh =
        new MeshService(
            plan,
            store,
            wg,
            new InMemoryNameResolver(),
            new DryRunProcessRunner(new SystemProcessRunner()),
            settings());
    service =
        new KubeletPinService(
            plan, store, wg, new DryRunProcessRunner(new SystemProcessRunner()), settings());
  }

  private NodeSettings settings() {
    return new NodeSettings(
        dir.resolve("wireguard"),
        false,
        dir.resolve("kubelet"),
        dir.resolve("nftables.nft"),
        dir.resolve("units"));
  }

  private static PlanResult run(Plan plan) {
    PlanResult result = PlanEngine.quiet(1).run(plan, false);
    result.throwIfFailed();
    return result;
  }

  private static void assertNothingChanged(PlanResult result) {
    assertThat(result.outcomes())
        .allSatisfy(o -> assertThat(o.status()).as(o.stepId()).isEqualTo(StepStatus.ALREADY_DONE));
  }

  @Test
  @DisplayName("pin-kubelet sets --node-ip to the wg-k8s address and keeps other arguments")
  void pinKubelet() throws Exception {
    run(mesh.init(NodeId.of(4), false));
    Files.writeString(
        dir.resolve("kubelet"), "KUBELET_EXTRA_ARGS=--node-ip=192.168.122.14 --v=2\n");
    run(service.pinKubelet());
    assertThat(Files.readString(dir.resolve("kubelet")))
        .isEqualTo("KUBELET_EXTRA_ARGS=\"--v=2 --node-ip=10.251.0.4\"\n");
    assertNothingChanged(run(service.pinKubelet()));
  }
}

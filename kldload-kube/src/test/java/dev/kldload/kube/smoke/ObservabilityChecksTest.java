package dev.kldload.kube.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ObservabilityChecksTest {
  static final String AGENT =
      "# HELP cilium_version Cilium version\n# TYPE cilium_version gauge\n"
          + "cilium_version{version=\"1.17.2\",revision=\"abc\",arch=\"amd64\"} 1\n"
          + "cilium_endpoint_state{endpoint_state=\"ready\"} 4\n";
  static final String HUBBLE =
      "hubble_flows_processed_total{protocol=\"TCP\",type=\"L3_L4\",verdict=\"FORWARDED\"} 42\n"
          + "hubble_dns_queries_total{qtypes=\"A\",rcode=\"\"} 7\n";

  private Map<String, CheckResult> run(InMemorySmokeNode node) {
    return SmokeFixtures.run(
        ObservabilityChecks.all(),
        SmokeFixtures.context(
            node, new ArrayList<>(), false, Duration.ofSeconds(5), Optional.empty(), p -> null));
  }

  @Test
  @DisplayName("loopback metrics with cilium_version and hubble series pass, with the version")
  void healthy() {
    InMemorySmokeNode node =
        SmokeFixtures.healthyNode()
            .http("http://127.0.0.1:9962/metrics", 200, AGENT)
            .http("http://127.0.0.1:9965/metrics", 200, HUBBLE);
    Map<String, CheckResult> r = run(node);
    assertThat(r.get("observability.cilium-agent").outcome()).isEqualTo(Outcome.PASS);
    assertThat(r.get("observability.cilium-agent").evidence()).isEqualTo("cilium_version 1.17.2");
    assertThat(r.get("observability.hubble").evidence()).isEqualTo("2 hubble_* series");
  }

  @Test
  @DisplayName("nothing listening, or no series: WARN naming the URL")
  void missing() {
    InMemorySmokeNode node =
        SmokeFixtures.healthyNode().http("http://127.0.0.1:9962/metrics", 200, "up 1\n");
    Map<String, CheckResult> r = run(node);
    assertThat(r.get("observability.cilium-agent").outcome()).isEqualTo(Outcome.WARN);
    assertThat(r.get("observability.cilium-agent").evidence())
        .isEqualTo("http://127.0.0.1:9962/metrics has no cilium_version series");
    assertThat(r.get("observability.hubble").outcome()).isEqualTo(Outcome.WARN);
    assertThat(r.get("observability.hubble").evidence())
        .isEqualTo("GET http://127.0.0.1:9965/metrics: ConnectException Connection refused");
  }

  @Test
  @DisplayName("off a cluster member both SKIP: no agent runs there")
  void notAMember() {
    InMemorySmokeNode node = SmokeFixtures.healthyNode().remove("/etc/kubernetes/kubelet.conf");
    assertThat(run(node).values()).extracting(CheckResult::outcome).containsOnly(Outcome.SKIP);
  }
}

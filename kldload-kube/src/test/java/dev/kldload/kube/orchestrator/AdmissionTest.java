package dev.kldload.kube.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.ClusterName;
import dev.kldload.core.value.NodeId;
import dev.kldload.net.PlanIssue;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AdmissionTest {
  private static final HostCapacity HOST = new HostCapacity(64_000, 16);

  private static Sizing.Result sizes(int cps, int workers, long workerMb) {
    return Sizing.choose(
        HOST,
        new Sizing.Request(
            cps,
            workers,
            Optional.of(ByteSize.ofMegabytes(workerMb)),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            ByteSize.ofGigabytes(40)));
  }

  private static Admission.Facts facts(
      Map<String, Optional<String>> domains, List<PlanIssue> issues, long freeGb) {
    return new Admission.Facts(
        HOST, Optional.of(ByteSize.ofGigabytes(freeGb)), false, domains, Optional.empty(), issues);
  }

  private static ClusterLayout layout(int cps, int workers) {
    return ClusterLayout.of(ClusterName.of("lab"), cps, workers, NodeId.of(100));
  }

  @Test
  @DisplayName("a cluster that fits, on a host with nothing of the same names, is admitted")
  void admitted() {
    Admission.Verdict v =
        Admission.check("lab", sizes(1, 5, 4096), layout(1, 5), facts(Map.of(), List.of(), 500));
    assertThat(v.admitted()).isTrue();
    assertThat(v.warnings()).isEmpty();
  }

  @Test
  @DisplayName("nodes needing more memory than the host has are refused with exit 6")
  void memory() {
    Admission.Verdict v =
        Admission.check("lab", sizes(1, 20, 4096), layout(1, 20), facts(Map.of(), List.of(), 500));
    assertThat(v.refusals())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.kind()).isEqualTo(ErrorKind.PRECONDITION);
              assertThat(f.message()).contains("64000 MB");
            });
  }

  @Test
  @DisplayName("a foreign domain with a node's name is a conflict (5); our own is a resume")
  void names() {
    Admission.Verdict v =
        Admission.check(
            "lab",
            sizes(1, 2, 4096),
            layout(1, 2),
            facts(
                Map.of("lab-cp", Optional.of("lab"), "lab-w-2", Optional.empty()), List.of(), 500));
    assertThat(v.refusals())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.kind()).isEqualTo(ErrorKind.CONFLICT);
              assertThat(f.message()).contains("lab-w-2").contains("not made by kldload");
            });
  }

  @Test
  @DisplayName("too little space for the golden and a plan overlapping host routes are refused")
  void spaceAndPlan() {
    PlanIssue issue =
        new PlanIssue(
            "wg-mgmt", "10.250.0.0/24", "host route 10.250.0.0/16 dev eth1", "the host routes it");
    Admission.Verdict v =
        Admission.check(
            "lab", sizes(1, 1, 4096), layout(1, 1), facts(Map.of(), List.of(issue), 10));
    assertThat(v.refusals())
        .extracting(Admission.Finding::message)
        .anySatisfy(m -> assertThat(m).contains("golden disk needs 40"))
        .anySatisfy(m -> assertThat(m).contains("10.250.0.0/24 collides with host route"));
  }
}

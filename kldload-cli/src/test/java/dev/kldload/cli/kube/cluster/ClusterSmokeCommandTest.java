package dev.kldload.cli.kube.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.cli.CliHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kube-smoke-test --cluster} and its trace in {@code kube-cluster status}, in memory. */
class ClusterSmokeCommandTest {
  @TempDir Path dir;

  @Test
  @DisplayName(
      "--cluster: each node's checks over SSH name it; a silent node fails its checks (exit 1,"
          + " not 7); the cluster checks SKIP without the cluster's kubeconfig; status shows it")
  void smokeTheCluster() throws Exception {
    ClusterTestBed bed = new ClusterTestBed(dir).withGolden();
    CliHarness.Result boot =
        bed.run("kube-cluster", "bootstrap", "--cps", "1", "--workers", "1", "--until", "mesh");
    assertThat(boot.exit()).as(boot.toString()).isZero();
    JsonNode manifest =
        new ObjectMapper().readTree(dir.resolve("state/clusters/kldload/cluster.json").toFile());
    String workerLan = manifest.path("nodes").get(1).path("lanAddress").asText();
    bed.ssh.stop(workerLan, 22);
    Path log = dir.resolve("log/kube-smoke-test.log");

    CliHarness.Result r =
        bed.cli()
            .env("KLDLOAD_KUBE_SMOKE_TEST_LOG", log.toString())
            .exec(
                "kube-smoke-test",
                "--cluster",
                "kldload",
                "--only",
                "wireguard",
                "--only",
                "cluster",
                "-o",
                "json");

    assertThat(r.exit()).as(r.toString()).isEqualTo(1);
    JsonNode report = new ObjectMapper().readTree(r.out());
    assertThat(report.path("unreachable").get(0).asText()).isEqualTo("kldload-w-1");
    int cp = 0;
    int worker = 0;
    int cluster = 0;
    for (JsonNode result : report.path("results")) {
      switch (result.path("node").asText("")) {
        case "kldload-cp" -> cp++;
        case "kldload-w-1" -> {
          worker++;
          assertThat(result.path("result").asText()).isEqualTo("FAIL");
          assertThat(result.path("evidence").asText()).startsWith("unreachable: ");
        }
        case "" -> {
          cluster++;
          assertThat(result.path("section").asText()).isEqualTo("cluster");
          assertThat(result.path("result").asText()).isEqualTo("SKIP");
          assertThat(result.path("evidence").asText()).startsWith("no kubeconfig for cluster");
        }
        default -> throw new AssertionError("unexpected node in " + result);
      }
    }
    assertThat(cp).isPositive().isEqualTo(worker);
    assertThat(cluster).isPositive();
    assertThat(Files.readString(log)).contains("fail=" + worker);

    CliHarness.Result status = bed.run("kube-cluster", "status", "-o", "json");
    JsonNode smoke = new ObjectMapper().readTree(status.out()).path("smoke");
    assertThat(smoke.path("verdict").asText()).isEqualTo("failed");
    assertThat(smoke.path("exitCode").asInt()).isEqualTo(1);
    assertThat(smoke.path("counts").path("fail").asInt()).isGreaterThanOrEqualTo(worker);
    assertThat(bed.run("kube-cluster", "status").out())
        .contains("last smoke test: " + report.path("started").asText().substring(0, 19));
  }

  @Test
  @DisplayName("--cluster with a cluster that is not recorded is exit 4, naming it")
  void noSuchCluster() throws Exception {
    ClusterTestBed bed = new ClusterTestBed(dir);
    CliHarness.Result r = bed.run("kube-smoke-test", "--cluster", "nope");
    assertThat(r.exit()).as(r.toString()).isEqualTo(4);
    assertThat(r.err()).contains("cluster nope does not exist");
  }
}

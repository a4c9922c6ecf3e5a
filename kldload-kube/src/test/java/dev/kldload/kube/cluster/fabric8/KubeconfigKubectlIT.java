package dev.kldload.kube.cluster.fabric8;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Merged kubeconfigs are read by the real kubectl (Debian kubernetes-client). */
class KubeconfigKubectlIT {
  @TempDir Path dir;

  @Test
  @DisplayName("kubectl config view accepts a merged kubeconfig and sees both contexts")
  void kubectlReadsMergedFile() throws Exception {
    Requirements.require(Requirements.onPath("kubectl"), "needs kubectl (kubernetes-client)");
    Path target = dir.resolve(".kube/config");
    Files.createDirectories(target.getParent());
    Files.writeString(target, KubeconfigsTest.EXISTING);
    Kubeconfigs.mergeInto(target, KubeconfigsTest.ADMIN_CONF, "admin.conf", "kldload-c1", true);
    ProcessResult r =
        new SystemProcessRunner()
            .run(
                ProcessSpec.of(
                        "kubectl",
                        "config",
                        "view",
                        "--kubeconfig",
                        target.toString(),
                        "-o",
                        "jsonpath={.contexts[*].name} {.current-context}")
                    .timeout(Duration.ofSeconds(30))
                    .build());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).isEqualTo("kldload-c1 work kldload-c1");
    ProcessResult raw =
        new SystemProcessRunner()
            .run(
                ProcessSpec.of("kubectl", "config", "view", "--kubeconfig", target.toString())
                    .timeout(Duration.ofSeconds(30))
                    .build());
    assertThat(raw.exitCode()).isZero();
    // kubectl redacts key material; our file must not expose it elsewhere either
    assertThat(raw.stdout()).contains("client-key-data: DATA+OMITTED").doesNotContain("S0VZ");
  }
}

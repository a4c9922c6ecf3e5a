package dev.kldload.kube.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GoldenStackTest {
  static final String UUID = "5f0c2a4e-3b1d-4c55-9a0e-7d9f1b2c3d4e";

  @TempDir Path dir;

  private KldloadException refusal(GoldenStack stacks, Path bundle) {
    Throwable thrown =
        catchThrowable(() -> stacks.require(bundle, "k8s-golden", Optional.of(UUID)));
    assertThat(thrown).isInstanceOf(KldloadException.class);
    KldloadException e = (KldloadException) thrown;
    assertThat(e.kind()).isEqualTo(ErrorKind.PRECONDITION);
    return e;
  }

  @Test
  @DisplayName("no stack lock in the bundle: exit 6 naming k8s-stack.lock")
  void needsTheBundle() {
    assertThat(refusal(new GoldenStack(dir.resolve("state")), dir.resolve("bundle")).getMessage())
        .contains("k8s-stack.lock is missing");
  }

  @Test
  @DisplayName("a golden without a recorded stack carries no Kubernetes and is refused by name")
  void refusesAGoldenWithoutKubernetes() throws Exception {
    Path bundle = Files.createDirectories(dir.resolve("bundle"));
    Files.writeString(bundle.resolve("k8s-stack.lock.yaml"), "kubernetes: v1.32.3\n");
    assertThat(refusal(new GoldenStack(dir.resolve("state")), bundle).getMessage())
        .contains("golden k8s-golden carries no Kubernetes");
  }

  @Test
  @DisplayName(
      "a golden rebuilt since its stack was recorded (a new domain UUID), or gone, is refused")
  void aRebuiltGoldenDoesNotInheritTheRecord() throws Exception {
    Path bundle = Files.createDirectories(dir.resolve("bundle"));
    Path lock = bundle.resolve("k8s-stack.lock");
    Files.writeString(lock, "K8S_VERSION=1.32.3\n");
    GoldenStack stacks = new GoldenStack(dir.resolve("state"));
    stacks.record("k8s-golden", UUID, GoldenStack.sha256(lock));
    Throwable rebuilt =
        catchThrowable(
            () ->
                stacks.require(
                    bundle, "k8s-golden", Optional.of("0f0c2a4e-0000-4c55-9a0e-000000000000")));
    assertThat(rebuilt).hasMessageContaining("rebuilt since its stack was recorded");
    Throwable gone = catchThrowable(() -> stacks.require(bundle, "k8s-golden", Optional.empty()));
    assertThat(gone).hasMessageContaining("does not exist");
  }

  @Test
  @DisplayName("a golden carrying another lock is refused; the same lock passes")
  void theRecordedLockMustBeTheBundles() throws Exception {
    Path bundle = Files.createDirectories(dir.resolve("bundle"));
    Path lock = bundle.resolve("k8s-stack.lock");
    Files.writeString(lock, "K8S_VERSION=1.32.3\n");
    GoldenStack stacks = new GoldenStack(dir.resolve("state"));
    stacks.record("k8s-golden", UUID, "0".repeat(64));
    assertThat(refusal(stacks, bundle).getMessage()).contains("carries another stack");
    stacks.record("k8s-golden", UUID, GoldenStack.sha256(lock));
    stacks.require(bundle, "k8s-golden", Optional.of(UUID));
    assertThat(stacks.carried("k8s-golden"))
        .contains(new GoldenStack.Carried(GoldenStack.sha256(lock), UUID));
  }
}

package dev.kldload.kube.bundle.image;

import static dev.kldload.core.testing.Requirements.isRoot;
import static dev.kldload.core.testing.Requirements.onPath;
import static dev.kldload.core.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.ExitCode;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.kube.bundle.image.jib.JibImageRegistry;
import dev.kldload.kube.node.KubeLoadImages;
import dev.kldload.kube.node.NodeSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the bundle is for: archives the jib adapter pulls from a real registry (Debian's
 * docker-registry on loopback) are what a real containerd (Debian's, private to the test) imports,
 * by hand with {@code ctr} and through {@code kube-load-images}.
 */
class CtrImportIT {
  @TempDir Path dir;
  private DistributionRegistry registry;
  private PrivateContainerd containerd;
  private final ImageRegistry images = new JibImageRegistry(Map.of());

  @BeforeEach
  void start() throws Exception {
    require(isRoot(), "root (containerd mounts snapshots)");
    require(
        Files.isExecutable(DistributionRegistry.BINARY),
        "/usr/bin/docker-registry (apt-get install docker-registry)");
    require(
        Files.isExecutable(PrivateContainerd.BINARY) && onPath("ctr"),
        "containerd and ctr (apt-get install containerd)");
    registry = DistributionRegistry.start(dir.resolve("registry"));
    containerd = PrivateContainerd.start(dir.resolve("containerd"));
  }

  @AfterEach
  void stop() {
    if (containerd != null) {
      containerd.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  private Path pull(String name, List<String> arches, Path target) throws Exception {
    ImageRef ref = ImageRef.parse(registry.host() + "/" + name);
    JibPush.push(ref, arches);
    String digest = images.resolve(ref, "amd64");
    images.pull(ref, digest, "amd64", target, b -> {});
    return target;
  }

  /**
   * Resolves and pulls {@code ref} for amd64, imports it with ctr, and gives the {@code ctr images
   * ls} line that names it, which must carry the digest {@code pushed}.
   */
  private String importAndList(ImageRef ref, String pushed) throws Exception {
    String digest = images.resolve(ref, "amd64");
    Path archive = dir.resolve(ref.tag() + ".tar");
    images.pull(ref, digest, "amd64", archive, b -> {});

    ProcessResult imported = containerd.ctr("images", "import", archive.toString());
    String listed = containerd.ctr("images", "ls").stdout();

    assertThat(imported.ok()).as("%s\n%s", imported, containerd.log()).isTrue();
    assertThat(digest).isEqualTo(pushed);
    return listed
        .lines()
        .filter(l -> l.startsWith(ref.name() + " ") && l.contains(pushed))
        .findFirst()
        .orElseThrow(() -> new AssertionError(ref.name() + " " + pushed + " not in\n" + listed));
  }

  @Test
  @DisplayName("ctr imports a pulled archive under the image's name and the locked digest")
  void ctrImportsArchive() throws Exception {
    ImageRef ref = ImageRef.parse(registry.host() + "/kldload/pause:3.10");
    String pushed = JibPush.push(ref, List.of("amd64", "arm64")).get("amd64");

    assertThat(importAndList(ref, pushed)).contains("linux/amd64");
  }

  @Test
  @DisplayName("an image published with Docker schema 2 media types imports the same way")
  void ctrImportsDockerSchema2() throws Exception {
    ImageRef ref = ImageRef.parse(registry.host() + "/kldload/kube-proxy:v1.32.3");
    String pushed = JibPush.pushDocker(ref);

    assertThat(importAndList(ref, pushed))
        .contains("application/vnd.docker.distribution.manifest.v2+json");
  }

  @Test
  @DisplayName(
      "kube-load-images imports the pulled archives through ctr, and a re-run imports none")
  void kubeLoadImagesImportsPulledArchives() throws Exception {
    Path images = dir.resolve("bundle").resolve("k8s-images");
    Files.createDirectories(images);
    pull("kldload/coredns:v1.11.3", List.of("amd64"), images.resolve("coredns.tar"));
    pull("kldload/etcd:3.5.16-0", List.of("amd64", "arm64"), images.resolve("etcd.tar"));
    KubeLoadImages tool = new KubeLoadImages(new NodeSystem(dir, containerd.runner()));

    PlanResult first = PlanEngine.quiet(1).run(tool.plan(images, false).orElseThrow(), false);
    PlanResult second = PlanEngine.quiet(1).run(tool.plan(images, false).orElseThrow(), false);

    assertThat(first.exitCode()).as("%s\n%s", first, containerd.log()).isEqualTo(ExitCode.OK);
    assertThat(first.withStatus(StepStatus.APPLIED))
        .extracting(o -> o.stepId())
        .containsExactly("import-coredns", "import-etcd");
    assertThat(second.withStatus(StepStatus.ALREADY_DONE)).hasSize(2);
    assertThat(containerd.ctr("images", "ls", "-q").stdout().lines())
        .contains(
            registry.host() + "/kldload/coredns:v1.11.3",
            registry.host() + "/kldload/etcd:3.5.16-0");
  }
}

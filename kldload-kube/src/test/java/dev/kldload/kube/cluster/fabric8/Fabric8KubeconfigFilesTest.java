package dev.kldload.kube.cluster.fabric8;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.kube.cluster.KubeconfigFiles;
import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Fabric8KubeconfigFilesTest {
  private final KubeconfigFiles files = new Fabric8KubeconfigFiles();

  @TempDir Path dir;

  @Test
  @DisplayName("the server URL is replaced and read back; credentials stay as they were")
  void setsTheServer() {
    String moved =
        files.withServer(KubeconfigsTest.ADMIN_CONF, "admin.conf", "https://192.168.122.240:6443");
    assertThat(files.server(moved, "moved")).isEqualTo("https://192.168.122.240:6443");
    assertThat(files.server(KubeconfigsTest.ADMIN_CONF, "admin.conf"))
        .isEqualTo("https://10.251.0.1:6443");
    assertThat(moved).contains("client-key-data: \"S0VZ\"");
  }

  @Test
  @DisplayName("remove takes out only the cluster's context, cluster and user; the file stays 0600")
  void removesOnlyThatContext() throws Exception {
    Path target = dir.resolve("config");
    Files.writeString(target, KubeconfigsTest.EXISTING);
    files.merge(target, KubeconfigsTest.ADMIN_CONF, "admin.conf", "lab");
    assertThat(files.hasContext(target, "lab")).isTrue();
    assertThat(files.hasContext(target, "work")).isTrue();

    assertThat(files.remove(target, "lab")).isTrue();
    Config left = Kubeconfigs.parse(Files.readString(target), target.toString());
    assertThat(left.getContexts()).extracting(NamedContext::getName).containsExactly("work");
    assertThat(left.getClusters()).extracting(NamedCluster::getName).containsExactly("work");
    assertThat(left.getCurrentContext()).isEqualTo("work");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
        .isEqualTo("rw-------");

    String before = Files.readString(target);
    assertThat(files.remove(target, "lab")).isFalse();
    assertThat(Files.readString(target)).isEqualTo(before);
    assertThat(files.remove(dir.resolve("absent"), "lab")).isFalse();
  }

  @Test
  @DisplayName("removing the current context clears current-context instead of naming a gone one")
  void removingTheCurrentContextClearsIt() throws Exception {
    Path target = dir.resolve("config");
    files.merge(target, KubeconfigsTest.ADMIN_CONF, "admin.conf", "lab");
    assertThat(files.remove(target, "lab")).isTrue();
    assertThat(Files.readString(target)).doesNotContain("current-context: lab");
    assertThat(files.hasContext(target, "lab")).isFalse();
  }
}

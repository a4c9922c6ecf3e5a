package dev.kldload.kube.cluster.fabric8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.kube.cluster.AdminConfs;
import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.NamedContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeconfigsTest {
  static final String ADMIN_CONF = AdminConfs.at("https://10.251.0.1:6443");

  static final String EXISTING =
      String.join(
          "\n",
          "apiVersion: v1",
          "kind: Config",
          "clusters:",
          "- name: work",
          "  cluster:",
          "    server: https://work.example:6443",
          "users:",
          "- name: me",
          "  user:",
          "    token: abc",
          "contexts:",
          "- name: work",
          "  context:",
          "    cluster: work",
          "    user: me",
          "current-context: work",
          "");

  @TempDir Path dir;

  @Test
  @DisplayName("merges admin.conf under one context name, keeps other entries, file 0600")
  void mergeKeepsOthers() throws Exception {
    Path target = dir.resolve("home/.kube/config");
    Files.createDirectories(target.getParent());
    Files.writeString(target, EXISTING);
    Kubeconfigs.mergeInto(target, ADMIN_CONF, "admin.conf", "kldload-c1", false);
    Kubeconfigs.mergeInto(
        target, ADMIN_CONF.replace("10.251.0.1", "10.251.0.9"), "admin.conf", "kldload-c1", false);

    Config merged = Kubeconfigs.parse(Files.readString(target), target.toString());
    assertThat(merged.getContexts())
        .extracting(NamedContext::getName)
        .containsExactly("work", "kldload-c1");
    assertThat(merged.getCurrentContext()).isEqualTo("work");
    NamedContext ours = merged.getContexts().get(1);
    assertThat(ours.getContext().getCluster()).isEqualTo("kldload-c1");
    assertThat(ours.getContext().getUser()).isEqualTo("kldload-c1");
    assertThat(merged.getClusters()).hasSize(2);
    assertThat(merged.getClusters().get(1).getCluster().getServer())
        .isEqualTo("https://10.251.0.9:6443");
    assertThat(merged.getUsers().get(1).getUser().getClientKeyData()).isEqualTo("S0VZ");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
        .isEqualTo("rw-------");
  }

  @Test
  @DisplayName("into a missing file: creates the directory 0700 and makes the context current")
  void mergeIntoNothing() throws Exception {
    Path target = dir.resolve("fresh/.kube/config");
    Kubeconfigs.mergeInto(target, ADMIN_CONF, "admin.conf", "kldload-c1", false);
    Config merged = Kubeconfigs.parse(Files.readString(target), target.toString());
    assertThat(merged.getCurrentContext()).isEqualTo("kldload-c1");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.getParent())))
        .isEqualTo("rwx------");
  }

  @Test
  @DisplayName("refuses a file that is not a complete kubeconfig")
  void refusesIncomplete() {
    for (String bad :
        new String[] {
          "just: text",
          ADMIN_CONF.replace("    user: kubernetes-admin", "    user: nobody"),
          "- a\n- b"
        }) {
      assertThatThrownBy(() -> Kubeconfigs.mergeInto(dir.resolve("c"), bad, "in", "x", false))
          .isInstanceOfSatisfying(
              KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT));
    }
    assertThat(dir.resolve("c")).doesNotExist();
  }
}

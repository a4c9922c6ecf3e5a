package dev.kldload.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @Test
  @DisplayName("precedence: system file < user file < KLDLOAD_* environment < flags")
  void precedence(@TempDir Path dir) throws Exception {
    Path system =
        Files.writeString(
            dir.resolve("system.yaml"),
            "libvirt:\n  uri: qemu:///system-file\nkvm.backend: qcow2\nstate-dir: /srv/a\n");
    Path user =
        Files.writeString(
            dir.resolve("user.yaml"), "libvirt.uri: test:///default\nstate-dir: /srv/b\n");
    ConfigLoader loader =
        new ConfigLoader(Map.of("KLDLOAD_STATE_DIR", "/srv/c"), List.of(system, user));
    Config config = loader.load(Optional.empty(), Map.of());
    assertThat(config.get(ConfigKey.KVM_BACKEND)).contains("qcow2");
    assertThat(config.source(ConfigKey.KVM_BACKEND)).contains(system.toString());
    assertThat(config.get(ConfigKey.LIBVIRT_URI)).contains("test:///default");
    assertThat(config.stateDir()).isEqualTo(Path.of("/srv/c"));
    assertThat(config.source(ConfigKey.STATE_DIR)).contains("environment KLDLOAD_STATE_DIR");
    Config flagged = loader.load(Optional.empty(), Map.of(ConfigKey.STATE_DIR, "/srv/d"));
    assertThat(flagged.stateDir()).isEqualTo(Path.of("/srv/d"));
    assertThat(config.get(ConfigKey.ZFS_VM_PARENT)).contains("rpool/vms");
    assertThat(config.source(ConfigKey.ZFS_VM_PARENT)).contains("default");
  }

  @Test
  @DisplayName("an unknown key is an error naming the key and the file")
  void unknownKey(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("k.yaml"), "libvirt:\n  url: qemu:///system\n");
    assertThatThrownBy(
            () -> new ConfigLoader(Map.of(), List.of(file)).load(Optional.empty(), Map.of()))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT);
              assertThat(e.getMessage())
                  .isEqualTo("unknown key 'libvirt.url' in config file " + file);
              assertThat(e.hint()).get().asString().contains("libvirt.uri");
            });
  }

  @Test
  @DisplayName("--config replaces the default files and must exist; invalid YAML is reported")
  void explicitFile(@TempDir Path dir) throws Exception {
    Path ignored = Files.writeString(dir.resolve("default.yaml"), "kvm.backend: qcow2\n");
    Path explicit = Files.writeString(dir.resolve("explicit.yaml"), "zfs.vm-parent: tank/vms\n");
    ConfigLoader loader = new ConfigLoader(Map.of(), List.of(ignored));
    Config config = loader.load(Optional.of(explicit), Map.of());
    assertThat(config.get(ConfigKey.ZFS_VM_PARENT)).contains("tank/vms");
    assertThat(config.get(ConfigKey.KVM_BACKEND)).contains("zfs");
    assertThatThrownBy(() -> loader.load(Optional.of(dir.resolve("nope.yaml")), Map.of()))
        .hasMessageContaining("does not exist");
    Path broken = Files.writeString(dir.resolve("broken.yaml"), "a: [unclosed\n");
    assertThatThrownBy(() -> loader.load(Optional.of(broken), Map.of()))
        .hasMessageContaining("is not valid YAML");
  }

  @Test
  void environmentNames() {
    assertThat(ConfigKey.LIBVIRT_URI.environmentName()).isEqualTo("KLDLOAD_LIBVIRT_URI");
    assertThat(ConfigKey.STATE_DIR.environmentName()).isEqualTo("KLDLOAD_STATE_DIR");
  }

  @Test
  @DisplayName("a bad value is exit 2 naming the key and where it came from, whatever the source")
  void valuesValidated(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, "state-dir: \"/var/lib/a\\0b\"\n");
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(Optional.of(file), Map.of()))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT);
              assertThat(e.getMessage()).contains("state-dir").contains(file.toString());
            });
    assertThatThrownBy(
            () ->
                new ConfigLoader(Map.of("KLDLOAD_KVM_BACKEND", "lvm"), List.of())
                    .load(Optional.empty(), Map.of()))
        .hasMessageContaining("kvm.backend 'lvm' (environment KLDLOAD_KVM_BACKEND)");
    assertThatThrownBy(
            () ->
                new ConfigLoader(Map.of(), List.of())
                    .load(Optional.empty(), Map.of(ConfigKey.ZFS_VM_PARENT, "rpool//vms")))
        .hasMessageContaining("zfs.vm-parent 'rpool//vms' (flag)");
  }
}

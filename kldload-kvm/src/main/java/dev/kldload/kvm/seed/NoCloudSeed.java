package dev.kldload.kvm.seed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.kldload.core.KldloadException;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.Programs;
import dev.kldload.kvm.xml.MacAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cloud-init NoCloud seed of one VM: {@code meta-data}, {@code user-data} and {@code
 * network-config} written with a YAML library (never templates), packed into an ISO 9660 volume
 * labelled {@code cidata}, mode 0600 (it carries the guest's private host key).
 */
public final class NoCloudSeed {
  /** Runs once per instance, early, so a clone never keeps its source's machine-id. */
  private static final List<String> REGENERATE_MACHINE_ID =
      List.of(
          "cloud-init-per",
          "instance",
          "kldload-machine-id",
          "sh",
          "-c",
          "rm -f /etc/machine-id /var/lib/dbus/machine-id && systemd-machine-id-setup");

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
              .build());

  /**
   * Every string quoted: YAML 1.1 readers (PyYAML, so cloud-init) take an unquoted MAC made of
   * digits, such as 52:54:00:12:34:56, for a base-60 number.
   */
  private static final ObjectMapper QUOTED_YAML =
      new ObjectMapper(
          YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build());

  private final ProcessRunner runner;

  public NoCloudSeed(ProcessRunner runner) {
    this.runner = runner;
  }

  public static String metaData(SeedRequest request) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("instance-id", request.instanceId());
    meta.put("local-hostname", request.hostname().value());
    return yaml(meta);
  }

  public static String userData(SeedRequest request) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("hostname", request.hostname().value());
    config.put("preserve_hostname", false);
    config.put("manage_etc_hosts", true);
    config.put("disable_root", false);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("name", "root");
    root.put("lock_passwd", true);
    root.put("ssh_authorized_keys", List.of(request.adminPublicKey().strip()));
    config.put("users", List.of(root));
    config.put("ssh_pwauth", false);
    config.put("ssh_deletekeys", true);
    // only the type we supply: nothing is generated in the guest that the host has not pinned
    config.put("ssh_genkeytypes", List.of("ed25519"));
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put("ed25519_private", request.hostKeys().privateKey());
    keys.put("ed25519_public", request.hostKeys().publicKey());
    config.put("ssh_keys", keys);
    config.put("bootcmd", List.of(REGENERATE_MACHINE_ID));
    if (!request.files().isEmpty()) {
      List<Map<String, Object>> files = new ArrayList<>();
      for (SeedFile file : request.files()) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("path", file.path());
        f.put("content", file.content());
        f.put("owner", "root:root");
        f.put("permissions", file.permissions());
        files.add(f);
      }
      config.put("write_files", files);
    }
    if (!request.runcmd().isEmpty()) {
      config.put("runcmd", request.runcmd());
    }
    return "#cloud-config\n" + yaml(config);
  }

  /**
   * DHCP on each NIC, matched by MAC (a v2 {@code match: name:} glob is ignored by cloud-init 22.x
   * on Debian's renderers). Empty when the VM has no NIC we know: cloud-init then falls back to
   * DHCP on its first NIC by itself.
   */
  public static Optional<String> networkConfig(List<MacAddress> macs) {
    return networkConfig(macs, Optional.empty());
  }

  /** The seed's network-config: {@link #networkConfig(List)}, the first NIC renamed if asked. */
  public static Optional<String> networkConfig(SeedRequest request) {
    return networkConfig(request.macs(), request.firstNicName());
  }

  private static Optional<String> networkConfig(List<MacAddress> macs, Optional<String> firstName) {
    if (macs.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Object> ethernets = new LinkedHashMap<>();
    for (int i = 0; i < macs.size(); i++) {
      Map<String, Object> nic = new LinkedHashMap<>();
      nic.put("match", Map.of("macaddress", macs.get(i).value()));
      if (i == 0) {
        firstName.ifPresent(name -> nic.put("set-name", name));
      }
      nic.put("dhcp4", true);
      ethernets.put("nic" + i, nic);
    }
    Map<String, Object> network = new LinkedHashMap<>();
    network.put("version", 2);
    network.put("ethernets", ethernets);
    try {
      return Optional.of(QUOTED_YAML.writeValueAsString(network));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Writes the ISO atomically: built beside the target in a private directory, made 0600, then
   * moved into place.
   */
  public void writeIso(SeedRequest request, Path iso) {
    Path dir = null;
    try {
      Path parent = iso.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      dir =
          Files.createTempDirectory(
              parent,
              ".seed-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path meta = write(dir.resolve("meta-data"), metaData(request));
      Path user = write(dir.resolve("user-data"), userData(request));
      Optional<String> network = networkConfig(request);
      Path out = dir.resolve("seed.iso");
      List<String> argv = new ArrayList<>(isoTool());
      argv.addAll(
          List.of(
              "-output",
              out.toString(),
              "-volid",
              "cidata",
              "-joliet",
              "-rock",
              meta.toString(),
              user.toString()));
      if (network.isPresent()) {
        argv.add(write(dir.resolve("network-config"), network.get()).toString());
      }
      runner.check(ProcessSpec.of(argv).build());
      if (!runner.mutates()) {
        return;
      }
      Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-------"));
      Files.move(out, iso, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      HostKeys.delete(dir);
    }
  }

  /**
   * Whether the seed at {@code iso} was written for this instance-id and these MACs: an ISO 9660
   * volume stores its small files as they are, so their text is found in its bytes. A seed made
   * with other choices (by a run whose decisions were lost) does not match and is written again.
   */
  public static boolean carries(Path iso, String instanceId, List<MacAddress> macs) {
    if (!Files.isRegularFile(iso)) {
      return false;
    }
    String bytes;
    try {
      bytes = new String(Files.readAllBytes(iso), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.contains("instance-id: " + instanceId)
        && macs.stream().allMatch(m -> bytes.contains(m.value()));
  }

  private static List<String> isoTool() {
    if (Programs.which("xorriso").isPresent()) {
      return List.of("xorriso", "-as", "mkisofs", "-quiet");
    }
    if (Programs.which("genisoimage").isPresent()) {
      return List.of("genisoimage", "-quiet");
    }
    throw KldloadException.precondition(
        "neither xorriso nor genisoimage is installed (needed for cloud-init seeds)",
        "apt-get install xorriso");
  }

  private static Path write(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  private static String yaml(Object value) {
    try {
      return YAML.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.kldload.kvm.seed;

import dev.kldload.core.KldloadException;

/**
 * A file the seed writes into the guest (cloud-init {@code write_files}), root-owned, mode 0600
 * unless stated: WireGuard configs, nftables rulesets.
 */
public record SeedFile(String path, String content, String permissions) {
  public SeedFile {
    if (path == null || !path.startsWith("/") || path.contains("/../") || path.endsWith("/..")) {
      throw KldloadException.invalid(
          "seed file path '" + path + "' is not absolute", "give an absolute guest path");
    }
    if (!permissions.matches("0[0-7]{3}")) {
      throw KldloadException.invalid(
          "seed file " + path + ": mode '" + permissions + "' is not octal", "write e.g. 0600");
    }
  }

  public static SeedFile secret(String path, String content) {
    return new SeedFile(path, content, "0600");
  }

  @Override
  public String toString() {
    return "SeedFile[" + path + ", " + permissions + "]";
  }
}

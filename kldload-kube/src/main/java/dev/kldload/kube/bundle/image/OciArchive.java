package dev.kldload.kube.bundle.image;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes one image as an OCI image-layout tar ({@code oci-layout}, {@code index.json}, {@code
 * blobs/sha256/<hex>}), the form {@code ctr images import} reads. The index names the image twice:
 * {@code io.containerd.image.name} (the full {@code registry/repository:tag}, which containerd uses
 * as is) and {@code org.opencontainers.image.ref.name} (the tag, per the OCI layout spec).
 *
 * <p>The tar is deterministic (entries in digest order, owner 0, time 0), so the same image always
 * gives the same bytes and the same archive SHA-256 in the stack lock.
 */
public final class OciArchive {
  private static final int BLOCK = 512;

  private OciArchive() {}

  /** The top descriptor of the archive: the image manifest's media type, digest and size. */
  public record Descriptor(String mediaType, String digest, long size) {}

  /**
   * Writes {@code manifest} and {@code blobs} (digest → a file whose content already matches that
   * digest; the manifest's own bytes included) to {@code target} through a temporary file in the
   * same directory, renamed into place.
   *
   * @return the archive's SHA-256, 64 lowercase hex digits
   */
  public static String write(
      ImageRef ref, Descriptor manifest, Map<String, Path> blobs, Path target) {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + target.getFileName(), ".part");
      MessageDigest sha = sha256();
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), sha)) {
        entry(
            out,
            "oci-layout",
            "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        entry(out, "index.json", index(ref, manifest).getBytes(StandardCharsets.UTF_8));
        directory(out, "blobs/");
        directory(out, "blobs/sha256/");
        for (Map.Entry<String, Path> blob : new TreeMap<>(blobs).entrySet()) {
          String hex = blob.getKey().substring("sha256:".length());
          long size = Files.size(blob.getValue());
          header(out, "blobs/sha256/" + hex, size, '0');
          try (InputStream in = Files.newInputStream(blob.getValue())) {
            in.transferTo(out);
          }
          pad(out, size);
        }
        out.write(new byte[2 * BLOCK]);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new KldloadException(
          ErrorKind.FAILED,
          "image " + ref.name() + ": cannot write " + target + ": " + e.getMessage(),
          "check the bundle directory's free space and permissions",
          e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the rename consumed it, or the disk is gone; nothing else to do
        }
      }
    }
  }

  /** The {@code index.json}; every value is a validated name or digest, so no JSON escaping. */
  static String index(ImageRef ref, Descriptor manifest) {
    return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
        + "\"manifests\":[{\"mediaType\":\""
        + manifest.mediaType()
        + "\",\"digest\":\""
        + manifest.digest()
        + "\",\"size\":"
        + manifest.size()
        + ",\"annotations\":{\"io.containerd.image.name\":\""
        + ref.name()
        + "\",\"org.opencontainers.image.ref.name\":\""
        + ref.tag()
        + "\"}}]}";
  }

  /**
   * A scratch directory beside an archive's target (same file system, so nothing is copied twice
   * across devices) holding blobs while they are fetched and checked; removed, with what it holds,
   * on close.
   */
  public static final class Scratch implements AutoCloseable {
    private final Path dir;

    private Scratch(Path dir) {
      this.dir = dir;
    }

    public static Scratch beside(Path target) throws IOException {
      Path parent = target.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      return new Scratch(Files.createTempDirectory(parent, ".pull-"));
    }

    /** Where blob {@code digest} is kept. */
    public Path file(String digest) {
      return dir.resolve(digest.replace(':', '-'));
    }

    @Override
    public void close() throws IOException {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.toList()) {
          Files.deleteIfExists(file);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  private static void entry(OutputStream out, String name, byte[] content) throws IOException {
    header(out, name, content.length, '0');
    out.write(content);
    pad(out, content.length);
  }

  private static void directory(OutputStream out, String name) throws IOException {
    header(out, name, 0, '5');
  }

  /** A POSIX ustar header; every name here is shorter than the 100 bytes the field holds. */
  private static void header(OutputStream out, String name, long size, char type)
      throws IOException {
    byte[] h = new byte[BLOCK];
    put(h, 0, name);
    put(h, 100, type == '5' ? "0000755" : "0000644");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format("%011o", size));
    put(h, 136, "00000000000");
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    h[156] = (byte) type;
    put(h, 257, "ustar");
    put(h, 263, "00");
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o", sum));
    h[155] = ' ';
    out.write(h);
  }

  private static void put(byte[] header, int offset, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }

  private static void pad(OutputStream out, long size) throws IOException {
    int rest = (int) (size % BLOCK);
    if (rest != 0) {
      out.write(new byte[BLOCK - rest]);
    }
  }
}

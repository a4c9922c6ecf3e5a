package dev.kldload.kube.bundle.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Small real images for registry tests: one gzip layer holding a few files, an image config whose
 * {@code diff_ids} match (containerd checks them on unpack), OCI manifests and indexes as bytes.
 */
final class TestImages {
  static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String INDEX = "application/vnd.oci.image.index.v1+json";
  static final String CONFIG = "application/vnd.oci.image.config.v1+json";
  static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

  private TestImages() {}

  /** One platform's image: config and layer blobs and the manifest naming them. */
  record Image(String arch, byte[] config, byte[] layer, byte[] manifest) {
    String configDigest() {
      return digest(config);
    }

    String layerDigest() {
      return digest(layer);
    }

    String manifestDigest() {
      return digest(manifest);
    }
  }

  /** An image for linux/{@code arch} whose files say which image it is. */
  static Image image(String name, String arch) {
    byte[] tar =
        tar(
            Map.of(
                "hello.txt", "hello from " + name + "\n",
                "etc/image-arch", arch + "\n"));
    byte[] layer = gzip(tar);
    byte[] config =
        ("{\"architecture\":\""
                + arch
                + "\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/hello\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + digest(tar)
                + "\"]}}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + MANIFEST
                + "\",\"config\":"
                + descriptor(CONFIG, config)
                + ",\"layers\":["
                + descriptor(LAYER, layer)
                + "]}")
            .getBytes(StandardCharsets.UTF_8);
    return new Image(arch, config, layer, manifest);
  }

  /** An OCI index with one linux entry per image. */
  static byte[] index(Iterable<Image> images) {
    StringBuilder entries = new StringBuilder();
    for (Image image : images) {
      if (entries.length() > 0) {
        entries.append(',');
      }
      entries.append(
          descriptor(
              MANIFEST,
              image.manifest(),
              ",\"platform\":{\"architecture\":\"" + image.arch() + "\",\"os\":\"linux\"}"));
    }
    return ("{\"schemaVersion\":2,\"mediaType\":\"" + INDEX + "\",\"manifests\":[" + entries + "]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  static String digest(byte[] content) {
    return "sha256:" + HexFormat.of().formatHex(OciArchive.sha256().digest(content));
  }

  private static String descriptor(String mediaType, byte[] content) {
    return descriptor(mediaType, content, "");
  }

  private static String descriptor(String mediaType, byte[] content, String more) {
    return "{\"mediaType\":\""
        + mediaType
        + "\",\"digest\":\""
        + digest(content)
        + "\",\"size\":"
        + content.length
        + more
        + "}";
  }

  private static byte[] tar(Map<String, String> files) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      for (Map.Entry<String, String> file :
          files.entrySet().stream()
              .sorted(Map.Entry.comparingByKey())
              .collect(Collectors.toList())) {
        if (file.getKey().contains("/")) {
          TarArchiveEntry dir =
              new TarArchiveEntry(file.getKey().substring(0, file.getKey().lastIndexOf('/') + 1));
          out.putArchiveEntry(dir);
          out.closeArchiveEntry();
        }
        byte[] content = file.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
        entry.setSize(content.length);
        entry.setModTime(0);
        out.putArchiveEntry(entry);
        out.write(content);
        out.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static byte[] gzip(byte[] content) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}

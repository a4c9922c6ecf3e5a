package dev.kldload.kube.bundle.image;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * Registries in memory: repositories of tags, manifests and blobs per registry host; a host nothing
 * was pushed to is unreachable. Content is stored as bytes and checked against its digest on every
 * pull, so {@link #corrupt} behaves like a tampered registry store.
 */
public final class InMemoryImageRegistry implements ImageRegistry {
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final Map<String, Manifest> manifests = new ConcurrentHashMap<>();
  private final Map<String, String> tags = new ConcurrentHashMap<>();
  private final Set<String> hosts = ConcurrentHashMap.newKeySet();

  /** An image manifest (with its platform) or an index (arch → manifest digest). */
  private record Manifest(
      String mediaType,
      byte[] content,
      String arch,
      List<String> blobs,
      Map<String, String> index) {}

  /**
   * Pushes {@link TestImages#image} for each arch under {@code ref}'s tag: a single manifest for
   * one arch, an OCI index over them for more. Returns arch → image manifest digest, and the
   * index's digest under {@code "index"}.
   */
  public Map<String, String> push(ImageRef ref, List<String> arches) {
    hosts.add(ref.registry());
    Map<String, String> digests = new LinkedHashMap<>();
    List<TestImages.Image> images = new ArrayList<>();
    for (String arch : arches) {
      TestImages.Image image = TestImages.image(ref.repository(), arch);
      images.add(image);
      blobs.put(key(ref, image.configDigest()), image.config());
      blobs.put(key(ref, image.layerDigest()), image.layer());
      manifests.put(
          key(ref, image.manifestDigest()),
          new Manifest(
              TestImages.MANIFEST,
              image.manifest(),
              arch,
              List.of(image.configDigest(), image.layerDigest()),
              Map.of()));
      digests.put(arch, image.manifestDigest());
    }
    if (images.size() == 1) {
      tags.put(ref.name(), images.get(0).manifestDigest());
    } else {
      byte[] index = TestImages.index(images);
      manifests.put(
          key(ref, TestImages.digest(index)),
          new Manifest(TestImages.INDEX, index, null, List.of(), Map.copyOf(digests)));
      tags.put(ref.name(), TestImages.digest(index));
      digests.put("index", TestImages.digest(index));
    }
    return digests;
  }

  /** Flips the stored bytes of {@code digest} in {@code ref}'s repository, keeping its length. */
  public void corrupt(ImageRef ref, String digest) {
    byte[] content = blobs.get(key(ref, digest));
    byte[] bad = Arrays.copyOf(content, content.length);
    bad[bad.length / 2] ^= 0x5a;
    blobs.put(key(ref, digest), bad);
  }

  @Override
  public String resolve(ImageRef ref, String arch) {
    reachable(ref);
    String digest = tags.get(ref.name());
    if (digest == null) {
      throw KldloadException.notFound(
          "image " + ref.name() + ": no such tag in the registry",
          "check the tag, or push the image to the mirror");
    }
    return platform(ref, digest, arch);
  }

  @Override
  public String pull(
      ImageRef ref, String digest, String arch, Path target, LongConsumer bytesDone) {
    reachable(ref);
    String manifestDigest = platform(ref, digest, arch);
    Manifest manifest = manifests.get(key(ref, manifestDigest));
    verify(ref, manifestDigest, manifest.content());
    try (OciArchive.Scratch scratch = OciArchive.Scratch.beside(target)) {
      Map<String, Path> files = new HashMap<>();
      files.put(manifestDigest, Files.write(scratch.file(manifestDigest), manifest.content()));
      long done = 0;
      for (String blob : manifest.blobs()) {
        byte[] content = blobs.get(key(ref, blob));
        if (content == null) {
          throw KldloadException.notFound(
              "image " + ref.name() + ": blob " + blob + " is missing from the registry",
              "push the image again");
        }
        verify(ref, blob, content);
        files.put(blob, Files.write(scratch.file(blob), content));
        done += content.length;
        bytesDone.accept(done);
      }
      return OciArchive.write(
          ref,
          new OciArchive.Descriptor(
              manifest.mediaType(), manifestDigest, manifest.content().length),
          files,
          target);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String platform(ImageRef ref, String digest, String arch) {
    Manifest manifest = manifests.get(key(ref, digest));
    if (manifest == null) {
      throw KldloadException.notFound(
          "image " + ref.name() + ": no manifest " + digest + " in the registry",
          "resolve the tag again, or push the image to the mirror");
    }
    String found = manifest.index().isEmpty() ? digest : manifest.index().get(arch);
    String foundArch = manifest.index().isEmpty() ? manifest.arch() : arch;
    if (found == null || !arch.equals(foundArch)) {
      throw KldloadException.notFound(
          "image " + ref.name() + ": no linux/" + arch + " image",
          "pick an image published for " + arch);
    }
    return found;
  }

  private void reachable(ImageRef ref) {
    if (!hosts.contains(ref.registry())) {
      throw new KldloadException(
          ErrorKind.UNAVAILABLE,
          "image " + ref.name() + ": registry " + ref.registry() + " cannot be reached",
          "check the registry mirror setting and the network");
    }
  }

  private static void verify(ImageRef ref, String digest, byte[] content) {
    if (!TestImages.digest(content).equals(digest)) {
      throw new KldloadException(
          ErrorKind.FAILED,
          "image " + ref.name() + ": content of " + digest + " does not match its digest",
          "the registry serves corrupt or tampered data");
    }
  }

  private static String key(ImageRef ref, String digest) {
    return ref.registry() + "/" + ref.repository() + "@" + digest;
  }
}

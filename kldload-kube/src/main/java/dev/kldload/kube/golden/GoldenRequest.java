package dev.kldload.kube.golden;

import dev.kldload.core.KldloadException;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.xml.DirectBoot;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code kube-cluster golden} is asked for.
 *
 * @param name the golden domain (and disk) name, {@code k8s-golden} by default
 * @param disk the golden disk's virtual size (the root file system grows to it at a node's first
 *     boot: cloud-init's resizefs)
 * @param virtType {@code kvm} or {@code qemu}, as the host's other domains
 * @param network the libvirt network of the golden's one NIC
 * @param image an existing disk image (raw or qcow2) to use instead of building one
 * @param imageBoot how {@code image} boots: a host kernel (direct boot) or, when empty, the image's
 *     own boot loader; ignored without {@code image}
 * @param mirror the Debian archive to build from; empty: the host's own ({@link AptSources})
 * @param rebuild replace an existing golden (refused while clones depend on it)
 * @param bundle the offline bundle to provision Kubernetes from, in the chroot while the golden is
 *     built; empty: a golden without Kubernetes
 */
public record GoldenRequest(
    VmName name,
    ByteSize disk,
    String virtType,
    String network,
    Optional<Path> image,
    Optional<DirectBoot> imageBoot,
    Optional<String> mirror,
    boolean rebuild,
    Optional<Path> bundle) {
  public static final VmName DEFAULT_NAME = VmName.of("k8s-golden");

  /** The disk snapshot nodes are cloned from. */
  public static final String SNAPSHOT = "golden";

  public GoldenRequest {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(disk, "disk");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(imageBoot, "imageBoot");
    Objects.requireNonNull(mirror, "mirror");
    Objects.requireNonNull(bundle, "bundle");
    if (disk.bytes() < (2L << 30)) {
      throw KldloadException.invalid(
          "golden " + name + ": disk " + disk + " is below 2G", "give a disk of 2G or more");
    }
    if (imageBoot.isPresent() && image.isEmpty()) {
      throw KldloadException.invalid(
          "golden " + name + ": a kernel for --image was given without --image",
          "give --image, or drop the kernel");
    }
  }

  /** A golden without Kubernetes. */
  public GoldenRequest(
      VmName name,
      ByteSize disk,
      String virtType,
      String network,
      Optional<Path> image,
      Optional<DirectBoot> imageBoot,
      Optional<String> mirror,
      boolean rebuild) {
    this(name, disk, virtType, network, image, imageBoot, mirror, rebuild, Optional.empty());
  }

  /** A golden built from Debian packages: {@code k8s-golden}, 20G, on network {@code default}. */
  public static GoldenRequest defaults(String virtType) {
    return new GoldenRequest(
        DEFAULT_NAME,
        ByteSize.ofGigabytes(20),
        virtType,
        "default",
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        false);
  }

  public GoldenRequest withName(VmName value) {
    return new GoldenRequest(
        value, disk, virtType, network, image, imageBoot, mirror, rebuild, bundle);
  }

  public GoldenRequest withImage(Path value, Optional<DirectBoot> boot) {
    return new GoldenRequest(
        name, disk, virtType, network, Optional.of(value), boot, mirror, rebuild, bundle);
  }

  public GoldenRequest withMirror(String value) {
    return new GoldenRequest(
        name, disk, virtType, network, image, imageBoot, Optional.of(value), rebuild, bundle);
  }

  public GoldenRequest withRebuild(boolean value) {
    return new GoldenRequest(
        name, disk, virtType, network, image, imageBoot, mirror, value, bundle);
  }

  /** Kubernetes from this offline bundle, provisioned while the golden is built. */
  public GoldenRequest withBundle(Path value) {
    return new GoldenRequest(
        name, disk, virtType, network, image, imageBoot, mirror, rebuild, Optional.of(value));
  }
}

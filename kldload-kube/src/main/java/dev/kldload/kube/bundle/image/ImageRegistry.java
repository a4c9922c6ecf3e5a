package dev.kldload.kube.bundle.image;

import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * A container registry as the bundle sees it: what a tag names now, and the image behind a digest
 * as an archive {@code ctr -n k8s.io images import} accepts. Digests are {@code sha256:<64 hex>};
 * {@code arch} is a Debian/Go architecture name ({@code amd64}, {@code arm64}); the platform's OS
 * is always linux.
 *
 * <p>Failures are {@code KldloadException}s naming the image: NOT_FOUND for a missing repository,
 * tag or digest; UNAVAILABLE for a registry that cannot be reached; FAILED for content whose digest
 * does not match (a tampered or corrupt registry).
 */
public interface ImageRegistry {

  /**
   * The digest of the {@code linux/<arch>} image manifest that {@code ref}'s tag names now (for a
   * manifest list or OCI index, that platform's entry; for a single manifest, the manifest itself
   * when its config says linux/{@code arch}): what a stack lock pins. {@code ref}'s own digest, if
   * any, is ignored.
   */
  String resolve(ImageRef ref, String arch);

  /**
   * Pulls exactly the image manifest {@code digest} (as {@link #resolve} returned it) from {@code
   * ref}'s repository, verifies every blob against its digest, and writes an archive that {@code
   * ctr -n k8s.io images import} accepts and that names the image {@link ImageRef#name()} to {@code
   * target} (through a temporary file in the same directory, renamed into place, so {@code target}
   * is either absent or whole).
   *
   * @param bytesDone called with the running total of blob bytes fetched, for progress
   * @return the archive's SHA-256, 64 lowercase hex digits
   */
  String pull(ImageRef ref, String digest, String arch, Path target, LongConsumer bytesDone);
}

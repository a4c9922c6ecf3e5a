package dev.kldload.kvm.xml;

import java.util.Objects;
import java.util.Optional;

/**
 * Our mark on a domain: a {@code <metadata>} child in our namespace. Its presence is how the tools
 * recognise domains they created; a domain without it is left alone unless the operator forces.
 *
 * @param owner the tool or cluster that created the domain ({@code kvm-create}, {@code k8s})
 * @param role {@code vm}, {@code golden}, {@code cp} or {@code worker}
 * @param cluster the cluster the domain belongs to, if any
 * @param cloneOrigin the snapshot the disk was cloned from, if it is a clone
 */
public record DomainMetadata(
    String owner, String role, Optional<String> cluster, Optional<String> cloneOrigin) {
  /** Our XML namespace, versioned so that a later layout can coexist. */
  public static final String NAMESPACE = "https://kldload.dev/xmlns/domain/1";

  public static final String PREFIX = "kldload";
  public static final String ELEMENT = "kldload";

  public DomainMetadata {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(cloneOrigin, "cloneOrigin");
  }

  public static DomainMetadata vm(String owner) {
    return new DomainMetadata(owner, "vm", Optional.empty(), Optional.empty());
  }

  public DomainMetadata withCloneOrigin(String origin) {
    return new DomainMetadata(owner, role, cluster, Optional.of(origin));
  }
}

package dev.kldload.kube.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A short-lived pod kldload starts itself (the smoke test's test pods): one container that never
 * pulls ({@code imagePullPolicy: Never}), never restarts, tolerates every taint, and is optionally
 * pinned to a node whose image store holds {@code image}.
 *
 * @param command empty: the image's own entrypoint
 */
public record PodRequest(
    String namespace,
    String name,
    String image,
    List<String> command,
    Optional<String> nodeName,
    Map<String, String> labels) {
  public PodRequest {
    command = List.copyOf(command);
    labels = Map.copyOf(labels);
  }
}

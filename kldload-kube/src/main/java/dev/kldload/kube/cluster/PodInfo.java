package dev.kldload.kube.cluster;

import java.util.Optional;

/** A pod: where it runs, its phase, whether all its containers are ready, its restarts. */
public record PodInfo(
    String namespace,
    String name,
    String phase,
    boolean ready,
    Optional<String> node,
    Optional<String> podIp,
    int restarts) {}

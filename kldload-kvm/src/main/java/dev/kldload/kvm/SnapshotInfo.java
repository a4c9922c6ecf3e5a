package dev.kldload.kvm;

import java.time.Instant;
import java.util.Optional;

/** A domain snapshot: its name, creation time, the domain state it captured and its parent. */
public record SnapshotInfo(
    String name, Instant created, DomainState state, Optional<String> parent, String description) {}

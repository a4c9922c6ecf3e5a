package dev.kldload.kvm;

import dev.kldload.core.value.VmName;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code kvm-clone} was asked for.
 *
 * @param snapshot clone from this existing disk snapshot instead of taking a new one
 */
public record CloneRequest(
    VmName source,
    VmName target,
    Optional<String> snapshot,
    boolean start,
    Optional<Path> adminKey) {}

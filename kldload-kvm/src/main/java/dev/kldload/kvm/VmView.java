package dev.kldload.kvm;

/**
 * One row of {@code kvm-list}. JSON carries raw values: bytes as integers, {@code null} where a
 * value is unknown (a disk this tool did not make).
 *
 * @param managed whether the domain carries our metadata
 */
public record VmView(
    String name,
    String state,
    long memoryBytes,
    int vcpus,
    Long diskBytes,
    Long usedBytes,
    String origin,
    boolean managed) {}

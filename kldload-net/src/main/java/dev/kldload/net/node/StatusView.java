package dev.kldload.net.node;

import java.util.List;

/** {@code status}: this node's id (null before init) and both planes. */
public record StatusView(Integer nodeId, List<PlaneStatus> planes) {}

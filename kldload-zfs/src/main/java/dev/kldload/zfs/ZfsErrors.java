package dev.kldload.zfs;

import dev.kldload.core.KldloadException;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * The failures of the {@link Zfs} port, built in one place so that the real adapter and the
 * in-memory fake word them the same way (the contract test checks kinds and the names they carry).
 * Error numbers are the adapter's business: {@code dev.kldload.zfs.lzc} translates them.
 */
public final class ZfsErrors {
  private ZfsErrors() {}

  public static KldloadException exists(Object name) {
    return KldloadException.conflict(
        name + " already exists", "choose another name, or destroy " + name + " first");
  }

  public static KldloadException notFound(Object name) {
    return KldloadException.notFound(
        name + " does not exist", "check the name with 'zfs list -t all'");
  }

  public static KldloadException parentMissing(Object name, Object parent) {
    return KldloadException.notFound(
        "cannot create " + name + ": parent " + parent + " does not exist",
        "create the parent first (zfs create -p " + parent + ")");
  }

  public static KldloadException hasDependentClones(Object snapshot, Collection<?> clones) {
    return KldloadException.conflict(
        snapshot + " has dependent clones: " + join(clones),
        "destroy the clones or promote them (zfs promote CLONE) first");
  }

  public static KldloadException busy(Object name, Collection<?> dependents) {
    return KldloadException.conflict(
        name + " is busy" + (dependents.isEmpty() ? "" : ": " + join(dependents)),
        "release or remove the dependents first");
  }

  public static KldloadException hasChildren(Object name, Collection<?> children) {
    return KldloadException.conflict(
        name + " has children: " + join(children), "destroy them first, or destroy recursively");
  }

  public static KldloadException hasSnapshots(Object name, Collection<?> snapshots) {
    return KldloadException.conflict(
        name + " has snapshots: " + join(snapshots), "destroy them first, or destroy recursively");
  }

  public static KldloadException held(Object snapshot, Collection<?> tags) {
    return KldloadException.conflict(
        snapshot + " is held: " + join(tags), "release the holds first (zfs release TAG SNAP)");
  }

  public static KldloadException notNewest(Object snapshot, Collection<?> newer) {
    return KldloadException.conflict(
        "cannot roll back to " + snapshot + ": newer snapshots exist: " + join(newer),
        "destroy the newer snapshots first, or roll back to the newest one");
  }

  public static KldloadException crossPool(Object a, Object b) {
    return KldloadException.invalid(
        a + " and " + b + " are in different pools", "clones and renames stay within one pool");
  }

  static String join(Collection<?> items) {
    return items.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
  }
}

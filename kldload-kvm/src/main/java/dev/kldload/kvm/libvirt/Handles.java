package dev.kldload.kvm.libvirt;

import com.sun.jna.Pointer;
import dev.kldload.kvm.libvirt.jna.Libvirt;
import dev.kldload.kvm.libvirt.jna.LibvirtNetworks;
import dev.kldload.kvm.libvirt.jna.LibvirtSnapshots;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The libvirt objects one adapter call looked up, freed when the call ends: every domain, network
 * and snapshot handle has exactly one owner, and a poll that runs for minutes does not pile them
 * up. One instance per call, on one thread.
 */
final class Handles implements AutoCloseable {
  /** A handle's {@code vir*Free}. */
  interface Free<T> {
    int free(T handle);
  }

  private final Deque<Runnable> frees = new ArrayDeque<>();
  private final AtomicLong kept;
  private final AtomicLong freed;

  /**
   * @param kept counts the handles taken over, {@code freed} those freed: the adapter's totals
   */
  Handles(AtomicLong kept, AtomicLong freed) {
    this.kept = kept;
    this.freed = freed;
  }

  /** Takes over {@code handle}: {@link #close()} frees it with {@code free}. */
  <T> T keep(T handle, Free<T> free) {
    kept.incrementAndGet();
    frees.push(
        () -> {
          // virXFree fails only for an invalid object; the reference is gone either way
          free.free(handle);
          freed.incrementAndGet();
        });
    return handle;
  }

  Pointer domain(Pointer d) {
    return keep(d, Libvirt::virDomainFree);
  }

  Pointer[] domains(Pointer[] all) {
    return keepAll(all, Libvirt::virDomainFree);
  }

  Pointer network(Pointer n) {
    return keep(n, LibvirtNetworks::virNetworkFree);
  }

  Pointer[] networks(Pointer[] all) {
    return keepAll(all, LibvirtNetworks::virNetworkFree);
  }

  Pointer snapshot(Pointer s) {
    return keep(s, LibvirtSnapshots::virDomainSnapshotFree);
  }

  Pointer[] snapshots(Pointer[] all) {
    return keepAll(all, LibvirtSnapshots::virDomainSnapshotFree);
  }

  private Pointer[] keepAll(Pointer[] all, Free<Pointer> free) {
    for (Pointer handle : all) {
      keep(handle, free);
    }
    return all;
  }

  /** Frees every handle, newest first; one that fails does not keep the rest. */
  @Override
  public void close() {
    RuntimeException failure = null;
    while (!frees.isEmpty()) {
      try {
        frees.pop().run();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}

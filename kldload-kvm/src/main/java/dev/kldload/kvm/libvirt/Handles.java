package dev.kldload.kvm.libvirt;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;
import org.libvirt.Domain;
import org.libvirt.DomainSnapshot;
import org.libvirt.LibvirtException;
import org.libvirt.Network;

/**
 * The libvirt objects one adapter call looked up, freed when the call ends. libvirt-java frees a
 * {@link Domain}, {@link Network} or {@link DomainSnapshot} only in {@code finalize()}, which may
 * never run while a bootstrap polls domains for minutes; their {@code free()} is idempotent, so the
 * finalizer that still runs later does nothing. One instance per call, on one thread.
 */
final class Handles implements AutoCloseable {
  /** A handle's {@code free()}. */
  interface Free<T> {
    int free(T handle) throws LibvirtException;
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
          try {
            free.free(handle);
          } catch (LibvirtException e) {
            // virXFree fails only for an invalid object; the reference is gone either way
          }
          freed.incrementAndGet();
        });
    return handle;
  }

  Domain domain(Domain d) {
    return keep(d, Domain::free);
  }

  Domain[] domains(Domain[] all) {
    for (Domain d : all) {
      domain(d);
    }
    return all;
  }

  Network network(Network n) {
    return keep(n, Network::free);
  }

  DomainSnapshot snapshot(DomainSnapshot s) {
    return keep(s, DomainSnapshot::free);
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

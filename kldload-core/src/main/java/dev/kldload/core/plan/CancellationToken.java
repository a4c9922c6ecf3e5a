package dev.kldload.core.plan;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/** Set once (Ctrl-C, or a caller giving up); the plan engine and condition waits watch it. */
public final class CancellationToken {
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  public void cancel() {
    if (cancelled.compareAndSet(false, true)) {
      listeners.forEach(Runnable::run);
    }
  }

  public boolean isCancelled() {
    return cancelled.get();
  }

  public void throwIfCancelled() throws InterruptedException {
    if (cancelled.get()) {
      throw new InterruptedException("cancelled");
    }
  }

  /** Runs the listener on cancellation (at once if already cancelled). */
  public void onCancel(Runnable listener) {
    listeners.add(listener);
    if (cancelled.get()) {
      listener.run();
    }
  }

  public void removeListener(Runnable listener) {
    listeners.remove(listener);
  }
}

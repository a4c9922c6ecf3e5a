package dev.kldload.kvm;

import java.util.Locale;

/** A domain's run state, as operators read it ({@code running}, {@code shut-off}). */
public enum DomainState {
  RUNNING,
  BLOCKED,
  PAUSED,
  SHUTTING_DOWN,
  SHUT_OFF,
  CRASHED,
  PM_SUSPENDED,
  UNKNOWN;

  /** Lower-case with hyphens, as tables and JSON show it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Whether the guest holds its disks open (running, blocked or paused). */
  public boolean active() {
    return this == RUNNING || this == BLOCKED || this == PAUSED || this == SHUTTING_DOWN;
  }

  @Override
  public String toString() {
    return label();
  }
}

package dev.kldload.kvm.libvirt.jna;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.Optional;

/**
 * A libvirt error ({@code virError}): its {@code virErrorNumber}, {@code virErrorLevel} and
 * message. Read field by field from the thread's error, not through a JNA structure (whose field
 * reflection the read path would otherwise pay).
 */
public record LibvirtError(int code, int level, String message) {
  /** {@code VIR_ERR_NO_SUPPORT}. */
  public static final int NO_SUPPORT = 3;

  public static final int NO_CONNECT = 5;
  public static final int INVALID_ARG = 8;
  public static final int XML_ERROR = 27;
  public static final int DOM_EXIST = 28;
  public static final int OPERATION_DENIED = 29;
  public static final int XML_DETAIL = 35;
  public static final int NETWORK_EXIST = 37;
  public static final int SYSTEM_ERROR = 38;
  public static final int RPC = 39;
  public static final int NO_DOMAIN = 42;
  public static final int NO_NETWORK = 43;
  public static final int AUTH_FAILED = 45;
  public static final int NO_STORAGE_VOL = 50;
  public static final int OPERATION_INVALID = 55;
  public static final int CONFIG_UNSUPPORTED = 67;
  public static final int OPERATION_TIMEOUT = 68;
  public static final int NO_DOMAIN_SNAPSHOT = 72;
  public static final int ARGUMENT_UNSUPPORTED = 74;
  public static final int AUTH_CANCELLED = 79;
  public static final int AGENT_UNRESPONSIVE = 86;
  public static final int ACCESS_DENIED = 88;

  /**
   * The calling thread's last error, if any; read at once after the failed call, on its thread (the
   * next libvirt call on this thread resets it).
   */
  public static Optional<LibvirtError> last() {
    Pointer error = Libvirt.virGetLastError();
    if (error == null) {
      return Optional.empty();
    }
    // virError: int code; int domain; char *message; virErrorLevel level; ...
    Pointer message = error.getPointer(8);
    return Optional.of(
        new LibvirtError(
            error.getInt(0),
            error.getInt(8 + Native.POINTER_SIZE),
            message == null ? null : message.getString(0)));
  }
}

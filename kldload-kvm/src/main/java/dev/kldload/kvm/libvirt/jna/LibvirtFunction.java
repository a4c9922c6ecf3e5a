package dev.kldload.kvm.libvirt.jna;

import com.sun.jna.Function;
import com.sun.jna.Pointer;

/**
 * One function of {@code libvirt.so.0}, looked up by name on its first call and called through
 * JNA's {@link Function}. Unlike {@code Native.register}, which computes a conversion and a libffi
 * type for every declared method when the class initialises (its {@code Structure.FFIType} set-up
 * reads annotations, and the JDK generates two proxy classes for them: 8 ms of a {@code kvm-list}
 * run), a call here converts only its own arguments: {@link Pointer}s, {@link String}s (encoded in
 * JNA's default encoding), boxed {@code int}s, primitive arrays and {@code Callback}s; no JNA
 * structure. A symbol the library lacks (a libvirt older than the function) fails only calls of
 * that function, with {@link UnsatisfiedLinkError}, where {@code Native.register} failed the whole
 * class. Thread safety: any thread; two first calls at once both look the symbol up, which JNA
 * caches.
 */
final class LibvirtFunction {
  private final String name;
  private volatile Function function;

  LibvirtFunction(String name) {
    this.name = name;
  }

  /** A C {@code int} result. */
  int integer(Object... args) {
    return function().invokeInt(args);
  }

  /** A pointer result; {@code NULL} is {@code null}. */
  Pointer pointer(Object... args) {
    return function().invokePointer(args);
  }

  /** A {@code const char *} result the library keeps (not freed); {@code NULL} is {@code null}. */
  String string(Object... args) {
    return function().invokeString(args, false);
  }

  /** A {@code void} function. */
  void call(Object... args) {
    function().invokeVoid(args);
  }

  private Function function() {
    Function f = function;
    if (f == null) {
      f = Libvirt.library().getFunction(name);
      function = f;
    }
    return f;
  }
}

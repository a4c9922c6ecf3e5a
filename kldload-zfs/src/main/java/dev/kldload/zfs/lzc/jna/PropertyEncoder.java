package dev.kldload.zfs.lzc.jna;

import com.sun.jna.ptr.LongByReference;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the property nvlist that {@code lzc_create}/{@code lzc_clone} expect: user properties and
 * string properties as strings, numeric ones as uint64 (accepting {@code 64K}, {@code 1G}, {@code
 * none}), index ones as their table index. Invalid names and values are {@link
 * IllegalArgumentException}s naming them.
 */
public final class PropertyEncoder {
  private static final Pattern NUMBER =
      Pattern.compile("(\\d+)(?:\\.(\\d+))?([KMGTPE]?)(?:I?B)?", Pattern.CASE_INSENSITIVE);
  private static PropertyEncoder instance;

  private final LibZfsProps lib;

  private PropertyEncoder(LibZfsProps lib) {
    this.lib = lib;
  }

  public static synchronized PropertyEncoder get() {
    if (instance == null) {
      LibZfsProps lib = LibZfsProps.load();
      lib.zfs_prop_init();
      instance = new PropertyEncoder(lib);
    }
    return instance;
  }

  /** A new nvlist the caller owns, holding the encoded properties. */
  public NvList encode(Map<String, String> properties) {
    NvList list = NvList.create();
    try {
      properties.forEach((k, v) -> add(list, k, v));
      return list;
    } catch (RuntimeException | Error e) {
      // an Error too: a symbol missing from this library version is an UnsatisfiedLinkError
      list.close();
      throw e;
    }
  }

  /** Whether {@code name} is a user property ({@code module:name}). */
  public boolean isUserProperty(String name) {
    return name.indexOf(':') > 0 && lib.zfs_prop_user(name) != 0;
  }

  private void add(NvList list, String name, String value) {
    if (name.indexOf(':') >= 0) {
      if (lib.zfs_prop_user(name) == 0) {
        throw new IllegalArgumentException("'" + name + "' is not a valid user property name");
      }
      list.addString(name, value);
      return;
    }
    int prop = lib.zfs_name_to_prop(name);
    if (prop == LibZfsProps.ZPROP_INVAL) {
      throw new IllegalArgumentException("'" + name + "' is not a ZFS property");
    }
    switch (lib.zfs_prop_get_type(prop)) {
      case LibZfsProps.PROP_TYPE_STRING -> list.addString(name, value);
      case LibZfsProps.PROP_TYPE_NUMBER -> list.addUint64(name, number(name, value));
      case LibZfsProps.PROP_TYPE_INDEX -> {
        LongByReference index = new LongByReference();
        if (lib.zfs_prop_string_to_index(prop, value, index) != 0) {
          throw new IllegalArgumentException("'" + value + "' is not a valid value for " + name);
        }
        list.addUint64(name, index.getValue());
      }
      default -> throw new IllegalArgumentException("'" + name + "' has an unknown type");
    }
  }

  /** Parses ZFS's number forms: {@code 65536}, {@code 64K}, {@code 1.5G}, {@code none} (= 0). */
  static long number(String name, String value) {
    if ("none".equalsIgnoreCase(value)) {
      return 0;
    }
    Matcher m = NUMBER.matcher(value.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + value + "' is not a valid number for " + name);
    }
    int shift =
        "BKMGTPE".indexOf(m.group(3).isEmpty() ? "B" : m.group(3).toUpperCase(Locale.ROOT)) * 10;
    try {
      long whole = Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
      if (m.group(2) == null) {
        return whole;
      }
      double fraction = Double.parseDouble("0." + m.group(2));
      return Math.addExact(whole, (long) (fraction * (1L << shift)));
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("'" + value + "' is too large for " + name);
    }
  }
}

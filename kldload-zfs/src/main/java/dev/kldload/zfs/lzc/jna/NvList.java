package dev.kldload.zfs.lzc.jna;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A native {@code nvlist_t} that we own: built here or adopted from an output parameter, freed
 * exactly once by {@link #close()} (never by a finalizer). Not thread-safe: one owner at a time.
 *
 * <p>{@link #toMap()} copies the content into Java values: {@code String}, {@code Long} (all
 * integer types), {@code Boolean} ({@code boolean} and {@code boolean_value}), {@code List<String>}
 * and nested {@code Map<String, Object>}; other types are skipped.
 */
public final class NvList implements AutoCloseable {
  private static volatile LibNvpair lib;

  private final LibNvpair nv;
  private Pointer handle;

  private NvList(LibNvpair nv, Pointer handle) {
    this.nv = nv;
    this.handle = Objects.requireNonNull(handle, "nvlist");
  }

  /** The process's libnvpair, loaded on first use. */
  static LibNvpair lib() {
    LibNvpair l = lib;
    if (l == null) {
      synchronized (NvList.class) {
        if (lib == null) {
          lib = LibNvpair.load();
        }
        l = lib;
      }
    }
    return l;
  }

  /** A new, empty list with unique names. */
  public static NvList create() {
    return create(lib());
  }

  /** A new, empty list allocated (and later freed) through {@code nv}. */
  static NvList create(LibNvpair nv) {
    PointerByReference ref = new PointerByReference();
    check(nv.nvlist_alloc(ref, LibNvpair.NV_UNIQUE_NAME, 0), "nvlist_alloc");
    return new NvList(nv, ref.getValue());
  }

  /** Takes ownership of a list a library call returned (null when it returned none). */
  public static NvList adopt(Pointer pointer) {
    return adopt(lib(), pointer);
  }

  /** {@link #adopt(Pointer)}, freeing through {@code nv}. */
  static NvList adopt(LibNvpair nv, Pointer pointer) {
    return pointer == null ? null : new NvList(nv, pointer);
  }

  /** A list holding {@code key → value} for each entry: strings as strings, numbers as uint64. */
  public static NvList of(Map<String, ?> entries) {
    NvList list = create();
    try {
      entries.forEach(list::put);
      return list;
    } catch (RuntimeException | Error e) {
      // an Error too: a symbol missing from this library version is an UnsatisfiedLinkError
      list.close();
      throw e;
    }
  }

  /** Adds a string, {@code Long}/{@code Integer} (uint64), {@code Boolean} true (flag) or list. */
  public NvList put(String name, Object value) {
    if (value instanceof String s) {
      return addString(name, s);
    } else if (value instanceof Long || value instanceof Integer) {
      return addUint64(name, ((Number) value).longValue());
    } else if (value instanceof Boolean b && b) {
      return addBoolean(name);
    } else if (value instanceof NvList n) {
      return addNvList(name, n);
    }
    throw new IllegalArgumentException("unsupported nvlist value for " + name + ": " + value);
  }

  public NvList addString(String name, String value) {
    check(nv.nvlist_add_string(pointer(), name, value), "nvlist_add_string " + name);
    return this;
  }

  public NvList addUint64(String name, long value) {
    check(nv.nvlist_add_uint64(pointer(), name, value), "nvlist_add_uint64 " + name);
    return this;
  }

  public NvList addInt64(String name, long value) {
    check(nv.nvlist_add_int64(pointer(), name, value), "nvlist_add_int64 " + name);
    return this;
  }

  /** A {@code DATA_TYPE_BOOLEAN} pair: presence is the value (how lzc lists names). */
  public NvList addBoolean(String name) {
    check(nv.nvlist_add_boolean(pointer(), name), "nvlist_add_boolean " + name);
    return this;
  }

  /** Adds a copy of {@code value} (the callee copies; {@code value} stays ours). */
  public NvList addNvList(String name, NvList value) {
    check(nv.nvlist_add_nvlist(pointer(), name, value.pointer()), "nvlist_add_nvlist " + name);
    return this;
  }

  public NvList addStringArray(String name, List<String> values) {
    String[] array = values.toArray(String[]::new);
    check(
        nv.nvlist_add_string_array(pointer(), name, array, array.length),
        "nvlist_add_string_array " + name);
    return this;
  }

  public boolean contains(String name) {
    return nv.nvlist_exists(pointer(), name) != 0;
  }

  public boolean isEmpty() {
    return nv.nvlist_next_nvpair(pointer(), null) == null;
  }

  /** The names in insertion order. */
  public List<String> names() {
    return new ArrayList<>(toMap().keySet());
  }

  public Map<String, Object> toMap() {
    return read(nv, pointer());
  }

  private static Map<String, Object> read(LibNvpair l, Pointer nvl) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Pointer pair = l.nvlist_next_nvpair(nvl, null);
        pair != null;
        pair = l.nvlist_next_nvpair(nvl, pair)) {
      String name = l.nvpair_name(pair).getString(0, StandardCharsets.UTF_8.name());
      Object value = value(l, pair);
      if (value != null) {
        out.put(name, value);
      }
    }
    return out;
  }

  private static Object value(LibNvpair l, Pointer pair) {
    switch (l.nvpair_type(pair)) {
      case LibNvpair.DATA_TYPE_BOOLEAN:
        return Boolean.TRUE;
      case LibNvpair.DATA_TYPE_BOOLEAN_VALUE:
        {
          IntByReference v = new IntByReference();
          check(l.nvpair_value_boolean_value(pair, v), "nvpair_value_boolean_value");
          return v.getValue() != 0;
        }
      case LibNvpair.DATA_TYPE_INT32:
        {
          IntByReference v = new IntByReference();
          check(l.nvpair_value_int32(pair, v), "nvpair_value_int32");
          return (long) v.getValue();
        }
      case LibNvpair.DATA_TYPE_UINT32:
        {
          IntByReference v = new IntByReference();
          check(l.nvpair_value_uint32(pair, v), "nvpair_value_uint32");
          return Integer.toUnsignedLong(v.getValue());
        }
      case LibNvpair.DATA_TYPE_INT64:
        {
          LongByReference v = new LongByReference();
          check(l.nvpair_value_int64(pair, v), "nvpair_value_int64");
          return v.getValue();
        }
      case LibNvpair.DATA_TYPE_UINT64:
        {
          LongByReference v = new LongByReference();
          check(l.nvpair_value_uint64(pair, v), "nvpair_value_uint64");
          return v.getValue();
        }
      case LibNvpair.DATA_TYPE_STRING:
        {
          PointerByReference v = new PointerByReference();
          check(l.nvpair_value_string(pair, v), "nvpair_value_string");
          return v.getValue().getString(0, StandardCharsets.UTF_8.name());
        }
      case LibNvpair.DATA_TYPE_STRING_ARRAY:
        {
          PointerByReference v = new PointerByReference();
          IntByReference n = new IntByReference();
          check(l.nvpair_value_string_array(pair, v, n), "nvpair_value_string_array");
          List<String> items = new ArrayList<>();
          if (n.getValue() > 0) {
            for (Pointer p : v.getValue().getPointerArray(0, n.getValue())) {
              items.add(p.getString(0, StandardCharsets.UTF_8.name()));
            }
          }
          return List.copyOf(items);
        }
      case LibNvpair.DATA_TYPE_NVLIST:
        {
          PointerByReference v = new PointerByReference();
          check(l.nvpair_value_nvlist(pair, v), "nvpair_value_nvlist");
          return read(l, v.getValue());
        }
      default:
        return null;
    }
  }

  /** The native pointer, for passing to a library call; the list stays ours. */
  public Pointer pointer() {
    if (handle == null) {
      throw new IllegalStateException("nvlist already freed");
    }
    return handle;
  }

  @Override
  public void close() {
    if (handle != null) {
      nv.nvlist_free(handle);
      handle = null;
    }
  }

  private static void check(int rc, String what) {
    if (rc != 0) {
      throw new IllegalStateException(what + " failed with errno " + rc);
    }
  }
}

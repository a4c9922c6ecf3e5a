package dev.kldload.zfs.lzc.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * Raw binding to {@code libnvpair.so.3}. Works entirely in user space (no ZFS module needed). Not
 * API: use {@link NvList}.
 *
 * <p>Return convention: functions returning {@code int} return 0 or an errno ({@code EINVAL} for a
 * bad argument or a type mismatch, {@code ENOMEM}), except {@code nvlist_exists} ({@code
 * boolean_t}) and {@code nvpair_type}.
 *
 * <p>Memory: an {@code nvlist_t} from {@code nvlist_alloc} (or an lzc output parameter) belongs to
 * whoever received it and is freed once with {@code nvlist_free}, which frees its pairs and nested
 * lists too. {@code nvlist_add_*} copy the name and the value into the list (a nested list and
 * every string of an array are copied; the caller keeps its own). Pointers read out of a list
 * ({@code nvpair_name}, string, string-array and nvlist values, the pairs of {@code
 * nvlist_next_nvpair}) are borrowed: they point into the list, are never freed by the caller, and
 * are valid until the list is changed or freed.
 *
 * <p>Thread safety: a list has no lock; one thread at a time may use it. Distinct lists are
 * independent.
 */
public interface LibNvpair extends Library {
  String NAME = "libnvpair.so.3";

  /** {@code nvlist_alloc} flag: names are unique within the list. */
  int NV_UNIQUE_NAME = 1;

  /** {@code data_type_t} values we read. */
  int DATA_TYPE_BOOLEAN = 1;

  int DATA_TYPE_INT32 = 5;
  int DATA_TYPE_UINT32 = 6;
  int DATA_TYPE_INT64 = 7;
  int DATA_TYPE_UINT64 = 8;
  int DATA_TYPE_STRING = 9;
  int DATA_TYPE_STRING_ARRAY = 17;
  int DATA_TYPE_NVLIST = 19;
  int DATA_TYPE_BOOLEAN_VALUE = 21;

  static LibNvpair load() {
    return Native.load(NAME, LibNvpair.class);
  }

  /**
   * Allocates an empty list.
   *
   * @param nvlp set to the new list, owned by the caller (free with {@link #nvlist_free})
   * @param nvflag {@link #NV_UNIQUE_NAME}: adding a name again replaces its pair
   * @param kmflag 0 (sleeping allocation; user space ignores it)
   * @return 0, {@code EINVAL} or {@code ENOMEM}
   */
  int nvlist_alloc(PointerByReference nvlp, int nvflag, int kmflag);

  /** Frees a list, its pairs and nested lists; null is ignored; never twice. */
  void nvlist_free(Pointer nvl);

  /**
   * Adds a {@code DATA_TYPE_BOOLEAN} pair: a name without a value.
   *
   * @return 0, {@code EINVAL} or {@code ENOMEM}
   */
  int nvlist_add_boolean(Pointer nvl, String name);

  /**
   * Adds a string pair; the value is copied.
   *
   * @return 0, {@code EINVAL} (also for a null value) or {@code ENOMEM}
   */
  int nvlist_add_string(Pointer nvl, String name, String value);

  /**
   * Adds a uint64 pair ({@code value} read as unsigned).
   *
   * @return 0, {@code EINVAL} or {@code ENOMEM}
   */
  int nvlist_add_uint64(Pointer nvl, String name, long value);

  /**
   * Adds an int64 pair.
   *
   * @return 0, {@code EINVAL} or {@code ENOMEM}
   */
  int nvlist_add_int64(Pointer nvl, String name, long value);

  /**
   * Adds a copy of {@code value}; the caller still owns and frees {@code value}.
   *
   * @return 0, {@code EINVAL} or {@code ENOMEM}
   */
  int nvlist_add_nvlist(Pointer nvl, String name, Pointer value);

  /**
   * Adds a string array; every string is copied.
   *
   * @return 0, {@code EINVAL} (also for a null element) or {@code ENOMEM}
   */
  int nvlist_add_string_array(Pointer nvl, String name, String[] values, int count);

  /**
   * Whether a pair named {@code name} exists.
   *
   * @return a {@code boolean_t} (non-zero: present)
   */
  int nvlist_exists(Pointer nvl, String name);

  /**
   * Iterates the pairs in insertion order.
   *
   * @param previous null for the first pair, else the pair this call returned last
   * @return the next pair, borrowed from {@code nvl}, or null at the end
   */
  Pointer nvlist_next_nvpair(Pointer nvl, Pointer previous);

  /**
   * The pair's name.
   *
   * @return a NUL-terminated string borrowed from the list
   */
  Pointer nvpair_name(Pointer pair);

  /**
   * The pair's type.
   *
   * @return a {@code data_type_t} ({@code DATA_TYPE_*}), never an errno
   */
  int nvpair_type(Pointer pair);

  /**
   * Reads an int32 value into {@code value}.
   *
   * @return 0, or {@code EINVAL} when the pair has another type
   */
  int nvpair_value_int32(Pointer pair, IntByReference value);

  /**
   * Reads a uint32 value into {@code value} (to be read as unsigned).
   *
   * @return 0, or {@code EINVAL} when the pair has another type
   */
  int nvpair_value_uint32(Pointer pair, IntByReference value);

  /**
   * Reads an int64 value into {@code value}.
   *
   * @return 0, or {@code EINVAL} when the pair has another type
   */
  int nvpair_value_int64(Pointer pair, LongByReference value);

  /**
   * Reads a uint64 value into {@code value} (to be read as unsigned).
   *
   * @return 0, or {@code EINVAL} when the pair has another type
   */
  int nvpair_value_uint64(Pointer pair, LongByReference value);

  /**
   * Reads a {@code boolean_value} into {@code value} (non-zero: true).
   *
   * @return 0, or {@code EINVAL} when the pair has another type
   */
  int nvpair_value_boolean_value(Pointer pair, IntByReference value);

  /**
   * Reads a string value.
   *
   * @param value set to a NUL-terminated string borrowed from the list
   * @return 0, or {@code EINVAL} when the pair has another type
   */
  int nvpair_value_string(Pointer pair, PointerByReference value);

  /**
   * Reads a nested list.
   *
   * @param value set to the nested list, borrowed from the parent (never freed on its own)
   * @return 0, or {@code EINVAL} when the pair has another type
   */
  int nvpair_value_nvlist(Pointer pair, PointerByReference value);

  /**
   * Reads a string array.
   *
   * @param value set to an array of {@code count} string pointers, all borrowed from the list
   * @return 0, or {@code EINVAL} when the pair has another type
   */
  int nvpair_value_string_array(Pointer pair, PointerByReference value, IntByReference count);
}

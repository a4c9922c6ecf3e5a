package dev.kldload.zfs.lzc.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * Raw binding to {@code libnvpair.so.3}. Works entirely in user space (no ZFS module needed). Not
 * API: use {@link NvList}. Functions return 0 or an errno. Strings read through {@code
 * nvpair_value_string} point into the nvlist and live as long as it does.
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

  int nvlist_alloc(PointerByReference nvlp, int nvflag, int kmflag);

  void nvlist_free(Pointer nvl);

  int nvlist_add_boolean(Pointer nvl, String name);

  int nvlist_add_string(Pointer nvl, String name, String value);

  int nvlist_add_uint64(Pointer nvl, String name, long value);

  int nvlist_add_int64(Pointer nvl, String name, long value);

  int nvlist_add_nvlist(Pointer nvl, String name, Pointer value);

  int nvlist_add_string_array(Pointer nvl, String name, String[] values, int count);

  int nvlist_exists(Pointer nvl, String name);

  Pointer nvlist_next_nvpair(Pointer nvl, Pointer previous);

  Pointer nvpair_name(Pointer pair);

  int nvpair_type(Pointer pair);

  int nvpair_value_int32(Pointer pair, IntByReference value);

  int nvpair_value_uint32(Pointer pair, IntByReference value);

  int nvpair_value_int64(Pointer pair, LongByReference value);

  int nvpair_value_uint64(Pointer pair, LongByReference value);

  int nvpair_value_boolean_value(Pointer pair, IntByReference value);

  int nvpair_value_string(Pointer pair, PointerByReference value);

  int nvpair_value_nvlist(Pointer pair, PointerByReference value);

  int nvpair_value_string_array(Pointer pair, PointerByReference value, IntByReference count);
}

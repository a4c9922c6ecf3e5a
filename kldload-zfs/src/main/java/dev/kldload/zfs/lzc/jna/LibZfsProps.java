package dev.kldload.zfs.lzc.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.LongByReference;

/**
 * Raw binding to the property tables in {@code libzfs.so.4} (OpenZFS's zcommon): pure user-space
 * lookups, no {@code /dev/zfs} needed. libzfs_core passes properties to the kernel as they are, and
 * the kernel wants index properties ({@code compression=lz4}) as numbers, so we translate with the
 * same tables {@code zfs create -o} uses. Call {@code zfs_prop_init()} once before the rest.
 */
public interface LibZfsProps extends Library {
  String NAME = "libzfs.so.4";

  /** {@code zfs_name_to_prop} for names that are not native properties. */
  int ZPROP_INVAL = -1;

  /** {@code zprop_type_t}. */
  int PROP_TYPE_NUMBER = 0;

  int PROP_TYPE_STRING = 1;
  int PROP_TYPE_INDEX = 2;

  static LibZfsProps load() {
    return Native.load(NAME, LibZfsProps.class);
  }

  void zfs_prop_init();

  int zfs_name_to_prop(String name);

  int zfs_prop_get_type(int prop);

  int zfs_prop_string_to_index(int prop, String value, LongByReference index);

  /** {@code boolean_t}: whether the name is a well-formed user property ({@code module:name}). */
  int zfs_prop_user(String name);
}

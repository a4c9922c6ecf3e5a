package dev.kldload.zfs.lzc.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.LongByReference;

/**
 * Raw binding to the property tables in {@code libzfs.so.4} (OpenZFS's zcommon): pure user-space
 * lookups, no {@code /dev/zfs} needed. libzfs_core passes properties to the kernel as they are, and
 * the kernel wants index properties ({@code compression=lz4}) as numbers, so we translate with the
 * same tables {@code zfs create -o} uses. Not API: use {@link PropertyEncoder}.
 *
 * <p>Memory: nothing is allocated for the caller; {@code String} arguments are copied by JNA for
 * the call.
 *
 * <p>Thread safety: {@code zfs_prop_init()} fills static tables and must run once, before any other
 * call and not concurrently with one ({@link PropertyEncoder#get()} is synchronised for that);
 * afterwards the lookups only read the tables and any thread may call them.
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

  /** Builds the property tables; once per process, before the lookups below. */
  void zfs_prop_init();

  /**
   * The property number of a native property name.
   *
   * @return a {@code zfs_prop_t} (0 or more), or {@link #ZPROP_INVAL} for anything else (including
   *     user properties)
   */
  int zfs_name_to_prop(String name);

  /**
   * How a property's value is encoded.
   *
   * @param prop a valid {@code zfs_prop_t} (never {@link #ZPROP_INVAL}: the table has no bounds
   *     check)
   * @return {@link #PROP_TYPE_NUMBER}, {@link #PROP_TYPE_STRING} or {@link #PROP_TYPE_INDEX}
   */
  int zfs_prop_get_type(int prop);

  /**
   * Translates an index property's value ({@code lz4}) into its number.
   *
   * @param prop a valid index property
   * @param index set to the number on success
   * @return 0, or -1 when {@code value} is not one of the property's values
   */
  int zfs_prop_string_to_index(int prop, String value, LongByReference index);

  /**
   * Whether the name is a well-formed user property ({@code module:name}).
   *
   * @return a {@code boolean_t} (non-zero: valid)
   */
  int zfs_prop_user(String name);
}

package dev.kldload.zfs.lzc.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * Raw binding to OpenZFS 2.1's {@code libzfs_core.so.3} (Debian {@code libzfs4linux}). Not API: use
 * {@link Lzc}, which refuses every call unless {@code libzfs_core_init()} succeeded.
 *
 * <p>Return convention: 0 on success, otherwise an error number (see {@link Errno}; the functions
 * return it and do not set the thread's {@code errno}).
 *
 * <p>Memory: {@code String} arguments are copied to native memory by JNA for the duration of the
 * call. {@code nvlist_t*} arguments are borrowed: the library reads them and the caller frees them.
 * An {@code errlist}/{@code outnvl} written through a {@link PointerByReference} is owned by the
 * caller, may be written on failure as well as on success, and must be freed once with {@code
 * nvlist_free} (wrap it with {@link NvList#adopt} before looking at the return value).
 *
 * <p>Thread safety: after a successful init, any thread may call any {@code lzc_*} function (each
 * is one ioctl on a shared descriptor; init is guarded by the library's own mutex). <b>Never call
 * an {@code lzc_*} function when init failed: it aborts the process.</b>
 */
public interface LibZfsCore extends Library {
  String NAME = "libzfs_core.so.3";

  /** {@code enum lzc_dataset_type}. */
  int LZC_DATSET_TYPE_ZFS = 2;

  int LZC_DATSET_TYPE_ZVOL = 3;

  /** {@code enum lzc_send_flags} bits. */
  int LZC_SEND_FLAG_EMBED_DATA = 1 << 0;

  int LZC_SEND_FLAG_LARGE_BLOCK = 1 << 1;
  int LZC_SEND_FLAG_COMPRESS = 1 << 2;

  /** Channel program defaults of {@code zfs program}. */
  long ZCP_DEFAULT_INSTRLIMIT = 10_000_000L;

  long ZCP_DEFAULT_MEMLIMIT = 10L * 1024 * 1024;

  static LibZfsCore load() {
    return Native.load(NAME, LibZfsCore.class);
  }

  /**
   * Opens {@code /dev/zfs} for the process (reference-counted). We call it once and never {@code
   * libzfs_core_fini}: the descriptor lives as long as the process.
   *
   * @return 0, or an errno ({@link Errno#ENOENT}: no {@code /dev/zfs}, the module is not loaded)
   */
  int libzfs_core_init();

  /**
   * Creates a filesystem or volume.
   *
   * @param type {@link #LZC_DATSET_TYPE_ZFS} or {@link #LZC_DATSET_TYPE_ZVOL}
   * @param props borrowed nvlist of encoded properties ({@link PropertyEncoder}); may be null
   * @param wkeydata encryption key material, null (we create no encrypted datasets)
   * @return 0; {@code EEXIST}; {@code ENOENT} when the parent is missing; {@code
   *     ZFS_ERR_WRONG_PARENT} when the parent is a volume
   */
  int lzc_create(String fsname, int type, Pointer props, Pointer wkeydata, int wkeylen);

  /**
   * Takes snapshots of one pool atomically.
   *
   * @param snaps borrowed nvlist: snapshot name → boolean (presence)
   * @param props borrowed nvlist of user properties for every snapshot; may be null
   * @param errlist set, on failure, to an nvlist the caller frees: snapshot name → int32 errno
   * @return 0, or the errno of (one of) the failed snapshots; none is taken then
   */
  int lzc_snapshot(Pointer snaps, Pointer props, PointerByReference errlist);

  /**
   * Clones {@code origin} (a snapshot) as {@code fsname}.
   *
   * @param props borrowed nvlist of encoded properties; may be null
   * @return 0; {@code EEXIST}; {@code ENOENT} when the origin or the target's parent is missing;
   *     {@code EXDEV} across pools
   */
  int lzc_clone(String fsname, String origin, Pointer props);

  /**
   * Destroys a filesystem or volume (not a snapshot).
   *
   * @return 0; {@code EBUSY} when it has snapshots or is in use (mounted, open zvol); {@code
   *     EEXIST} when it has children
   */
  int lzc_destroy(String fsname);

  /**
   * Destroys snapshots of one pool, all or none.
   *
   * @param snaps borrowed nvlist: snapshot name → boolean
   * @param defer non-zero to mark held or cloned snapshots for deferred destruction (we pass 0)
   * @param errlist set, on failure, to an nvlist the caller frees: snapshot name → int32 errno
   *     ({@code EEXIST}/{@code EBUSY}: it has clones or holds)
   * @return 0 or an errno
   */
  int lzc_destroy_snaps(Pointer snaps, int defer, PointerByReference errlist);

  /**
   * Rolls {@code fsname} back to {@code snapname}, which must be its newest snapshot.
   *
   * @return 0; {@code ENOENT}; {@code EXDEV} when {@code snapname} is not the newest snapshot
   */
  int lzc_rollback_to(String fsname, String snapname);

  /**
   * Whether a dataset, snapshot or bookmark exists.
   *
   * @return a {@code boolean_t}: non-zero when it exists (never an errno)
   */
  int lzc_exists(String dataset);

  /**
   * Places user holds.
   *
   * @param holds borrowed nvlist: snapshot name → tag (string)
   * @param cleanupFd -1 for holds that persist until released
   * @param errlist set, on failure, to an nvlist the caller frees: snapshot name → int32 errno
   *     ({@code EEXIST}: the tag is already held; {@code ENOENT}: no such snapshot)
   * @return 0 or an errno
   */
  int lzc_hold(Pointer holds, int cleanupFd, PointerByReference errlist);

  /**
   * Releases user holds.
   *
   * @param holds borrowed nvlist: snapshot name → nvlist of tag → boolean
   * @param errlist set, on failure, to an nvlist the caller frees: snapshot name → int32 errno
   *     ({@code ESRCH}: no such hold)
   * @return 0 or an errno
   */
  int lzc_release(Pointer holds, PointerByReference errlist);

  /**
   * Reads the user holds of a snapshot.
   *
   * @param holds set to an nvlist the caller frees, tag → uint64 creation time; it may be set when
   *     the call fails too
   * @return 0; {@code ENOENT} when the snapshot does not exist
   */
  int lzc_get_holds(String snapname, PointerByReference holds);

  /**
   * Creates bookmarks.
   *
   * @param bookmarks borrowed nvlist: bookmark ({@code fs#mark}) → snapshot name (string)
   * @param errlist set, on failure, to an nvlist the caller frees: bookmark name → int32 errno
   * @return 0 or an errno
   */
  int lzc_bookmark(Pointer bookmarks, PointerByReference errlist);

  /**
   * Promotes a clone over its origin.
   *
   * @param snapnamebuf caller-owned buffer (JNA copies a Java array in and out); on {@code EEXIST}
   *     it holds the NUL-terminated name of the snapshot whose name collides
   * @return 0; {@code EEXIST}; {@code EINVAL} when {@code fsname} is not a clone
   */
  int lzc_promote(String fsname, byte[] snapnamebuf, int snapnamelen);

  /**
   * Renames a filesystem or volume within its pool. The adapter unmounts a mounted filesystem first
   * and mounts it again after, as {@code zfs rename} does.
   *
   * @return 0; {@code EEXIST}; {@code ENOENT}; {@code EXDEV} across pools
   */
  int lzc_rename(String source, String target);

  /**
   * Writes a send stream of {@code snapname} to {@code fd}; blocks until the whole stream is
   * written.
   *
   * @param from the incremental source snapshot, or null for a full stream
   * @param fd an open, writable descriptor that stays the caller's to close
   * @param flags {@code LZC_SEND_FLAG_*} bits
   * @return 0; {@code ENOENT}; {@code EXDEV} when {@code from} is not an ancestor
   */
  int lzc_send(String snapname, String from, int fd, int flags);

  /**
   * Receives a send stream from {@code fd} as {@code snapname}; blocks until the stream ends.
   *
   * @param props borrowed nvlist of properties to set, or null
   * @param origin clone origin for a clone stream, or null
   * @param force non-zero to roll back the target first
   * @param raw non-zero for a raw (encrypted) stream
   * @param fd an open, readable descriptor that stays the caller's to close
   * @return 0; {@code EEXIST}; {@code ENOENT} when the parent is missing; {@code
   *     ZFS_ERR_STREAM_TRUNCATED}; {@code ZFS_ERR_UNKNOWN_SEND_STREAM_FEATURE}
   */
  int lzc_receive(String snapname, Pointer props, String origin, int force, int raw, int fd);

  /**
   * Runs a channel program (Lua) in syncing context on {@code pool}.
   *
   * @param argnvl borrowed nvlist handed to the program as its argument
   * @param outnvl set to an nvlist the caller frees: {@code "return"} holds what the program
   *     returned; on a Lua error (return {@code ECHRNG}, {@code ENOMEM}, {@code ETIME}) it is set
   *     too and {@code "error"} holds the message
   * @return 0 or an errno
   */
  int lzc_channel_program(
      String pool,
      String program,
      long instrlimit,
      long memlimit,
      Pointer argnvl,
      PointerByReference outnvl);
}

package dev.kldload.zfs.lzc.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * Raw binding to OpenZFS 2.1's {@code libzfs_core.so.3} (Debian {@code libzfs4linux}). Not API: use
 * {@link Lzc}, which refuses every call unless {@code libzfs_core_init()} succeeded.
 *
 * <p>Return convention: 0 on success, otherwise an errno value (the functions return it; they do
 * not set {@code errno}). {@code nvlist_t*} arguments are borrowed (the caller keeps ownership); an
 * {@code errlist}/{@code outnvl} written through a {@link PointerByReference} is owned by the
 * caller and must be freed with {@code nvlist_free} (wrap it with {@link NvList#adopt}).
 *
 * <p>Thread safety: after init, calls may come from any thread (each is one ioctl on a shared
 * descriptor). <b>Never call an {@code lzc_*} function when init failed: it aborts the process.</b>
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

  int libzfs_core_init();

  void libzfs_core_fini();

  int lzc_create(String fsname, int type, Pointer props, Pointer wkeydata, int wkeylen);

  int lzc_snapshot(Pointer snaps, Pointer props, PointerByReference errlist);

  int lzc_clone(String fsname, String origin, Pointer props);

  int lzc_destroy(String fsname);

  int lzc_destroy_snaps(Pointer snaps, int defer, PointerByReference errlist);

  int lzc_rollback_to(String fsname, String snapname);

  /** Returns a {@code boolean_t}: non-zero when the dataset, snapshot or bookmark exists. */
  int lzc_exists(String dataset);

  int lzc_hold(Pointer holds, int cleanupFd, PointerByReference errlist);

  int lzc_release(Pointer holds, PointerByReference errlist);

  int lzc_get_holds(String snapname, PointerByReference holds);

  int lzc_bookmark(Pointer bookmarks, PointerByReference errlist);

  /** On EEXIST, writes the conflicting snapshot's name into {@code snapnamebuf}. */
  int lzc_promote(String fsname, byte[] snapnamebuf, int snapnamelen);

  int lzc_rename(String source, String target);

  int lzc_send(String snapname, String from, int fd, int flags);

  int lzc_receive(String snapname, Pointer props, String origin, int force, int raw, int fd);

  int lzc_channel_program(
      String pool,
      String program,
      long instrlimit,
      long memlimit,
      Pointer argnvl,
      PointerByReference outnvl);
}

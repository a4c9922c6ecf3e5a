package dev.kldload.zfs.lzc.jna;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The guarded entry to libzfs_core. An instance exists only after {@code libzfs_core_init()}
 * returned 0, so no {@code lzc_*} call can happen after a failed init (which would abort the JVM).
 * Each method is one ioctl; failures are {@link LzcException} carrying the errno and, where the
 * library reports them, per-object errnos. Thread-safe.
 */
public final class Lzc {
  private static Lzc instance;

  private final LibZfsCore lib;
  private final LibNvpair nv;

  private Lzc(LibZfsCore lib, LibNvpair nv) {
    this.lib = lib;
    this.nv = nv;
  }

  /**
   * Loads the library and initialises it once per process.
   *
   * @throws LzcException with the init errno (2 = ENOENT: no {@code /dev/zfs}, the module is not
   *     loaded); a later call tries again
   * @throws UnsatisfiedLinkError when {@code libzfs_core.so.3} is not installed
   */
  public static synchronized Lzc open() {
    if (instance == null) {
      instance = init(LibZfsCore.load(), NvList.lib());
    }
    return instance;
  }

  /**
   * Initialises {@code lib} and wraps it; the lists this class builds and adopts are allocated and
   * freed through {@code nv}.
   *
   * @throws LzcException with the init errno; {@code lib} must then not be used
   */
  static Lzc init(LibZfsCore lib, LibNvpair nv) {
    int rc = lib.libzfs_core_init();
    if (rc != 0) {
      throw new LzcException("libzfs_core_init", rc, Map.of());
    }
    return new Lzc(lib, nv);
  }

  public boolean exists(String name) {
    return lib.lzc_exists(name) != 0;
  }

  /** Creates a filesystem or (when {@code volume}) a zvol with the given typed properties. */
  public void create(String name, boolean volume, NvList props) {
    int type = volume ? LibZfsCore.LZC_DATSET_TYPE_ZVOL : LibZfsCore.LZC_DATSET_TYPE_ZFS;
    check("lzc_create", lib.lzc_create(name, type, props.pointer(), null, 0));
  }

  /** Takes all snapshots in one transaction; on failure, errors name each failed snapshot. */
  public void snapshot(List<String> snapshots, NvList userProps) {
    try (NvList snaps = names(snapshots)) {
      PointerByReference errlist = new PointerByReference();
      int rc = lib.lzc_snapshot(snaps.pointer(), userProps.pointer(), errlist);
      checkWithErrors("lzc_snapshot", rc, errlist);
    }
  }

  public void clone(String target, String origin, NvList props) {
    check("lzc_clone", lib.lzc_clone(target, origin, props.pointer()));
  }

  public void destroy(String name) {
    check("lzc_destroy", lib.lzc_destroy(name));
  }

  public void destroySnapshots(List<String> snapshots) {
    try (NvList snaps = names(snapshots)) {
      PointerByReference errlist = new PointerByReference();
      int rc = lib.lzc_destroy_snaps(snaps.pointer(), 0, errlist);
      checkWithErrors("lzc_destroy_snaps", rc, errlist);
    }
  }

  public void rollbackTo(String dataset, String snapshot) {
    check("lzc_rollback_to", lib.lzc_rollback_to(dataset, snapshot));
  }

  /** Places holds: {@code snapshot → tag}; held until released (no cleanup descriptor). */
  public void hold(Map<String, String> holds) {
    try (NvList list = NvList.create(nv)) {
      holds.forEach(list::addString);
      PointerByReference errlist = new PointerByReference();
      checkWithErrors("lzc_hold", lib.lzc_hold(list.pointer(), -1, errlist), errlist);
    }
  }

  /** Releases holds: {@code snapshot → tags}. */
  public void release(Map<String, Set<String>> holds) {
    try (NvList list = NvList.create(nv)) {
      for (Map.Entry<String, Set<String>> e : holds.entrySet()) {
        try (NvList tags = names(List.copyOf(e.getValue()))) {
          list.addNvList(e.getKey(), tags);
        }
      }
      PointerByReference errlist = new PointerByReference();
      checkWithErrors("lzc_release", lib.lzc_release(list.pointer(), errlist), errlist);
    }
  }

  /** The hold tags on a snapshot. */
  public Set<String> holds(String snapshot) {
    PointerByReference out = new PointerByReference();
    int rc = lib.lzc_get_holds(snapshot, out);
    // adopted before the check: a failing call may still have returned a list
    try (NvList holds = NvList.adopt(nv, out.getValue())) {
      check("lzc_get_holds", rc);
      return holds == null ? Set.of() : Set.copyOf(holds.toMap().keySet());
    }
  }

  /** Creates bookmarks: {@code bookmark (fs#mark) → snapshot}. */
  public void bookmark(Map<String, String> bookmarks) {
    try (NvList list = NvList.create(nv)) {
      bookmarks.forEach(list::addString);
      PointerByReference errlist = new PointerByReference();
      checkWithErrors("lzc_bookmark", lib.lzc_bookmark(list.pointer(), errlist), errlist);
    }
  }

  /**
   * Promotes a clone. On EEXIST the error names the snapshot whose name collides (in {@code
   * errors}).
   */
  public void promote(String clone) {
    byte[] conflict = new byte[256];
    int rc = lib.lzc_promote(clone, conflict, conflict.length);
    if (rc != 0) {
      int len = 0;
      while (len < conflict.length && conflict[len] != 0) {
        len++;
      }
      Map<String, Long> errors =
          len == 0
              ? Map.of()
              : Map.of(new String(conflict, 0, len, StandardCharsets.UTF_8), (long) rc);
      throw new LzcException("lzc_promote", rc, errors);
    }
  }

  public void rename(String from, String to) {
    check("lzc_rename", lib.lzc_rename(from, to));
  }

  /** Writes a send stream of {@code snapshot} (incremental from {@code from} when not null). */
  public void send(String snapshot, String from, int fd) {
    int flags =
        LibZfsCore.LZC_SEND_FLAG_EMBED_DATA
            | LibZfsCore.LZC_SEND_FLAG_LARGE_BLOCK
            | LibZfsCore.LZC_SEND_FLAG_COMPRESS;
    check("lzc_send", lib.lzc_send(snapshot, from, fd, flags));
  }

  public void receive(String snapshot, boolean force, int fd) {
    check("lzc_receive", lib.lzc_receive(snapshot, null, null, force ? 1 : 0, 0, fd));
  }

  /**
   * Runs a ZFS channel program (Lua) on {@code pool} with {@code argv} and returns its output
   * nvlist as Java values ({@code "return"} holds what the program returned).
   */
  public Map<String, Object> channelProgram(String pool, String program, List<String> argv) {
    try (NvList args = NvList.create(nv)) {
      args.addStringArray("argv", argv);
      PointerByReference out = new PointerByReference();
      int rc =
          lib.lzc_channel_program(
              pool,
              program,
              LibZfsCore.ZCP_DEFAULT_INSTRLIMIT,
              LibZfsCore.ZCP_DEFAULT_MEMLIMIT,
              args.pointer(),
              out);
      Map<String, Object> result;
      try (NvList outnvl = NvList.adopt(nv, out.getValue())) {
        result = outnvl == null ? Map.of() : outnvl.toMap();
      }
      if (rc != 0) {
        Object message = result.get("error");
        throw new LzcException(
            "lzc_channel_program" + (message == null ? "" : " (" + message + ")"), rc, Map.of());
      }
      return result;
    }
  }

  /** A new list the caller owns, with one boolean pair per name (how lzc takes sets of names). */
  private NvList names(List<String> names) {
    NvList list = NvList.create(nv);
    try {
      names.forEach(list::addBoolean);
      return list;
    } catch (RuntimeException | Error e) {
      // an Error too: a symbol missing from this library version is an UnsatisfiedLinkError
      list.close();
      throw e;
    }
  }

  private static void check(String call, int rc) {
    if (rc != 0) {
      throw new LzcException(call, rc, Map.of());
    }
  }

  private void checkWithErrors(String call, int rc, PointerByReference errlist) {
    Pointer p = errlist.getValue();
    Map<String, Long> errors = new LinkedHashMap<>();
    try (NvList list = NvList.adopt(nv, p)) {
      if (list != null) {
        list.toMap()
            .forEach(
                (k, v) -> {
                  if (v instanceof Long n) {
                    errors.put(k, n);
                  }
                });
      }
    }
    if (rc != 0) {
      throw new LzcException(call, rc, errors);
    }
  }
}

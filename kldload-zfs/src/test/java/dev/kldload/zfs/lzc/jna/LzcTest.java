package dev.kldload.zfs.lzc.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.kldload.core.testing.Requirements;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Who frees what in {@link Lzc}, without ZFS: libzfs_core is a scripted fake, libnvpair is the real
 * library (it works in user space) behind a proxy that records every list allocated and freed, and
 * can make one function fail.
 */
class LzcTest {
  private static final int EPERM = 1;
  private static final int EBUSY = 16;
  private static final int EINVAL = 22;
  private static final int ECHRNG = 44;

  /**
   * The real libnvpair; records live lists; fails the function named {@code failing} with EINVAL,
   * or as a symbol this library version lacks when {@code missing}.
   */
  private static final class CountingNvpair {
    final LibNvpair real = NvList.lib();
    final List<Pointer> live = new ArrayList<>();
    String failing;
    boolean missing;

    LibNvpair proxy() {
      return (LibNvpair)
          Proxy.newProxyInstance(
              LibNvpair.class.getClassLoader(),
              new Class<?>[] {LibNvpair.class},
              (p, method, args) -> {
                if (method.getName().equals(failing)) {
                  if (missing) {
                    throw new UnsatisfiedLinkError("Error looking up function '" + failing + "'");
                  }
                  return EINVAL;
                }
                Object result = invoke(real, method, args);
                if (method.getName().equals("nvlist_alloc") && (int) result == 0) {
                  live.add(((PointerByReference) args[0]).getValue());
                } else if (method.getName().equals("nvlist_free")) {
                  assertThat(live.remove((Pointer) args[0])).as("freed once: %s", args[0]).isTrue();
                }
                return result;
              });
    }
  }

  /** A list the fake library "returns", allocated through the counting proxy. */
  private static Pointer returnedList(LibNvpair nv, Map<String, Object> content) {
    PointerByReference ref = new PointerByReference();
    assertThat(nv.nvlist_alloc(ref, LibNvpair.NV_UNIQUE_NAME, 0)).isZero();
    content.forEach(
        (k, v) -> {
          int rc =
              v instanceof String s
                  ? nv.nvlist_add_string(ref.getValue(), k, s)
                  : nv.nvlist_add_int64(ref.getValue(), k, (Long) v);
          assertThat(rc).isZero();
        });
    return ref.getValue();
  }

  /** libzfs_core whose init succeeds and whose {@code lzc_*} calls are scripted per name. */
  private interface Call {
    int answer(Object[] args);
  }

  private static LibZfsCore fakeCore(Map<String, Call> calls) {
    return (LibZfsCore)
        Proxy.newProxyInstance(
            LibZfsCore.class.getClassLoader(),
            new Class<?>[] {LibZfsCore.class},
            (p, method, args) -> {
              if (method.getName().equals("libzfs_core_init")) {
                return 0;
              }
              Call call = calls.get(method.getName());
              if (call == null) {
                throw new AssertionError("unexpected call " + method.getName());
              }
              return call.answer(args);
            });
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private CountingNvpair nvpair;
  private final Map<String, Call> calls = new HashMap<>();
  private Lzc lzc;

  @BeforeAll
  static void library() {
    boolean loads;
    try {
      NvList.lib();
      loads = true;
    } catch (UnsatisfiedLinkError e) {
      loads = false;
    }
    Requirements.require(loads, LibNvpair.NAME + " (apt-get install libnvpair3linux)");
  }

  @BeforeEach
  void setUp() {
    nvpair = new CountingNvpair();
    lzc = Lzc.init(fakeCore(calls), nvpair.proxy());
  }

  @Test
  @DisplayName("a failing lzc_get_holds still frees the list it returned, and reports the errno")
  void holdsFailureFreesOutput() {
    LibNvpair nv = nvpair.proxy();
    calls.put(
        "lzc_get_holds",
        args -> {
          ((PointerByReference) args[1]).setValue(returnedList(nv, Map.of("keep", 1L)));
          return EPERM;
        });
    LzcException e = catchThrowableOfType(LzcException.class, () -> lzc.holds("tank/a@s"));
    assertThat(e.errno()).isEqualTo(Errno.EPERM);
    assertThat(nvpair.live).isEmpty();
  }

  @Test
  @DisplayName("lzc_get_holds: the tags are read and the returned list is freed")
  void holdsReadsTags() {
    LibNvpair nv = nvpair.proxy();
    calls.put(
        "lzc_get_holds",
        args -> {
          ((PointerByReference) args[1])
              .setValue(returnedList(nv, Map.of("keep", 1L, "backup", 2L)));
          return 0;
        });
    assertThat(lzc.holds("tank/a@s")).isEqualTo(Set.of("keep", "backup"));
    assertThat(nvpair.live).isEmpty();
  }

  @Test
  @DisplayName("channel program: when building the argument list fails, the list is freed")
  void channelProgramArgumentsFreed() {
    nvpair.failing = "nvlist_add_string_array";
    IllegalStateException e =
        catchThrowableOfType(
            IllegalStateException.class,
            () -> lzc.channelProgram("tank", "return 0", List.of("tank/a", "k", "v")));
    assertThat(e).hasMessageContaining("nvlist_add_string_array");
    assertThat(nvpair.live).isEmpty();
  }

  @Test
  @DisplayName("channel program: a Lua error frees both lists and carries the program's message")
  void channelProgramErrorFreed() {
    LibNvpair nv = nvpair.proxy();
    calls.put(
        "lzc_channel_program",
        args -> {
          ((PointerByReference) args[5]).setValue(returnedList(nv, Map.of("error", "boom")));
          return ECHRNG;
        });
    LzcException e =
        catchThrowableOfType(
            LzcException.class, () -> lzc.channelProgram("tank", "error('boom')", List.of()));
    assertThat(e.code()).isEqualTo(ECHRNG);
    assertThat(e).hasMessageContaining("boom");
    assertThat(nvpair.live).isEmpty();
  }

  @Test
  @DisplayName("a name list that fails half-built is freed before the call is made")
  void namesFreedOnFailure() {
    nvpair.failing = "nvlist_add_boolean";
    catchThrowableOfType(
        IllegalStateException.class, () -> lzc.destroySnapshots(List.of("tank/a@1", "tank/a@2")));
    assertThat(nvpair.live).isEmpty();
  }

  @Test
  @DisplayName(
      "a list is freed when a function is missing from the library (an Error, not an"
          + " exception)")
  void namesFreedOnLinkError() {
    nvpair.failing = "nvlist_add_boolean";
    nvpair.missing = true;
    catchThrowableOfType(UnsatisfiedLinkError.class, () -> lzc.destroySnapshots(List.of("a@1")));
    assertThat(nvpair.live).isEmpty();
  }

  @Test
  @DisplayName("an errlist names each failed object, and both lists are freed")
  void errlistReadAndFreed() {
    LibNvpair nv = nvpair.proxy();
    calls.put(
        "lzc_destroy_snaps",
        args -> {
          ((PointerByReference) args[2]).setValue(returnedList(nv, Map.of("tank/a@1", 16L)));
          return EBUSY;
        });
    LzcException e =
        catchThrowableOfType(LzcException.class, () -> lzc.destroySnapshots(List.of("tank/a@1")));
    assertThat(e.errno()).isEqualTo(Errno.EBUSY);
    assertThat(e.errors()).containsExactly(Map.entry("tank/a@1", 16L));
    assertThat(nvpair.live).isEmpty();
  }
}

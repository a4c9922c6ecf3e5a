package dev.kldload.kube.bundle;

import java.util.Comparator;

/** Debian's version ordering (epoch, upstream, revision; {@code ~} sorts before everything). */
final class DebianVersion {
  static final Comparator<String> ORDER = DebianVersion::compare;

  private DebianVersion() {}

  static int compare(String a, String b) {
    int c = Long.compare(epoch(a), epoch(b));
    if (c != 0) {
      return c;
    }
    String ra = stripEpoch(a);
    String rb = stripEpoch(b);
    int da = ra.lastIndexOf('-');
    int db = rb.lastIndexOf('-');
    c = part(da < 0 ? ra : ra.substring(0, da), db < 0 ? rb : rb.substring(0, db));
    return c != 0
        ? c
        : part(da < 0 ? "" : ra.substring(da + 1), db < 0 ? "" : rb.substring(db + 1));
  }

  /** Drops the epoch, as dpkg's own file names do. */
  static String stripEpoch(String version) {
    int colon = version.indexOf(':');
    return colon < 0 ? version : version.substring(colon + 1);
  }

  private static long epoch(String version) {
    int colon = version.indexOf(':');
    return colon < 0 ? 0 : Long.parseLong(version.substring(0, colon));
  }

  /** dpkg's verrevcmp: alternating non-digit runs (by {@link #order}) and numbers. */
  private static int part(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() || j < b.length()) {
      while ((i < a.length() && !Character.isDigit(a.charAt(i)))
          || (j < b.length() && !Character.isDigit(b.charAt(j)))) {
        int ac = i < a.length() ? order(a.charAt(i)) : 0;
        int bc = j < b.length() ? order(b.charAt(j)) : 0;
        if (ac != bc) {
          return Integer.compare(ac, bc);
        }
        i++;
        j++;
      }
      while (i < a.length() && a.charAt(i) == '0') {
        i++;
      }
      while (j < b.length() && b.charAt(j) == '0') {
        j++;
      }
      int first = 0;
      while (i < a.length()
          && Character.isDigit(a.charAt(i))
          && j < b.length()
          && Character.isDigit(b.charAt(j))) {
        if (first == 0) {
          first = a.charAt(i) - b.charAt(j);
        }
        i++;
        j++;
      }
      if (i < a.length() && Character.isDigit(a.charAt(i))) {
        return 1;
      }
      if (j < b.length() && Character.isDigit(b.charAt(j))) {
        return -1;
      }
      if (first != 0) {
        return Integer.signum(first);
      }
    }
    return 0;
  }

  private static int order(char c) {
    if (Character.isDigit(c)) {
      return 0;
    }
    if (Character.isLetter(c)) {
      return c;
    }
    if (c == '~') {
      return -1;
    }
    return c + 256;
  }
}

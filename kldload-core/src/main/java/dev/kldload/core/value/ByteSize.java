package dev.kldload.core.value;

import dev.kldload.core.KldloadException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in bytes, parsed from the forms operators type: {@code 4096M}, {@code 40G}, {@code 1T},
 * {@code 512K}, {@code 2GiB}; a plain number means megabytes (as the original tools' {@code
 * --ram}). Units are binary (G = 2^30), as in ZFS and libvirt. Zero and negative sizes are refused.
 */
public record ByteSize(long bytes) implements Comparable<ByteSize> {
  private static final Pattern FORM =
      Pattern.compile(
          "(\\d{1,15})(?:\\.(\\d{1,3}))?\\s*([KMGTP]?)(I?B)?", Pattern.CASE_INSENSITIVE);
  private static final String HINT = "write a size such as 4096M, 40G or 1T (a plain number is MB)";

  public ByteSize {
    if (bytes <= 0) {
      throw KldloadException.invalid("size " + bytes + " bytes is not positive", HINT);
    }
  }

  public static ByteSize ofBytes(long bytes) {
    return new ByteSize(bytes);
  }

  public static ByteSize ofMegabytes(long mb) {
    return new ByteSize(Math.multiplyExact(mb, 1L << 20));
  }

  public static ByteSize ofGigabytes(long gb) {
    return new ByteSize(Math.multiplyExact(gb, 1L << 30));
  }

  public static ByteSize parse(String text) {
    if (text == null || text.isBlank()) {
      throw KldloadException.invalid("size is empty", HINT);
    }
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches()) {
      throw KldloadException.invalid("size '" + Names.printable(text) + "' is not valid", HINT);
    }
    String suffix = m.group(4) == null ? "" : m.group(4).toUpperCase(Locale.ROOT);
    if (m.group(3).isEmpty() && suffix.equals("IB")) {
      throw KldloadException.invalid("size '" + Names.printable(text) + "' is not valid", HINT);
    }
    // "512B" is bytes; a bare number is megabytes, as the original tools' --ram
    String unit =
        m.group(3).isEmpty()
            ? (suffix.equals("B") ? "B" : "M")
            : m.group(3).toUpperCase(Locale.ROOT);
    int shift = "BKMGTP".indexOf(unit) * 10;
    try {
      long whole = Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
      long fraction = 0;
      if (m.group(2) != null) {
        String digits = m.group(2);
        fraction = (Long.parseLong(digits) << shift) / (long) Math.pow(10, digits.length());
      }
      long total = Math.addExact(whole, fraction);
      if (total <= 0) {
        throw KldloadException.invalid(
            "size '" + Names.printable(text) + "' is not positive", HINT);
      }
      return new ByteSize(total);
    } catch (ArithmeticException e) {
      throw KldloadException.invalid("size '" + Names.printable(text) + "' is too large", HINT);
    }
  }

  public long megabytes() {
    return bytes >> 20;
  }

  public long kibibytes() {
    return bytes >> 10;
  }

  /** Human form, as tables show it: {@code 40G}, {@code 1.5T}, {@code 512M}. */
  public String human() {
    return human(bytes);
  }

  public static String human(long bytes) {
    String units = "BKMGTPE";
    double value = bytes;
    int i = 0;
    while (value >= 1024 && i < units.length() - 1) {
      value /= 1024;
      i++;
    }
    if (i == 0) {
      return bytes + "B";
    }
    String number =
        value >= 10 || value == Math.rint(value)
            ? String.format(Locale.ROOT, "%.0f", value)
            : String.format(Locale.ROOT, "%.1f", value);
    return number + units.charAt(i);
  }

  @Override
  public int compareTo(ByteSize other) {
    return Long.compare(bytes, other.bytes);
  }

  @Override
  public String toString() {
    return human();
  }
}

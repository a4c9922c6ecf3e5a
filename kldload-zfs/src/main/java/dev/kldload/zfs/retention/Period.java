package dev.kldload.zfs.retention;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.util.Locale;

/**
 * sanoid's snapshot periods. A period's snapshot is due when the newest one of that period lies in
 * an earlier calendar bucket (UTC): quarter hour, hour, day, ISO week, month, year.
 */
public enum Period {
  FREQUENTLY,
  HOURLY,
  DAILY,
  WEEKLY,
  MONTHLY,
  YEARLY;

  /** The snapshot kind of this period: {@code auto-daily} etc. */
  public String kind() {
    return "auto-" + name().toLowerCase(Locale.ROOT);
  }

  /** A number identifying the calendar bucket that {@code t} falls in. */
  public long bucket(Instant t) {
    ZonedDateTime z = t.atZone(ZoneOffset.UTC);
    return switch (this) {
      case FREQUENTLY -> t.getEpochSecond() / 900;
      case HOURLY -> t.getEpochSecond() / 3600;
      case DAILY -> z.toLocalDate().toEpochDay();
      case WEEKLY ->
          z.get(IsoFields.WEEK_BASED_YEAR) * 100L + z.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
      case MONTHLY -> z.getYear() * 12L + z.getMonthValue();
      case YEARLY -> z.getYear();
    };
  }

  static Instant truncate(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS);
  }
}

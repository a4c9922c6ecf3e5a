package dev.kldload.core.output;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * A kubectl-style table: UPPERCASE headers, no borders, columns separated by three spaces, numbers
 * right-aligned when asked. No colour: tables are data and end up in pipes.
 */
public final class Table<T> {
  private record Column<T>(String header, Function<T, String> value, boolean right) {}

  private final List<Column<T>> columns = new ArrayList<>();

  public static <T> Table<T> of(Class<T> type) {
    return new Table<>();
  }

  public Table<T> column(String header, Function<T, ?> value) {
    columns.add(new Column<>(header.toUpperCase(Locale.ROOT), t -> text(value.apply(t)), false));
    return this;
  }

  public Table<T> right(String header, Function<T, ?> value) {
    columns.add(new Column<>(header.toUpperCase(Locale.ROOT), t -> text(value.apply(t)), true));
    return this;
  }

  private static String text(Object value) {
    return value == null ? "-" : value.toString();
  }

  public String render(List<T> rows) {
    int n = columns.size();
    int[] width = new int[n];
    List<String[]> cells = new ArrayList<>();
    for (T row : rows) {
      String[] line = new String[n];
      for (int i = 0; i < n; i++) {
        line[i] = columns.get(i).value().apply(row).replace('\n', ' ');
      }
      cells.add(line);
    }
    for (int i = 0; i < n; i++) {
      width[i] = columns.get(i).header().length();
      for (String[] line : cells) {
        width[i] = Math.max(width[i], line[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    String[] headers = columns.stream().map(Column::header).toArray(String[]::new);
    appendLine(sb, headers, width);
    for (String[] line : cells) {
      appendLine(sb, line, width);
    }
    return sb.toString();
  }

  private void appendLine(StringBuilder sb, String[] line, int[] width) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < line.length; i++) {
      boolean last = i == line.length - 1;
      String cell = line[i];
      String pad = " ".repeat(width[i] - cell.length());
      if (columns.get(i).right()) {
        out.append(pad).append(cell);
      } else {
        out.append(cell);
        if (!last) {
          out.append(pad);
        }
      }
      if (!last) {
        out.append("   ");
      }
    }
    sb.append(out.toString().stripTrailing()).append('\n');
  }
}

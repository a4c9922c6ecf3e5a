package dev.kldload.core.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON-lines record of plan runs: one line per event, appended and flushed as it happens, so
 * that after a crash or Ctrl-C the file says exactly which steps finished. Resume does not trust it
 * (each step's {@code isDone()} does), but operators and {@code status} read it.
 */
public final class Journal {
  private static final ObjectMapper JSON =
      new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private final Path file;

  public Journal(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /**
   * One journal line. {@code step} is empty for run-level events; {@code creates} lists what an
   * applied step made (or an undone one removed), absent otherwise.
   */
  public record Event(
      String time,
      String run,
      String plan,
      String event,
      String step,
      Long elapsedMs,
      String error,
      List<String> creates) {}

  public synchronized void append(Event event) {
    try {
      Path dir = file.getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      byte[] line = (JSON.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
      // one write per line with O_APPEND: a reader never sees half an event
      Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new KldloadException(
          ErrorKind.FAILED,
          "cannot write journal " + file + ": " + e.getMessage(),
          "check that the state directory is writable (--state-dir)",
          e);
    }
  }

  public List<Event> read() {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<Event> out = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.isBlank()) {
          try {
            out.add(JSON.readValue(line, Event.class));
          } catch (IOException e) {
            // a torn last line after a power loss: everything before it is still valid
          }
        }
      }
    } catch (IOException e) {
      throw new KldloadException(
          ErrorKind.FAILED, "cannot read journal " + file + ": " + e.getMessage(), null, e);
    }
    return out;
  }

  /** The final event of each step in the most recent run, or empty when there was none. */
  public Optional<Map<String, String>> lastRun() {
    List<Event> events = read();
    String run = null;
    for (Event event : events) {
      if ("run-started".equals(event.event())) {
        run = event.run();
      }
    }
    if (run == null) {
      return Optional.empty();
    }
    Map<String, String> steps = new LinkedHashMap<>();
    for (Event event : events) {
      if (run.equals(event.run()) && event.step() != null && !event.step().isEmpty()) {
        steps.put(event.step(), event.event());
      }
      if (run.equals(event.run()) && event.step() == null) {
        steps.put("", event.event());
      }
    }
    return Optional.of(steps);
  }
}

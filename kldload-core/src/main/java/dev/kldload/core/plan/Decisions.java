package dev.kldload.core.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.io.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Choices a resumed run must repeat (MACs, instance-ids, snapshot names, keys' ids): each is made
 * once, written to the state directory before it is used, and read back by every later run, so a
 * re-run after a crash between two steps builds the same plan as the run that crashed. A dry-run
 * reuses what is recorded and records nothing new.
 */
public final class Decisions {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Optional<Path> file;
  private final boolean record;
  private final Map<String, String> values;

  private Decisions(Optional<Path> file, boolean record, Map<String, String> values) {
    this.file = file;
    this.record = record;
    this.values = values;
  }

  /** Decisions kept in {@code file} (created 0600 on the first decision). */
  public static Decisions at(Path file) {
    return new Decisions(Optional.of(file), true, load(file));
  }

  /** Decisions that live as long as this object: for tests and one-shot plans. */
  public static Decisions inMemory() {
    return new Decisions(Optional.empty(), false, new TreeMap<>());
  }

  /** For a dry-run: recorded choices are reused, new ones are made but not written. */
  public Decisions readOnly() {
    return new Decisions(file, false, new TreeMap<>(values));
  }

  /** The recorded value of {@code key}, or {@code choose}'s, recorded before it is returned. */
  public synchronized String decide(String key, Supplier<String> choose) {
    String known = values.get(key);
    if (known != null) {
      return known;
    }
    String chosen = choose.get();
    values.put(key, chosen);
    if (record) {
      save();
    }
    return chosen;
  }

  public synchronized Optional<String> recorded(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /**
   * Drops every decision: the object they were made for is gone, so a new one with the same name
   * gets new choices.
   */
  public synchronized void forget() {
    values.clear();
    if (record && file.isPresent()) {
      try {
        Files.deleteIfExists(file.get());
      } catch (IOException e) {
        throw new KldloadException(
            ErrorKind.PERMISSION,
            "cannot remove " + file.get() + ": " + e.getMessage(),
            "check that the state directory is writable (--state-dir)",
            e);
      }
    }
  }

  private void save() {
    try {
      PrivateFiles.write(
          file.orElseThrow(),
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(values) + "\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> load(Path file) {
    Optional<String> text = PrivateFiles.read(file);
    if (text.isEmpty()) {
      return new TreeMap<>();
    }
    try {
      return new TreeMap<>(JSON.readValue(text.get(), new TypeReference<Map<String, String>>() {}));
    } catch (JsonProcessingException e) {
      throw new KldloadException(
          ErrorKind.PRECONDITION,
          "decisions file " + file + " is not valid JSON: " + e.getOriginalMessage(),
          "restore it, or remove it to start over (the object it belongs to will get new ids)",
          e);
    }
  }
}

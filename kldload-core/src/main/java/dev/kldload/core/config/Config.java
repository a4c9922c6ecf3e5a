package dev.kldload.core.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Effective configuration: for each key its value and where it came from (a file, an environment
 * variable, a flag or the default), so that {@code doctor} and error hints can say why a value is
 * what it is.
 */
public final class Config {
  /** A value and its origin. */
  public record Value(String value, String source) {}

  private final Map<ConfigKey, Value> values;

  Config(Map<ConfigKey, Value> values) {
    this.values = Collections.unmodifiableMap(new EnumMap<>(values));
  }

  /** Defaults only: for tests and for commands that must work without any file. */
  public static Config defaults() {
    return new ConfigLoader(Map.of()).load(Optional.empty(), Map.of());
  }

  public Optional<String> get(ConfigKey key) {
    return Optional.ofNullable(values.get(key)).map(Value::value);
  }

  public String require(ConfigKey key) {
    return get(key).orElseThrow(() -> new IllegalStateException("no value for " + key.key()));
  }

  public Optional<String> source(ConfigKey key) {
    return Optional.ofNullable(values.get(key)).map(Value::source);
  }

  public Path stateDir() {
    return Path.of(require(ConfigKey.STATE_DIR));
  }

  public Path runDir() {
    return Path.of(require(ConfigKey.RUN_DIR));
  }

  public Map<ConfigKey, Value> all() {
    return values;
  }

  /**
   * This configuration with {@code overrides} on top, each recorded as coming from {@code source}.
   */
  public Config with(Map<ConfigKey, String> overrides, String source) {
    Map<ConfigKey, Value> out = new EnumMap<>(ConfigKey.class);
    out.putAll(values);
    overrides.forEach((key, value) -> out.put(key, new Value(value, source)));
    return new Config(out);
  }
}

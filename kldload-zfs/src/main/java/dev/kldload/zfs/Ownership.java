package dev.kldload.zfs;

import dev.kldload.core.value.SnapshotName;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The marks we put on every dataset and snapshot we create, as ZFS user properties. Destroy and
 * prune act on these marks only: an object without {@code com.kldload:owner} is not ours.
 *
 * @param owner who made it: a tool ({@code ksnap}, {@code kclone}) or a cluster name
 * @param role what it is for ({@code manual}, {@code auto}, {@code golden}, {@code cp}, {@code
 *     worker}, {@code vm}, {@code clone})
 * @param cloneOrigin the snapshot a clone was made from
 */
public record Ownership(
    String owner, String role, Optional<SnapshotName> cloneOrigin, Instant created) {
  public static final String PREFIX = "com.kldload:";
  public static final String OWNER = PREFIX + "owner";
  public static final String ROLE = PREFIX + "role";
  public static final String CLONE_ORIGIN = PREFIX + "clone-origin";
  public static final String CREATED = PREFIX + "created";

  public Ownership {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(cloneOrigin, "cloneOrigin");
    Objects.requireNonNull(created, "created");
  }

  public static Ownership of(String owner, String role, Instant created) {
    return new Ownership(owner, role, Optional.empty(), created);
  }

  public Ownership withCloneOrigin(SnapshotName origin) {
    return new Ownership(owner, role, Optional.of(origin), created);
  }

  /** The user properties that carry these marks, in a stable order. */
  public Map<String, String> toProperties() {
    Map<String, String> props = new LinkedHashMap<>();
    props.put(OWNER, owner);
    props.put(ROLE, role);
    cloneOrigin.ifPresent(o -> props.put(CLONE_ORIGIN, o.toString()));
    props.put(CREATED, created.toString());
    return props;
  }

  /** Reads the marks back; empty unless at least the owner mark is present. */
  public static Optional<Ownership> from(Map<String, String> userProperties) {
    String owner = userProperties.get(OWNER);
    if (owner == null || owner.isEmpty() || "-".equals(owner)) {
      return Optional.empty();
    }
    Optional<SnapshotName> origin = Optional.empty();
    String o = userProperties.get(CLONE_ORIGIN);
    if (o != null && o.indexOf('@') > 0) {
      try {
        origin = Optional.of(SnapshotName.parse(o));
      } catch (RuntimeException e) {
        origin = Optional.empty();
      }
    }
    Instant created = Instant.EPOCH;
    String c = userProperties.get(CREATED);
    if (c != null) {
      try {
        created = Instant.parse(c);
      } catch (DateTimeParseException e) {
        created = Instant.EPOCH;
      }
    }
    return Optional.of(
        new Ownership(owner, userProperties.getOrDefault(ROLE, ""), origin, created));
  }
}

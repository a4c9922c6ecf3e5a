package dev.kldload.zfs;

import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;

/** The in-memory fake keeps the {@link ZfsContract}. */
class InMemoryZfsTest extends ZfsContract {
  private InMemoryZfs zfs;

  @BeforeEach
  void setUp() {
    zfs =
        InMemoryZfs.withPool(
            Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC),
            "tank",
            ByteSize.parse("10G"));
    zfs.createFilesystem(DatasetName.of("tank/test"), Map.of());
  }

  @Override
  protected Zfs zfs() {
    return zfs;
  }

  @Override
  protected DatasetName sandbox() {
    return DatasetName.of("tank/test");
  }
}

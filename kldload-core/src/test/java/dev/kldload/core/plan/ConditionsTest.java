package dev.kldload.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ConditionsTest {
  /** A clock that only moves when the waiter sleeps. */
  static final class FakeSleeper implements Conditions.Sleeper {
    long now;
    final List<Duration> sleeps = new ArrayList<>();

    @Override
    public void sleep(Duration duration) {
      sleeps.add(duration);
      now += duration.toNanos();
    }

    @Override
    public long nanoTime() {
      return now;
    }
  }

  @Test
  @DisplayName("polls with exponential backoff until the condition holds")
  void backoff() throws Exception {
    FakeSleeper sleeper = new FakeSleeper();
    Conditions conditions =
        new Conditions(
            sleeper, new CancellationToken(), Duration.ofMillis(100), Duration.ofSeconds(1));
    AtomicInteger calls = new AtomicInteger();
    String lease =
        conditions.await(
            "DHCP lease",
            Duration.ofMinutes(1),
            () -> calls.incrementAndGet() < 6 ? Optional.empty() : Optional.of("192.168.122.10"));
    assertThat(lease).isEqualTo("192.168.122.10");
    assertThat(sleeper.sleeps)
        .containsExactly(
            Duration.ofMillis(100),
            Duration.ofMillis(200),
            Duration.ofMillis(400),
            Duration.ofMillis(800),
            Duration.ofSeconds(1));
  }

  @Test
  @DisplayName("fails with TIMEOUT naming what it waited for and the last error seen")
  void timeout() {
    FakeSleeper sleeper = new FakeSleeper();
    Conditions conditions =
        new Conditions(
            sleeper, new CancellationToken(), Duration.ofMillis(100), Duration.ofSeconds(5));
    assertThatThrownBy(
            () ->
                conditions.awaitTrue(
                    "node web01 Ready",
                    Duration.ofSeconds(10),
                    () -> {
                      throw new IllegalStateException("connection refused");
                    }))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT);
              assertThat(e.getMessage())
                  .isEqualTo("timed out after 10s waiting for node web01 Ready");
              assertThat(e.hint()).contains("last seen: connection refused");
            });
    assertThat(Duration.ofNanos(sleeper.now)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  @DisplayName("a cancelled token stops the wait")
  void cancelled() {
    CancellationToken token = new CancellationToken();
    token.cancel();
    Conditions conditions =
        new Conditions(new FakeSleeper(), token, Duration.ofMillis(1), Duration.ofMillis(1));
    assertThatThrownBy(() -> conditions.awaitTrue("anything", Duration.ofSeconds(1), () -> false))
        .isInstanceOf(InterruptedException.class);
  }
}

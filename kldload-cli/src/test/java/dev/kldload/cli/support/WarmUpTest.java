package dev.kldload.cli.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class WarmUpTest {
  @Command(name = "probe")
  static final class Probe implements Runnable {
    final List<String> events;

    Probe(List<String> events) {
      this.events = events;
    }

    @Override
    public void run() {
      events.add("command");
    }
  }

  /** Its initialiser fails as JNA's does when libvirt.so is missing. */
  static final class Unloadable {
    static final int VALUE = load();

    static int load() {
      throw new UnsatisfiedLinkError("libnothing.so: cannot open shared object file");
    }
  }

  @Test
  @DisplayName("the command starts only after the warm-up has ended, and the warm-up is a daemon")
  void commandAfterWarmUp() throws InterruptedException {
    List<String> events = new CopyOnWriteArrayList<>();
    CountDownLatch started = new CountDownLatch(1);
    WarmUp warmUp =
        WarmUp.start(
            () -> {
              assertThat(Thread.currentThread().isDaemon()).isTrue();
              started.countDown();
              sleep(200);
              events.add("warm-up");
            });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    CommandLine commandLine = new CommandLine(new Probe(events));
    commandLine.setExecutionStrategy(warmUp.strategy());
    assertThat(commandLine.execute()).isZero();
    assertThat(events).containsExactly("warm-up", "command");
  }

  @Test
  @DisplayName(
      "a failing warm-up prints nothing; the command's own use of what failed fails there, as a"
          + " class that could not initialise")
  void failureSurfacesInTheCommand() {
    WarmUp warmUp = WarmUp.start(() -> assertThat(Unloadable.VALUE).isZero());
    warmUp.await();
    assertThatThrownBy(() -> assertThat(Unloadable.VALUE).isZero())
        .isInstanceOf(NoClassDefFoundError.class);
  }

  @Test
  @DisplayName("no work, no thread: awaiting it returns at once")
  void nothing() {
    assertThat(WarmUp.start(WarmUp.NOTHING)).isSameAs(WarmUp.none());
    WarmUp.none().await();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

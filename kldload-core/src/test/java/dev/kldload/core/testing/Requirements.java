package dev.kldload.core.testing;

import dev.kldload.core.process.Programs;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Test tiers that need a real engine (root, libvirt, wireguard-go, sshd) call {@link #require}: on
 * a laptop a missing engine skips the test with the reason; with {@code CI=true} it fails, so CI
 * can never pass by skipping.
 */
public final class Requirements {
  private Requirements() {}

  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  public static void require(boolean condition, String reason) {
    if (condition) {
      return;
    }
    if (inCi()) {
      Assertions.fail("CI=true and a required engine is missing: " + reason);
    }
    Assumptions.abort("skipped: " + reason);
  }

  public static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  public static boolean onPath(String program) {
    return Programs.which(program).isPresent();
  }
}

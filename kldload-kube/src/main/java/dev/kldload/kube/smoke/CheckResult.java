package dev.kldload.kube.smoke;

import dev.kldload.core.ErrorKind;
import java.time.Duration;
import java.util.Optional;

/**
 * One check's result: the catalogue entry's fields, the outcome, its evidence and duration; {@code
 * cause} tells a failure to reach something (unavailable, timed out) from a wrong answer.
 */
public record CheckResult(
    String id,
    Section section,
    Severity severity,
    String title,
    Outcome outcome,
    String evidence,
    Optional<String> hint,
    Duration duration,
    Optional<ErrorKind> cause) {}

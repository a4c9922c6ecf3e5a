package dev.kldload.cli.logging;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from a log line before it is written anywhere: PEM private key blocks (whole, or
 * line by line through {@link #redactLine}), WireGuard {@code PrivateKey}/{@code PresharedKey}
 * lines, and the value after words such as token, password, secret, bearer or certificate-key (as
 * {@code key: value}, {@code key=value} or {@code --key value}). Over-eager on purpose: a log line
 * that loses a harmless word is cheaper than one that keeps a key.
 */
public final class Redactor {
  static final String REDACTED = "<redacted>";

  private static final Pattern PEM_BLOCK =
      Pattern.compile(
          "-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----.*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|\\z)",
          Pattern.DOTALL);
  private static final Pattern PEM_BEGIN = Pattern.compile("-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----");
  private static final Pattern PEM_END = Pattern.compile("-----END [A-Z0-9 ]*PRIVATE KEY-----");
  private static final List<Pattern> VALUES =
      List.of(
          Pattern.compile("(?i)\\b(Private|Preshared)Key(\\s*=\\s*)\\S+"),
          Pattern.compile(
              "(?i)(\\b|--)(token|password|passwd|passphrase|secret|private[-_ ]?key|"
                  + "certificate[-_]key|client[-_]key[-_]data|bearer)"
                  + "([\"']?\\s*[:=]\\s*[\"']?|\\s+)(?!<redacted>)[^\\s\"',;:=][^\\s\"',;]*"));

  /** An Authorization header: the rest of the line, whatever the scheme. */
  private static final Pattern AUTHORIZATION =
      Pattern.compile("(?i)\\b(authorization[\"']?\\s*[:=]\\s*)[^\\r\\n]+");

  private boolean inPem;

  /** Redacts one complete message (may span lines). Stateless. */
  public static String redact(String message) {
    String out = PEM_BLOCK.matcher(message).replaceAll(REDACTED);
    out = VALUES.get(0).matcher(out).replaceAll("$1Key$2" + Matcher.quoteReplacement(REDACTED));
    out = AUTHORIZATION.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(REDACTED));
    out = VALUES.get(1).matcher(out).replaceAll("$1$2$3" + Matcher.quoteReplacement(REDACTED));
    return out;
  }

  /**
   * Redacts the next line of a stream (stderr, line by line): a PEM private key printed over
   * several lines is dropped from its BEGIN line to its END line.
   */
  public synchronized String redactLine(String line) {
    if (inPem) {
      if (PEM_END.matcher(line).find()) {
        inPem = false;
      }
      return null;
    }
    if (PEM_BEGIN.matcher(line).find() && !PEM_END.matcher(line).find()) {
      inPem = true;
      return redact(
              line.substring(
                  0, PEM_BEGIN.matcher(line).results().findFirst().orElseThrow().start()))
          + REDACTED;
    }
    return redact(line);
  }
}

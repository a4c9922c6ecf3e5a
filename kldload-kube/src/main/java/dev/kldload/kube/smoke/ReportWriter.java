package dev.kldload.kube.smoke;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.StringWriter;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Renders a {@link SmokeReport} as text: the table for people (sections, result words, counts;
 * colour only when asked), JSON ({@link JsonReport}), JUnit XML (one testsuite per section, per
 * node for a cluster's node checks, one testcase per check) and TAP version 13 (plan line first).
 * Results of a node name it: a JSON field, the testsuite, a {@code node: } prefix in table and TAP.
 */
public final class ReportWriter {
  private static final String GREEN = "\u001b[1;32m";
  private static final String RED = "\u001b[1;31m";
  private static final String YELLOW = "\u001b[1;33m";
  private static final String DIM = "\u001b[0;37m";
  private static final String CYAN = "\u001b[1;36m";
  private static final String RESET = "\u001b[0m";

  private ReportWriter() {}

  /**
   * The JSON document: one object, every result and the counts. Durations in milliseconds; {@code
   * unreachable} (only with {@code --cluster}, only when one did not answer) lists silent nodes.
   */
  public record JsonReport(
      String started,
      long elapsedMs,
      boolean interrupted,
      int exitCode,
      SmokeReport.Counts counts,
      List<JsonResult> results,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> unreachable) {}

  /** One result in the JSON document; {@code node} only on a node check of a --cluster run. */
  public record JsonResult(
      String id,
      String section,
      String severity,
      String title,
      String result,
      String evidence,
      String hint,
      long durationMs,
      @JsonInclude(JsonInclude.Include.NON_NULL) String node) {}

  public static String render(
      SmokeReport report, ReportFormat format, boolean strict, boolean color) {
    return switch (format) {
      case TABLE -> table(report, strict, color);
      case JSON -> json(report, strict);
      case JUNIT -> junit(report);
      case TAP -> tap(report);
    };
  }

  public static String table(SmokeReport report, boolean strict, boolean color) {
    StringBuilder sb = new StringBuilder();
    int width = report.results().stream().mapToInt(r -> r.label().length()).max().orElse(10);
    for (Map.Entry<Section, List<CheckResult>> section : report.bySection().entrySet()) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      sb.append(paint(color, CYAN, "=== " + section.getKey().title() + " ===")).append('\n');
      for (CheckResult r : section.getValue()) {
        String word = String.format("%-4s", r.outcome().name());
        sb.append("  ")
            .append(paint(color, colour(r.outcome()), word))
            .append("  ")
            .append(String.format("%-" + width + "s", r.label()))
            .append("  ")
            .append(r.evidence())
            .append('\n');
        if (r.hint().isPresent() && (r.outcome() == Outcome.FAIL || r.outcome() == Outcome.WARN)) {
          sb.append("  ")
              .append(" ".repeat(4 + 2 + width + 2))
              .append("hint: ")
              .append(r.hint().get())
              .append('\n');
        }
      }
    }
    SmokeReport.Counts n = report.counts();
    sb.append('\n')
        .append(
            String.format(
                Locale.ROOT,
                "%d checks in %.1fs: %s %d  %s %d  %s %d  %s %d%n",
                n.total(),
                report.elapsed().toMillis() / 1000.0,
                paint(color, GREEN, "PASS"),
                n.pass(),
                paint(color, RED, "FAIL"),
                n.fail(),
                paint(color, YELLOW, "WARN"),
                n.warn(),
                paint(color, DIM, "SKIP"),
                n.skip()));
    if (report.interrupted()) {
      sb.append("Interrupted: the checks after the last one shown did not run.\n");
    } else if (n.fail() > 0) {
      sb.append(n.fail())
          .append(n.fail() == 1 ? " critical failure" : " critical failures")
          .append(": fix before proceeding.\n");
    } else {
      sb.append("All critical checks passed.");
      if (n.warn() > 0) {
        sb.append(' ')
            .append(n.warn())
            .append(n.warn() == 1 ? " warning" : " warnings")
            .append(strict ? " (--strict: exit 3)." : ": review above.");
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String colour(Outcome o) {
    return switch (o) {
      case PASS -> GREEN;
      case FAIL -> RED;
      case WARN -> YELLOW;
      case SKIP -> DIM;
    };
  }

  private static String paint(boolean color, String code, String text) {
    return color ? code + text + RESET : text;
  }

  public static JsonReport jsonReport(SmokeReport report, boolean strict) {
    return new JsonReport(
        report.started().truncatedTo(ChronoUnit.MILLIS).toString(),
        report.elapsed().toMillis(),
        report.interrupted(),
        report.exitCode(strict).code(),
        report.counts(),
        report.results().stream()
            .map(
                r ->
                    new JsonResult(
                        r.id(),
                        r.section().id(),
                        r.severity().label(),
                        r.title(),
                        r.outcome().name(),
                        r.evidence(),
                        r.hint().orElse(null),
                        r.duration().toMillis(),
                        r.node().orElse(null)))
            .toList(),
        List.copyOf(report.unreachable()));
  }

  public static String json(SmokeReport report, boolean strict) {
    try {
      return new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(jsonReport(report, strict))
          + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * JUnit XML as Jenkins, GitLab and surefire's report parser read it: FAIL is a {@code failure}
   * with the evidence as message, SKIP is {@code skipped} with the reason, WARN passes with the
   * evidence in {@code system-out} (it fails nothing unless {@code --strict}).
   */
  public static String junit(SmokeReport report) {
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter xml = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(out);
      xml.writeStartDocument("UTF-8", "1.0");
      xml.writeCharacters("\n");
      SmokeReport.Counts n = report.counts();
      xml.writeStartElement("testsuites");
      xml.writeAttribute("name", "kube-smoke-test");
      xml.writeAttribute("tests", Integer.toString(n.total()));
      xml.writeAttribute("failures", Integer.toString(n.fail()));
      xml.writeAttribute("errors", "0");
      xml.writeAttribute("skipped", Integer.toString(n.skip()));
      xml.writeAttribute("time", seconds(report.elapsed()));
      xml.writeAttribute("timestamp", report.started().truncatedTo(ChronoUnit.SECONDS).toString());
      xml.writeCharacters("\n");
      for (Map.Entry<String, List<CheckResult>> suite : suites(report).entrySet()) {
        List<CheckResult> rs = suite.getValue();
        xml.writeCharacters("  ");
        xml.writeStartElement("testsuite");
        xml.writeAttribute("name", suite.getKey());
        xml.writeAttribute("tests", Integer.toString(rs.size()));
        xml.writeAttribute("failures", Long.toString(count(rs, Outcome.FAIL)));
        xml.writeAttribute("errors", "0");
        xml.writeAttribute("skipped", Long.toString(count(rs, Outcome.SKIP)));
        xml.writeAttribute(
            "time",
            seconds(rs.stream().map(CheckResult::duration).reduce(Duration.ZERO, Duration::plus)));
        xml.writeCharacters("\n");
        for (CheckResult r : rs) {
          xml.writeCharacters("    ");
          xml.writeStartElement("testcase");
          xml.writeAttribute("name", r.id());
          xml.writeAttribute("classname", suite.getKey());
          xml.writeAttribute("time", seconds(r.duration()));
          switch (r.outcome()) {
            case FAIL -> {
              xml.writeStartElement("failure");
              xml.writeAttribute("message", r.evidence());
              xml.writeAttribute("type", r.severity().label());
              xml.writeCharacters(
                  r.title() + ": " + r.evidence() + r.hint().map(h -> "\nhint: " + h).orElse(""));
              xml.writeEndElement();
            }
            case SKIP -> {
              xml.writeEmptyElement("skipped");
              xml.writeAttribute("message", r.evidence());
            }
            case WARN -> {
              xml.writeStartElement("system-out");
              xml.writeCharacters(
                  "WARN " + r.evidence() + r.hint().map(h -> "\nhint: " + h).orElse(""));
              xml.writeEndElement();
            }
            case PASS -> {
              xml.writeStartElement("system-out");
              xml.writeCharacters(r.evidence());
              xml.writeEndElement();
            }
          }
          xml.writeEndElement();
          xml.writeCharacters("\n");
        }
        xml.writeCharacters("  ");
        xml.writeEndElement();
        xml.writeCharacters("\n");
      }
      xml.writeEndElement();
      xml.writeCharacters("\n");
      xml.writeEndDocument();
      xml.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }

  /**
   * The testsuites: one per section for this machine's results and the cluster's, one per node for
   * the node checks of a {@code --cluster} run, in report order.
   */
  private static Map<String, List<CheckResult>> suites(SmokeReport report) {
    Map<String, List<CheckResult>> out = new LinkedHashMap<>();
    for (CheckResult r : report.results()) {
      String name = "kube-smoke-test." + r.node().orElse(r.section().id());
      out.computeIfAbsent(name, k -> new ArrayList<>()).add(r);
    }
    return out;
  }

  private static long count(List<CheckResult> rs, Outcome o) {
    return rs.stream().filter(r -> r.outcome() == o).count();
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
  }

  /**
   * TAP version 13: the plan line first, one test line per check, SKIP as a {@code # SKIP}
   * directive, and a YAML block with severity, section, evidence and hint under FAIL and WARN.
   */
  public static String tap(SmokeReport report) {
    StringBuilder sb = new StringBuilder("TAP version 13\n");
    List<CheckResult> results = report.results();
    sb.append("1..").append(results.size()).append('\n');
    int i = 0;
    for (CheckResult r : results) {
      i++;
      boolean ok = r.outcome() != Outcome.FAIL;
      sb.append(ok ? "ok " : "not ok ").append(i).append(" - ").append(escape(r.label()));
      if (r.outcome() == Outcome.SKIP) {
        sb.append(" # SKIP ").append(escape(r.evidence()));
      } else {
        sb.append(": ").append(escape(r.evidence()));
      }
      sb.append('\n');
      if (r.outcome() == Outcome.FAIL || r.outcome() == Outcome.WARN) {
        sb.append("  ---\n");
        sb.append("  result: ").append(r.outcome().name()).append('\n');
        sb.append("  severity: ").append(r.severity().label()).append('\n');
        sb.append("  section: ").append(r.section().id()).append('\n');
        r.node().ifPresent(n -> sb.append("  node: ").append(yamlString(n)).append('\n'));
        sb.append("  evidence: ").append(yamlString(r.evidence())).append('\n');
        r.hint().ifPresent(h -> sb.append("  hint: ").append(yamlString(h)).append('\n'));
        sb.append("  duration_ms: ").append(r.duration().toMillis()).append('\n');
        sb.append("  ...\n");
      }
    }
    if (report.interrupted()) {
      sb.append("Bail out! interrupted\n");
    }
    return sb.toString();
  }

  /** A '#' would start a directive; TAP escapes it (and the backslash) with a backslash. */
  private static String escape(String text) {
    return text.replace("\\", "\\\\").replace("#", "\\#").replace("\n", " ");
  }

  private static String yamlString(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}

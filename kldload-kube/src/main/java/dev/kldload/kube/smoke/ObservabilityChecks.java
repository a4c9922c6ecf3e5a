package dev.kldload.kube.smoke;

import dev.kldload.core.KldloadException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Metrics the suite's own install exposes (kube-init's Cilium values enable the agent's Prometheus
 * endpoint and Hubble metrics), read on this node's loopback only. The original's Prometheus,
 * Tetragon, Grafana and Ollama checks are left out: this suite installs none of them.
 */
final class ObservabilityChecks {
  /** Cilium chart defaults; kube-init's values leave the ports as they are. */
  static final URI CILIUM_AGENT = URI.create("http://127.0.0.1:9962/metrics");

  static final URI HUBBLE = URI.create("http://127.0.0.1:9965/metrics");
  private static final Pattern CILIUM_VERSION =
      Pattern.compile("(?m)^cilium_version\\{([^}]*)\\}\\s+1(?:\\.0)?\\s*$");
  private static final Pattern VERSION_LABEL = Pattern.compile("version=\"([^\"]+)\"");

  private ObservabilityChecks() {}

  static List<Check> all() {
    List<Check> checks = new ArrayList<>();
    checks.add(
        new Check(
            "observability.cilium-agent",
            Section.OBSERVABILITY,
            Severity.WARNING,
            "the Cilium agent's metrics answer on loopback with cilium_version",
            c -> NodeChecks.memberOnly(c, () -> ciliumAgent(c))));
    checks.add(
        new Check(
            "observability.hubble",
            Section.OBSERVABILITY,
            Severity.WARNING,
            "Hubble's metrics answer on loopback with hubble_* series",
            c -> NodeChecks.memberOnly(c, () -> hubble(c))));
    return checks;
  }

  /** Scrapes {@code url} and judges its body; no answer or a non-200 status is the problem. */
  private static Verdict scrape(SmokeContext c, URI url, Function<String, Verdict> judge) {
    SmokeNode.HttpReply reply;
    try {
      reply = c.node().get(url, c.timeout());
    } catch (KldloadException e) {
      return Verdict.problem(
              e.getMessage(),
              "is the Cilium agent running on this node? kubectl -n kube-system get pods -o wide")
          .because(e.kind());
    }
    if (reply.status() != 200) {
      return Verdict.problem(
          "GET " + url + " answered " + reply.status(), "kubectl -n kube-system get pods -o wide");
    }
    return judge.apply(reply.body());
  }

  static Verdict ciliumAgent(SmokeContext c) {
    return scrape(
        c,
        CILIUM_AGENT,
        body -> {
          Matcher m = CILIUM_VERSION.matcher(body);
          if (!m.find()) {
            return Verdict.problem(
                CILIUM_AGENT + " has no cilium_version series",
                "Grafana's Cilium dashboards need it: check prometheus.enabled in the Cilium"
                    + " values");
          }
          Matcher version = VERSION_LABEL.matcher(m.group(1));
          return Verdict.pass("cilium_version " + (version.find() ? version.group(1) : m.group(1)));
        });
  }

  static Verdict hubble(SmokeContext c) {
    return scrape(
        c,
        HUBBLE,
        body -> {
          long series = body.lines().filter(l -> l.startsWith("hubble_")).count();
          return series > 0
              ? Verdict.pass(series + " hubble_* series")
              : Verdict.problem(
                  HUBBLE + " answers without hubble_* series", "check hubble.metrics.enabled");
        });
  }
}

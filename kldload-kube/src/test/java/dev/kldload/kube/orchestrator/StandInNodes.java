package dev.kldload.kube.orchestrator;

import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import dev.kldload.core.value.HostName;
import dev.kldload.kube.ssh.KnownHosts;
import dev.kldload.kube.ssh.OpenSshServer;
import dev.kldload.kube.ssh.SshTarget;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Stand-in Kubernetes nodes — NOT a real cluster. Each node is a real OpenSSH {@code sshd} (key
 * authentication only, its own host key) on its own loopback port, in its own mount namespace
 * ({@code unshare -m}): {@code /etc} is an overlay on a tmpfs there, so what the node writes under
 * {@code /etc/kubernetes} and {@code /etc/kldload} stays in it, and its {@code /usr/local/bin}
 * holds stand-in scripts for {@code kube-init}, {@code kube-join}, {@code kubeadm} and {@code
 * kubectl}. The stand-ins record their argv with nanosecond times in the node's {@code rec/}
 * directory (outside the namespace, for the test to read) and answer like the real programs; the
 * API they touch is fabric8's mock server, where kube-init creates the first node and the system
 * pods and kube-join creates its node, Ready.
 *
 * <p>Network namespaces were not used: loopback ports keep the fixture to one sshd process per
 * node.
 */
final class StandInNodes implements AutoCloseable {
  private static final Path SSHD = Path.of("/usr/sbin/sshd");

  final Path dir;
  final Path clientKey;
  final KnownHosts knownHosts;
  private final Map<String, Node> nodes = new LinkedHashMap<>();

  /** One node: where its sshd answers, what it records. */
  record Node(String name, int port, Path home, Process sshd) {
    Path rec() {
      return home.resolve("rec");
    }

    List<String> calls() throws IOException {
      Path calls = rec().resolve("calls");
      return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    /** Lines of a record file; empty when the stand-ins wrote none. */
    List<String> recorded(String file) throws IOException {
      Path f = rec().resolve(file);
      return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    /** Makes the next {@code program} call fail ({@code once}) or every call fail. */
    void failNext(String program, boolean once) throws IOException {
      Files.writeString(rec().resolve("fail-" + program), once ? "once" : "always");
    }
  }

  private StandInNodes(Path dir, Path clientKey, KnownHosts knownHosts) {
    this.dir = dir;
    this.clientKey = clientKey;
    this.knownHosts = knownHosts;
  }

  /** Starts one stand-in node per name; {@code api} is the mock API server's base URL. */
  static StandInNodes start(Path dir, List<NodeRecord> records, String api) throws Exception {
    Files.createDirectories(Path.of("/run/sshd"));
    Files.createDirectories(dir);
    OpenSshServer.keygen(dir.resolve("client_ed25519"));
    StandInNodes out =
        new StandInNodes(
            dir, dir.resolve("client_ed25519"), KnownHosts.at(dir.resolve("known_hosts")));
    try {
      for (NodeRecord record : records) {
        out.nodes.put(
            record.name(),
            out.startNode(
                record, api, (int) records.stream().filter(r -> r.role() == Role.WORKER).count()));
      }
    } catch (Exception e) {
      out.close();
      throw e;
    }
    return out;
  }

  Node node(String name) {
    return nodes.get(name);
  }

  List<Node> all() {
    return List.copyOf(nodes.values());
  }

  SshTarget target(NodeRecord record) {
    return new SshTarget(
        HostName.of(record.name()), "127.0.0.1", nodes.get(record.name()).port(), "root");
  }

  private Node startNode(NodeRecord record, String api, int workers) throws Exception {
    Path home = Files.createDirectories(dir.resolve(record.name()));
    Files.createDirectories(home.resolve("rec"));
    Files.createDirectories(home.resolve("ns"));
    Path bin = Files.createDirectories(home.resolve("bin"));
    OpenSshServer.keygen(home.resolve("host_ed25519"));
    knownHosts.pin(
        HostName.of(record.name()), Files.readString(home.resolve("host_ed25519.pub")).strip());
    Files.copy(dir.resolve("client_ed25519.pub"), home.resolve("authorized_keys"));
    Map<String, String> scripts =
        StandInScripts.all(
            record,
            home.resolve("rec").toString(),
            api.replaceAll("/$", ""),
            Files.createDirectories(dir.resolve("barrier")).toString(),
            workers);
    for (Map.Entry<String, String> e : scripts.entrySet()) {
      Path script = bin.resolve(e.getKey());
      Files.writeString(script, e.getValue(), StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path config = home.resolve("sshd_config");
    Files.writeString(
        config,
        OpenSshServer.config(
            port,
            home.resolve("host_ed25519"),
            home.resolve("sshd.pid"),
            home.resolve("authorized_keys"),
            "root"),
        StandardCharsets.UTF_8);
    Path ns = home.resolve("ns");
    String setup =
        String.join(
            "\n",
            "set -e",
            "mount -t tmpfs standin " + ns,
            "mkdir -p " + ns + "/upper " + ns + "/work",
            "mount -t overlay overlay -o lowerdir=/etc,upperdir="
                + ns
                + "/upper,workdir="
                + ns
                + "/work /etc",
            "mkdir -p /etc/kubernetes /etc/kldload",
            "mount --bind " + bin + " /usr/local/bin",
            "exec " + SSHD + " -D -e -f " + config);
    Path log = home.resolve("sshd.log");
    Process sshd =
        new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c", setup)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    int bound = port;
    Conditions.system(new CancellationToken())
        .awaitTrue(
            "stand-in node " + record.name() + " on 127.0.0.1:" + port,
            Duration.ofSeconds(15),
            () -> {
              if (!sshd.isAlive()) {
                throw new IllegalStateException("sshd exited: " + Files.readString(log));
              }
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", bound), 200);
                return true;
              } catch (IOException e) {
                return false;
              }
            });
    return new Node(record.name(), port, home, sshd);
  }

  /** Every sshd log line of every node. */
  List<String> sshdLogs() throws IOException {
    List<String> out = new ArrayList<>();
    for (Node node : nodes.values()) {
      out.addAll(Files.readAllLines(node.home().resolve("sshd.log")));
    }
    return out;
  }

  @Override
  public void close() {
    for (Node node : nodes.values()) {
      node.sshd().destroy();
      try {
        if (!node.sshd().waitFor(5, TimeUnit.SECONDS)) {
          node.sshd().destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

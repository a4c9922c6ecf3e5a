package dev.kldload.kube.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.Cidr;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.HostName;
import dev.kldload.kube.cluster.MockApi;
import dev.kldload.kube.cluster.fabric8.Fabric8Cluster;
import dev.kldload.net.InMemoryHostNetwork;
import dev.kldload.net.NetworkPlan;
import dev.kldload.zfs.Dataset;
import dev.kldload.zfs.InMemoryZfs;
import dev.kldload.zfs.Ownership;
import dev.kldload.zfs.Zfs;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kube-init's whole sequence on a scratch root: kubeadm, helm and kubectl are scripted, the cluster
 * is fabric8's KubernetesMockServer in CRUD mode (a mock: the test writes the status a controller
 * would, e.g. a ready Cilium DaemonSet).
 */
@EnableKubernetesMockClient(crud = true)
class KubeInitMockServerTest {
  static final String TOKEN = "abcdef.0123456789abcdef";
  static final String HASH = "sha256:" + "0123456789abcdef".repeat(4);

  KubernetesClient client;
  @TempDir Path root;

  void write(String rel, String content) {
    try {
      Files.createDirectories(root.resolve(rel).getParent());
      Files.writeString(root.resolve(rel), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ScriptedRunner runner;
  Fabric8Cluster cluster;
  final List<String> warnings = new ArrayList<>();

  /** A node with kubeadm, helm and kubectl, a bundle and a lock; runs kube-init on it. */
  PlanResult init(Supplier<Zfs> zfs) throws Exception {
    prepare();
    return run(zfs);
  }

  /** Set when the Cilium chart's install fails (a failure after kubeadm init). */
  boolean ciliumFails;

  /** The API VIP the run is given. */
  Optional<InetAddress> vip = Optional.empty();

  static final String CERT_KEY = "0a".repeat(32);

  static final String SA_TOKEN = "eyJhbGciOiJSUzI1NiJ9." + "a".repeat(40) + ".sig";

  /** Set when kubectl create token fails (an optional component). */
  boolean tokenFails;

  void prepare() throws Exception {
    // what kube-network init 1 leaves on the node
    write("etc/wireguard/wg-k8s.conf", "[Interface]\nAddress = 10.251.0.1/24\nMTU = 1420\n");
    for (String p : List.of("kubeadm", "kubectl", "helm")) {
      write("usr/bin/" + p, "");
      Files.setPosixFilePermissions(
          root.resolve("usr/bin/" + p), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    StringBuilder lock = new StringBuilder("kubernetes: v1.32.3\ncharts:\n");
    for (String chart : List.of("cilium", "metallb", "zfs-localpv", "metrics-server", "tetragon")) {
      write("bundle/helm-charts/" + chart + ".tgz", chart);
      lock.append("  - {name: ")
          .append(chart)
          .append(", version: 1.0.0, file: helm-charts/")
          .append(chart)
          .append(".tgz, sha256: ")
          .append(KubeSetup.sha256(root.resolve("bundle/helm-charts/" + chart + ".tgz")))
          .append("}\n");
    }
    lock.append("manifests:\n");
    for (String manifest : List.of("gateway-api", "local-path-provisioner")) {
      write("bundle/k8s-manifests/" + manifest + ".yaml", manifest);
      lock.append("  - {name: ")
          .append(manifest)
          .append(", version: v1.0.0, file: k8s-manifests/")
          .append(manifest)
          .append(".yaml, sha256: ")
          .append(KubeSetup.sha256(root.resolve("bundle/k8s-manifests/" + manifest + ".yaml")))
          .append("}\n");
    }
    write("lock.yaml", lock.toString());

    client
        .nodes()
        .resource(
            MockApi.nodeBuilder("cp-1", true)
                .withNewSpec()
                .addNewTaint()
                .withKey("node-role.kubernetes.io/control-plane")
                .withEffect("NoSchedule")
                .endTaint()
                .endSpec()
                .build())
        .create();
    MockApi.deployment(client, "metallb-system", "metallb-controller", 1, 1);

    runner =
        new ScriptedRunner()
            .on(
                "kubeadm",
                a -> {
                  if (a.get(1).equals("init") && a.get(2).equals("--config")) {
                    write("etc/kubernetes/admin.conf", "apiVersion: v1\nkind: Config\n");
                    write("etc/kubernetes/manifests/kube-apiserver.yaml", "kind: Pod\n");
                  }
                  return 0;
                })
            .output(
                "kubeadm",
                a ->
                    a.get(1).equals("token")
                        ? "kubeadm join 10.251.0.1:6443 --token "
                            + TOKEN
                            + " --discovery-token-ca-cert-hash "
                            + HASH
                            + "\n"
                        : a.contains("upload-certs") && a.contains("phase")
                            ? "[upload-certs] Storing the certificates in Secret \"kubeadm-certs\"\n"
                                + "[upload-certs] Using certificate key:\n"
                                + CERT_KEY
                                + "\n"
                            : "")
            .on(
                "helm",
                a -> {
                  if (a.get(3).equals("cilium") && ciliumFails) {
                    return 1;
                  }
                  // what the chart's pods do once they run: the mock has no controllers
                  if (a.get(3).equals("cilium")) {
                    MockApi.daemonSet(client, "kube-system", "cilium", 1, 1);
                  }
                  return 0;
                })
            .on(
                "kubectl",
                a ->
                    a.contains("get") && !a.contains("csr") || a.contains("token") && tokenFails
                        ? 1
                        : 0)
            .output(
                "kubectl",
                a ->
                    a.contains("csr")
                        ? "csr-1 system:node:cp-1\ncsr-2 system:node:stranger\n"
                        : a.contains("token") && !tokenFails ? SA_TOKEN + "\n" : "");
  }

  PlanResult run(Supplier<Zfs> zfs) throws Exception {
    NodeSystem sys = new NodeSystem(root, runner);
    cluster = new Fabric8Cluster(client, MockApi.quickConditions());
    KubeInit init =
        new KubeInit(
            sys,
            zfs,
            () -> cluster,
            () -> {
              throw new AssertionError("the request names the node's address");
            },
            Instant.now(),
            warnings::add);
    return PlanEngine.quiet(2)
        .run(
            init.plan(
                new KubeInit.Request(
                    Optional.of(HostName.of("cp-1")),
                    "kldload",
                    NetworkPlan.defaults(),
                    Optional.empty(),
                    Optional.of(Cidr.parseAddress("192.168.122.10")),
                    vip,
                    root.resolve("lock.yaml"),
                    root.resolve("bundle"),
                    "/etc/wireguard",
                    Optional.of("enp1s0"),
                    Optional.of("registry.example/kube-vip/kube-vip:v1.2.4"))),
            false);
  }

  @Test
  @DisplayName(
      "runs kubeadm, installs the charts from the bundle, applies our manifests, mints the join command")
  void wholeSequence() throws Exception {
    PlanResult result =
        init(
            () -> {
              throw new AssertionError("/ is not on ZFS here");
            });
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.OK);
    assertThat(runner.calls)
        .contains(
            List.of(
                "kubeadm",
                "init",
                "--config",
                root.resolve("etc/kldload/kube-init/kubeadm.yaml").toString(),
                "--upload-certs"));
    assertThat(runner.calls.stream().filter(c -> c.get(0).equals("helm")).map(c -> c.get(3)))
        .containsExactlyInAnyOrder("cilium", "metallb", "metrics-server", "tetragon");
    assertThat(
            runner.calls.stream()
                .filter(c -> c.get(0).equals("helm") && c.get(3).equals("tetragon"))
                .findFirst()
                .orElseThrow())
        .contains(root.resolve("etc/kldload/kube-init/tetragon-values.yaml").toString());
    Path token = root.resolve("var/lib/kldload/kubelet-token");
    assertThat(token).hasContent(SA_TOKEN);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token)))
        .as("the original wrote it 0644")
        .isEqualTo("rw-------");
    assertThat(
            client
                .serviceAccounts()
                .inNamespace("kube-system")
                .withName("prometheus-kubelet")
                .get())
        .isNotNull();
    assertThat(client.rbac().clusterRoles().withName("prometheus-kubelet").get().getRules())
        .hasSize(2);
    assertThat(runner.calls)
        .contains(
            List.of(
                "kubectl",
                "--kubeconfig",
                root.resolve("etc/kubernetes/admin.conf").toString(),
                "certificate",
                "approve",
                "csr-1"));
    assertThat(runner.calls.stream().filter(c -> c.contains("approve"))).hasSize(1);
    assertThat(Files.readString(root.resolve("etc/kldload/kube-init/cilium-values.yaml")))
        .contains("MTU: 1370");
    assertThat(cluster.node("cp-1").orElseThrow().taints()).isEmpty();
    assertThat(
            client
                .genericKubernetesResources(
                    new ResourceDefinitionContext.Builder()
                        .withGroup("metallb.io")
                        .withVersion("v1beta1")
                        .withKind("IPAddressPool")
                        .withPlural("ipaddresspools")
                        .withNamespaced(true)
                        .build())
                .inNamespace("metallb-system")
                .withName("kldload-pool")
                .get())
        .isNotNull();
    Path join = root.resolve("etc/kldload/join-command");
    assertThat(Files.readString(join))
        .isEqualTo(
            "kubeadm join 10.251.0.1:6443 --token "
                + TOKEN
                + " --discovery-token-ca-cert-hash "
                + HASH
                + "\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(join)))
        .isEqualTo("rw-------");
    assertThat(runner.calls)
        .as("/ is not on ZFS: the local-path provisioner is the default class")
        .contains(
            List.of(
                "kubectl",
                "--kubeconfig",
                root.resolve("etc/kubernetes/admin.conf").toString(),
                "apply",
                "-f",
                root.resolve("bundle/k8s-manifests/local-path-provisioner.yaml").toString()),
            List.of(
                "kubectl",
                "--kubeconfig",
                root.resolve("etc/kubernetes/admin.conf").toString(),
                "annotate",
                "--overwrite",
                "storageclass",
                "local-path",
                "storageclass.kubernetes.io/is-default-class=true"));
    assertThat(warnings).anySatisfy(w -> assertThat(w).contains("not on ZFS", "local-path"));
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(root.resolve("root/.kube/config"))))
        .isEqualTo("rw-------");
  }

  @Test
  @DisplayName(
      "a failure after kubeadm init: the re-run resumes (no kubeadm init, no kube-reset asked)")
  void resumesAfterKubeadmInit() throws Exception {
    prepare();
    ciliumFails = true;
    Supplier<Zfs> noZfs =
        () -> {
          throw new AssertionError("/ is not on ZFS here");
        };
    PlanResult failed = run(noZfs);
    assertThat(failed.exitCode()).as(failed.toString()).isNotEqualTo(ExitCode.OK);
    assertThat(root.resolve("etc/kldload/join-command")).doesNotExist();

    ciliumFails = false;
    PlanResult resumed = run(noZfs);
    assertThat(resumed.exitCode()).as(resumed.toString()).isEqualTo(ExitCode.OK);
    assertThat(
            runner.calls.stream().filter(c -> c.subList(0, 2).equals(List.of("kubeadm", "init"))))
        .as("kubeadm init runs once over both runs")
        .hasSize(1);
    assertThat(root.resolve("etc/kldload/join-command")).exists();
  }

  @Test
  @DisplayName(
      "with a VIP: the certificate key is written 0600 beside the join command, and kube-join"
          + " reads both from the same paths by default")
  void joinMaterialAgrees(@TempDir Path joiner) throws Exception {
    vip = Optional.of(Cidr.parseAddress("192.168.122.240"));
    PlanResult result =
        init(
            () -> {
              throw new AssertionError("/ is not on ZFS here");
            });
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.OK);
    assertThat(
            runner.calls.stream()
                .filter(c -> c.containsAll(List.of("kubeadm", "phase", "upload-certs"))))
        .singleElement()
        .satisfies(c -> assertThat(c).doesNotContain("--certificate-key"));
    assertThat(root.resolve("etc/kubernetes/manifests/kube-vip.yaml"))
        .content()
        .contains("image: registry.example/kube-vip/kube-vip:v1.2.4", "value: enp1s0");
    Path key = root.resolve(JoinCommand.CERTIFICATE_KEY_FILE.substring(1));
    assertThat(key).hasContent(CERT_KEY);
    for (String file : List.of(JoinCommand.FILE, JoinCommand.CERTIFICATE_KEY_FILE)) {
      Path p = root.resolve(file.substring(1));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
          .as(file)
          .isEqualTo("rw-------");
      // what the orchestrator does: the same file at the same path on the joining node
      Files.createDirectories(joiner.resolve(file.substring(1)).getParent());
      Files.copy(p, joiner.resolve(file.substring(1)));
      Files.setPosixFilePermissions(
          joiner.resolve(file.substring(1)), PosixFilePermissions.fromString("rw-------"));
    }
    List<String> joinConfigs = new ArrayList<>();
    ScriptedRunner joinRunner =
        new ScriptedRunner()
            .on(
                "kubeadm",
                a -> {
                  try {
                    joinConfigs.add(Files.readString(Path.of(a.get(a.indexOf("--config") + 1))));
                    // what kubeadm join leaves on a control plane
                    Files.createDirectories(joiner.resolve("etc/kubernetes"));
                    Files.writeString(
                        joiner.resolve("etc/kubernetes/admin.conf"), "kind: Config\n");
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                  return 0;
                });
    PlanResult joined =
        PlanEngine.quiet(1)
            .run(
                new KubeJoin(
                        new NodeSystem(joiner, joinRunner),
                        () -> {
                          throw new AssertionError("/ is not on ZFS here");
                        },
                        () -> new InMemoryHostNetwork().address("enp1s0", "192.168.122.11/24"),
                        Instant.now())
                    .plan(
                        new KubeJoin.Request(
                            ApiEndpoint.parse("10.251.0.1", 6443),
                            Optional.empty(),
                            true,
                            Optional.empty(),
                            Optional.of(Cidr.parseAddress("10.251.0.2")),
                            vip,
                            Optional.empty(),
                            Optional.of("registry.example/kube-vip/kube-vip:v1.2.4"))),
                false);
    assertThat(joined.exitCode()).as(joined.toString()).isEqualTo(ExitCode.OK);
    assertThat(joiner.resolve("etc/kubernetes/manifests/kube-vip.yaml"))
        .as("the joined control plane holds the VIP too, with admin.conf")
        .content()
        .contains("value: enp1s0", "value: 192.168.122.240", "path: /etc/kubernetes/admin.conf");
    assertThat(joinConfigs)
        .singleElement()
        .satisfies(
            c ->
                assertThat(c)
                    .contains("token: " + TOKEN, "- " + HASH)
                    .contains("certificateKey: " + CERT_KEY, "advertiseAddress: 10.251.0.2"));
  }

  @Test
  @DisplayName(
      "an optional component that fails (the kubelet-scrape token) gives exit 3, the rest done")
  void optionalComponentFails() throws Exception {
    prepare();
    tokenFails = true;
    PlanResult result =
        run(
            () -> {
              throw new AssertionError("/ is not on ZFS here");
            });
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.DEGRADED);
    assertThat(root.resolve("var/lib/kldload/kubelet-token")).doesNotExist();
    assertThat(root.resolve("etc/kldload/join-command")).exists();
    assertThat(runner.calls.stream().filter(c -> c.get(0).equals("helm")).map(c -> c.get(3)))
        .contains("metallb", "metrics-server", "tetragon");
  }

  @Test
  @DisplayName("a control plane kube-init did not set up is refused, naming kube-reset")
  void refusesForeignControlPlane() throws Exception {
    prepare();
    write("etc/kubernetes/manifests/kube-apiserver.yaml", "kind: Pod\n");
    assertThatThrownBy(
            () ->
                run(
                    () -> {
                      throw new AssertionError("/ is not on ZFS here");
                    }))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
              assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h).contains("kube-reset"));
            })
        .hasMessageContaining("did not set it up");
  }

  @Test
  @DisplayName(
      "on a ZFS root: a pre-init snapshot, and ZFS LocalPV's parent dataset created with our marks")
  void zfsRoot() throws Exception {
    write("proc/self/mounts", "rpool/ROOT/debian / zfs rw 0 0\n");
    InMemoryZfs zfs = InMemoryZfs.withPool(Clock.systemUTC(), "rpool", ByteSize.parse("10G"));
    PlanResult result = init(() -> zfs);
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.OK);
    assertThat(runner.calls.stream().filter(c -> c.get(0).equals("helm")).map(c -> c.get(3)))
        .contains("zfs-localpv");
    assertThat(runner.calls).noneMatch(c -> c.contains("local-path"));
    assertThat(warnings).isEmpty();
    Dataset volumes = zfs.dataset(DatasetName.of("rpool/k8s-volumes")).orElseThrow();
    assertThat(volumes.ownership().map(Ownership::owner)).contains("kube-init");
    assertThat(volumes.ownership().map(Ownership::role)).contains("k8s-volumes");
    assertThat(zfs.property(volumes.name(), "mountpoint")).contains("none");
    assertThat(zfs.snapshots(DatasetName.of("rpool"), false))
        .singleElement()
        .satisfies(s -> assertThat(s.name().toString()).startsWith("rpool@pre-kube-init-"));
  }
}

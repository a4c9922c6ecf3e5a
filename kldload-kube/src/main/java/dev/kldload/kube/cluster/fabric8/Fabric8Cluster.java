package dev.kldload.kube.cluster.fabric8;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Conditions;
import dev.kldload.kube.cluster.Cluster;
import dev.kldload.kube.cluster.NodeInfo;
import dev.kldload.kube.cluster.PodInfo;
import dev.kldload.kube.cluster.PodRequest;
import dev.kldload.kube.cluster.Taint;
import dev.kldload.kube.cluster.WorkloadStatus;
import io.fabric8.kubernetes.api.Pluralize;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link Cluster} on the fabric8 client (JDK HTTP client, no vert.x). Objects are created or
 * replaced with plain create/update calls (no server-side apply), so it also works against
 * fabric8's CRUD mock server. Waits poll through {@link Conditions} with a deadline.
 */
public final class Fabric8Cluster implements Cluster {
  /** The kubelet's mark on the API's copy of a static pod, which no eviction can move. */
  static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";

  private final KubernetesClient client;
  private final Conditions conditions;

  public Fabric8Cluster(KubernetesClient client, Conditions conditions) {
    this.client = client;
    this.conditions = conditions;
  }

  /** Connects with a kubeconfig file and, optionally, one of its contexts. */
  public static Fabric8Cluster open(
      Path kubeconfig, Optional<String> context, Conditions conditions) {
    String text;
    try {
      text = Files.readString(kubeconfig, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw KldloadException.notFound(
          "kubeconfig " + kubeconfig + " cannot be read: " + e.getMessage(),
          "run kube-init on the control plane, or give --kubeconfig");
    }
    Kubeconfigs.parse(text, kubeconfig.toString());
    Config config = Config.fromKubeconfig(context.orElse(null), text, kubeconfig.toString());
    // a command answers "unreachable" in seconds; waits with deadlines are the caller's business
    config.setRequestRetryBackoffLimit(1);
    config.setConnectionTimeout(5_000);
    return new Fabric8Cluster(new KubernetesClientBuilder().withConfig(config).build(), conditions);
  }

  @Override
  public List<NodeInfo> nodes() {
    return call("list nodes", () -> client.nodes().list().getItems()).stream()
        .map(Fabric8Cluster::toInfo)
        .toList();
  }

  @Override
  public Optional<NodeInfo> node(String name) {
    return Optional.ofNullable(call("get node " + name, () -> client.nodes().withName(name).get()))
        .map(Fabric8Cluster::toInfo);
  }

  @Override
  public void label(String node, String key, Optional<String> value) {
    requireNode(node);
    call(
        "label node " + node,
        () ->
            client
                .nodes()
                .withName(node)
                .edit(
                    n -> {
                      Map<String, String> labels =
                          new HashMap<>(
                              Objects.requireNonNullElse(n.getMetadata().getLabels(), Map.of()));
                      value.ifPresentOrElse(v -> labels.put(key, v), () -> labels.remove(key));
                      n.getMetadata().setLabels(labels);
                      return n;
                    }));
  }

  @Override
  public void taint(String node, Taint taint) {
    requireNode(node);
    call(
        "taint node " + node,
        () ->
            client
                .nodes()
                .withName(node)
                .edit(
                    n -> {
                      List<io.fabric8.kubernetes.api.model.Taint> taints = taints(n);
                      taints.removeIf(
                          t ->
                              t.getKey().equals(taint.key())
                                  && t.getEffect().equals(taint.effect()));
                      taints.add(
                          new io.fabric8.kubernetes.api.model.Taint(
                              taint.effect(), taint.key(), null, taint.value().orElse(null)));
                      n.getSpec().setTaints(taints);
                      return n;
                    }));
  }

  @Override
  public void untaint(String node, String key, Optional<String> effect) {
    requireNode(node);
    call(
        "untaint node " + node,
        () ->
            client
                .nodes()
                .withName(node)
                .edit(
                    n -> {
                      List<io.fabric8.kubernetes.api.model.Taint> taints = taints(n);
                      taints.removeIf(
                          t ->
                              t.getKey().equals(key)
                                  && effect.map(e -> e.equals(t.getEffect())).orElse(true));
                      n.getSpec().setTaints(taints);
                      return n;
                    }));
  }

  @Override
  public void cordon(String node) {
    requireNode(node);
    call(
        "cordon node " + node,
        () ->
            client
                .nodes()
                .withName(node)
                .edit(
                    n -> {
                      if (n.getSpec() == null) {
                        n.setSpec(new NodeSpec());
                      }
                      n.getSpec().setUnschedulable(true);
                      return n;
                    }));
  }

  @Override
  public List<String> drain(String node, Duration timeout) throws InterruptedException {
    requireNode(node);
    List<String> evicted = new ArrayList<>();
    List<String> left = new ArrayList<>();
    try {
      conditions.awaitTrue(
          "the pods on node " + node + " to be evicted",
          timeout,
          () -> {
            List<Pod> pods = evictable(node);
            left.clear();
            pods.forEach(
                p -> left.add(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()));
            for (Pod p : pods) {
              String ns = p.getMetadata().getNamespace();
              String name = p.getMetadata().getName();
              // false: a disruption budget refused it for now; the next round asks again
              if (call(
                      "evict pod " + ns + "/" + name,
                      () -> client.pods().inNamespace(ns).withName(name).evict())
                  && !evicted.contains(ns + "/" + name)) {
                evicted.add(ns + "/" + name);
              }
            }
            left.clear();
            evictable(node)
                .forEach(
                    p ->
                        left.add(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()));
            return left.isEmpty();
          });
    } catch (KldloadException e) {
      if (e.kind() != ErrorKind.TIMEOUT || left.isEmpty()) {
        throw e;
      }
      throw new KldloadException(
          ErrorKind.TIMEOUT,
          "node "
              + node
              + " still runs "
              + String.join(", ", left)
              + " after "
              + timeout.toSeconds()
              + " s of evictions",
          "a disruption budget may hold them: check with kubectl get pdb -A, or give more time",
          e);
    }
    return evicted;
  }

  /** The pods a drain moves off {@code node}: not a DaemonSet's, not a static pod's mirror. */
  private List<Pod> evictable(String node) {
    return call("list pods on node " + node, () -> client.pods().inAnyNamespace().list())
        .getItems()
        .stream()
        // filtered here, not by a spec.nodeName field selector: clusters this size list all pods
        // in one answer, and the result cannot depend on which selectors a server implements
        .filter(p -> p.getSpec() != null && node.equals(p.getSpec().getNodeName()))
        .filter(
            p ->
                Objects.requireNonNullElse(
                        p.getMetadata().getOwnerReferences(), List.<OwnerReference>of())
                    .stream()
                    .noneMatch(o -> "DaemonSet".equals(o.getKind())))
        .filter(
            p ->
                !Objects.requireNonNullElse(
                        p.getMetadata().getAnnotations(), Map.<String, String>of())
                    .containsKey(MIRROR_ANNOTATION))
        .toList();
  }

  @Override
  public boolean deleteNode(String node) {
    return !call("delete node " + node, () -> client.nodes().withName(node).delete()).isEmpty();
  }

  @Override
  public NodeInfo awaitNodeReady(String node, Duration timeout) throws InterruptedException {
    return conditions.await(
        "node " + node + " to be Ready", timeout, () -> node(node).filter(NodeInfo::ready));
  }

  @Override
  public List<String> apply(String yaml) {
    List<String> applied = new ArrayList<>();
    for (HasMetadata object : parseAll(yaml)) {
      String what = object.getKind() + "/" + object.getMetadata().getName();
      if (object instanceof GenericKubernetesResource generic) {
        // custom resources (MetalLB, snapshot classes): address them without API discovery
        call(
            "apply " + what,
            () -> {
              var resources = client.genericKubernetesResources(definition(generic));
              String ns = generic.getMetadata().getNamespace();
              return (ns == null
                      ? resources.resource(generic)
                      : resources.inNamespace(ns).resource(generic))
                  .createOr(NonDeletingOperation::update);
            });
      } else {
        call("apply " + what, () -> client.resource(object).createOr(NonDeletingOperation::update));
      }
      applied.add(what);
    }
    return applied;
  }

  private static ResourceDefinitionContext definition(GenericKubernetesResource r) {
    String apiVersion = r.getApiVersion();
    int slash = apiVersion.indexOf('/');
    return new ResourceDefinitionContext.Builder()
        .withGroup(slash < 0 ? "" : apiVersion.substring(0, slash))
        .withVersion(apiVersion.substring(slash + 1))
        .withKind(r.getKind())
        .withPlural(Pluralize.toPlural(r.getKind().toLowerCase(Locale.ROOT)))
        .withNamespaced(r.getMetadata().getNamespace() != null)
        .build();
  }

  private List<HasMetadata> parseAll(String yaml) {
    List<HasMetadata> out = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (doc.isBlank()) {
        continue;
      }
      Object parsed;
      try {
        parsed = client.getKubernetesSerialization().unmarshal(doc);
      } catch (RuntimeException e) {
        throw KldloadException.invalid(
            "manifest is not a Kubernetes object: " + e.getMessage(), "check the YAML");
      }
      if (!(parsed instanceof HasMetadata object) || object.getMetadata() == null) {
        throw KldloadException.invalid(
            "manifest document has no kind or metadata",
            "every document needs kind and metadata.name");
      }
      out.add(object);
    }
    return out;
  }

  @Override
  public List<PodInfo> pods(String namespace) {
    return call(
            "list pods in " + namespace,
            () -> client.pods().inNamespace(namespace).list().getItems())
        .stream()
        .map(Fabric8Cluster::toInfo)
        .toList();
  }

  @Override
  public Optional<WorkloadStatus> daemonSet(String namespace, String name) {
    DaemonSet ds =
        call(
            "get daemonset " + namespace + "/" + name,
            () -> client.apps().daemonSets().inNamespace(namespace).withName(name).get());
    if (ds == null) {
      return Optional.empty();
    }
    var s = ds.getStatus();
    boolean current = observed(ds, s == null ? null : s.getObservedGeneration());
    return Optional.of(
        new WorkloadStatus(
            WorkloadStatus.Kind.DAEMON_SET,
            namespace,
            name,
            s == null ? 0 : zero(s.getDesiredNumberScheduled()),
            s == null || !current ? 0 : zero(s.getNumberReady()),
            s == null || !current ? 0 : zero(s.getUpdatedNumberScheduled()),
            s == null || !current ? 0 : zero(s.getNumberAvailable())));
  }

  @Override
  public Optional<WorkloadStatus> deployment(String namespace, String name) {
    Deployment d =
        call(
            "get deployment " + namespace + "/" + name,
            () -> client.apps().deployments().inNamespace(namespace).withName(name).get());
    if (d == null) {
      return Optional.empty();
    }
    var s = d.getStatus();
    boolean current = observed(d, s == null ? null : s.getObservedGeneration());
    int desired =
        d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    return Optional.of(
        new WorkloadStatus(
            WorkloadStatus.Kind.DEPLOYMENT,
            namespace,
            name,
            desired,
            s == null || !current ? 0 : zero(s.getReadyReplicas()),
            s == null || !current ? 0 : zero(s.getUpdatedReplicas()),
            s == null || !current ? 0 : zero(s.getAvailableReplicas())));
  }

  @Override
  public WorkloadStatus awaitWorkloadReady(
      WorkloadStatus.Kind kind, String namespace, String name, Duration timeout)
      throws InterruptedException {
    return conditions.await(
        kind.label() + " " + namespace + "/" + name + " to be ready",
        timeout,
        () -> {
          Optional<WorkloadStatus> status =
              kind == WorkloadStatus.Kind.DAEMON_SET
                  ? daemonSet(namespace, name)
                  : deployment(namespace, name);
          if (status.isEmpty()) {
            throw new IllegalStateException(
                kind.label() + " " + namespace + "/" + name + " does not exist");
          }
          if (!status.get().complete()) {
            throw new IllegalStateException(status.get().display());
          }
          return status;
        });
  }

  @Override
  public boolean readyz() {
    String body = call("GET /readyz", () -> client.raw("/readyz"));
    return body != null && body.strip().equals("ok");
  }

  @Override
  public String serverVersion() {
    return call("get /version", () -> client.getKubernetesVersion()).getGitVersion();
  }

  @Override
  public Optional<Integer> readyEndpoints(String namespace, String service) {
    Endpoints endpoints =
        call(
            "get endpoints " + namespace + "/" + service,
            () -> client.endpoints().inNamespace(namespace).withName(service).get());
    if (endpoints == null || endpoints.getSubsets() == null) {
      return Optional.empty();
    }
    int ready =
        endpoints.getSubsets().stream()
            .mapToInt(s -> s.getAddresses() == null ? 0 : s.getAddresses().size())
            .sum();
    return ready == 0 ? Optional.empty() : Optional.of(ready);
  }

  @Override
  public PodInfo createPod(PodRequest request) {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace(request.namespace())
            .withName(request.name())
            .withLabels(request.labels())
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy("Never")
            .withNodeName(request.nodeName().orElse(null))
            .withTerminationGracePeriodSeconds(0L)
            .withAutomountServiceAccountToken(false)
            .addNewToleration()
            .withOperator("Exists")
            .endToleration()
            .addNewContainer()
            .withName("smoke")
            .withImage(request.image())
            .withImagePullPolicy("Never")
            .withCommand(request.command().isEmpty() ? null : request.command())
            .endContainer()
            .endSpec()
            .build();
    return toInfo(
        call(
            "create pod " + request.namespace() + "/" + request.name(),
            () -> client.pods().inNamespace(request.namespace()).resource(pod).create()));
  }

  @Override
  public Optional<PodInfo> pod(String namespace, String name) {
    return Optional.ofNullable(
            call(
                "get pod " + namespace + "/" + name,
                () -> client.pods().inNamespace(namespace).withName(name).get()))
        .map(Fabric8Cluster::toInfo);
  }

  @Override
  public boolean deletePod(String namespace, String name) {
    return !call(
            "delete pod " + namespace + "/" + name,
            () -> client.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete())
        .isEmpty();
  }

  @Override
  public String podLog(String namespace, String name) {
    return Objects.requireNonNullElse(
        call(
            "read log of pod " + namespace + "/" + name,
            () -> client.pods().inNamespace(namespace).withName(name).getLog()),
        "");
  }

  @Override
  public int nodeMetrics() {
    return call("read node metrics", () -> client.top().nodes().metrics()).getItems().size();
  }

  @Override
  public void close() {
    client.close();
  }

  /** A status written for an older generation says nothing about the current spec. */
  private static boolean observed(HasMetadata object, Long observedGeneration) {
    Long generation = object.getMetadata().getGeneration();
    return generation == null || observedGeneration == null || observedGeneration >= generation;
  }

  private void requireNode(String node) {
    if (node(node).isEmpty()) {
      throw KldloadException.notFound(
          "node " + node + " does not exist in the cluster", "list nodes with kube-status");
    }
  }

  private static List<io.fabric8.kubernetes.api.model.Taint> taints(Node n) {
    if (n.getSpec() == null) {
      n.setSpec(new NodeSpec());
    }
    return new ArrayList<>(Objects.requireNonNullElse(n.getSpec().getTaints(), List.of()));
  }

  static NodeInfo toInfo(Node n) {
    Map<String, String> labels = Objects.requireNonNullElse(n.getMetadata().getLabels(), Map.of());
    List<String> roles =
        labels.keySet().stream()
            .filter(k -> k.startsWith(NodeInfo.ROLE_PREFIX))
            .map(k -> k.substring(NodeInfo.ROLE_PREFIX.length()))
            .filter(r -> !r.isEmpty())
            .sorted()
            .toList();
    var status = n.getStatus();
    boolean ready =
        status != null
            && status.getConditions() != null
            && status.getConditions().stream()
                .anyMatch(
                    (NodeCondition c) ->
                        "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    Optional<String> ip =
        status == null || status.getAddresses() == null
            ? Optional.empty()
            : status.getAddresses().stream()
                .filter((NodeAddress a) -> "InternalIP".equals(a.getType()))
                .map(NodeAddress::getAddress)
                .findFirst();
    String version =
        status == null || status.getNodeInfo() == null
            ? ""
            : Objects.requireNonNullElse(status.getNodeInfo().getKubeletVersion(), "");
    List<Taint> taints =
        n.getSpec() == null || n.getSpec().getTaints() == null
            ? List.of()
            : n.getSpec().getTaints().stream()
                .map(t -> new Taint(t.getKey(), Optional.ofNullable(t.getValue()), t.getEffect()))
                .toList();
    return new NodeInfo(n.getMetadata().getName(), ready, roles, ip, version, labels, taints);
  }

  static PodInfo toInfo(Pod p) {
    var status = p.getStatus();
    boolean ready =
        status != null
            && status.getConditions() != null
            && status.getConditions().stream()
                .anyMatch(
                    (PodCondition c) ->
                        "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    int restarts =
        status == null || status.getContainerStatuses() == null
            ? 0
            : status.getContainerStatuses().stream()
                .map(ContainerStatus::getRestartCount)
                .filter(Objects::nonNull)
                .mapToInt(Integer::intValue)
                .sum();
    return new PodInfo(
        p.getMetadata().getNamespace(),
        p.getMetadata().getName(),
        status == null || status.getPhase() == null ? "Unknown" : status.getPhase(),
        ready,
        Optional.ofNullable(p.getSpec() == null ? null : p.getSpec().getNodeName()),
        Optional.ofNullable(status == null ? null : status.getPodIP()),
        restarts);
  }

  private static int zero(Integer value) {
    return value == null ? 0 : value;
  }

  /** Runs one API call, translating the client's exceptions at the edge. */
  private static <T> T call(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (KubernetesClientException e) {
      throw translate(what, e);
    }
  }

  static KldloadException translate(String what, KubernetesClientException e) {
    int code = e.getCode();
    String reason =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : String.valueOf(e.getMessage());
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        code = 0;
        reason =
            t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        break;
      }
    }
    return switch (code) {
      case 404 ->
          new KldloadException(ErrorKind.NOT_FOUND, what + ": not found: " + reason, null, e);
      case 409 ->
          new KldloadException(ErrorKind.CONFLICT, what + ": conflict: " + reason, "re-run", e);
      case 401, 403 ->
          new KldloadException(
              ErrorKind.PERMISSION,
              what + ": forbidden: " + reason,
              "check the kubeconfig's credentials",
              e);
      case 0 ->
          new KldloadException(
              ErrorKind.UNAVAILABLE,
              what + ": API server unreachable: " + reason,
              "check that the control plane is up and the kubeconfig's server address",
              e);
      default -> new KldloadException(ErrorKind.FAILED, what + ": " + reason, null, e);
    };
  }
}

package dev.kldload.kube.cluster;

import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetricsBuilder;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetricsListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;

/**
 * Objects for fabric8's KubernetesMockServer in CRUD mode, shared by the mock-server tests. The
 * mock runs no kubelet or controllers, so each object carries the status they would have written.
 */
public final class MockApi {
  private MockApi() {}

  /**
   * Waits that poll every 20 ms and at most every 100 ms: the mock answers at once, so a test need
   * not sit out {@link Conditions#system}'s back-off.
   */
  public static Conditions quickConditions() {
    return new Conditions(
        Conditions.SYSTEM, new CancellationToken(), Duration.ofMillis(20), Duration.ofMillis(100));
  }

  /** A node whose only condition is Ready, True or False; callers add roles, taints, addresses. */
  public static NodeBuilder nodeBuilder(String name, boolean ready) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .endCondition()
        .endStatus();
  }

  /** Writes {@link #nodeBuilder}'s node, replacing one of that name (a node that goes NotReady). */
  public static Node node(KubernetesClient client, String name, boolean ready) {
    return client.nodes().resource(nodeBuilder(name, ready).build()).createOr(o -> o.update());
  }

  /** A pod in {@code namespace} that the kubelet has moved to {@code phase} ("Running"). */
  public static Pod pod(KubernetesClient client, String namespace, String name, String phase) {
    return client
        .pods()
        .inNamespace(namespace)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewStatus()
                .withPhase(phase)
                .endStatus()
                .build())
        .create();
  }

  /** A DaemonSet scheduled and updated on {@code desired} nodes, {@code ready} of them ready. */
  public static DaemonSet daemonSet(
      KubernetesClient client, String namespace, String name, int desired, int ready) {
    return client
        .apps()
        .daemonSets()
        .inNamespace(namespace)
        .resource(
            new DaemonSetBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewStatus()
                .withDesiredNumberScheduled(desired)
                .withNumberReady(ready)
                .withUpdatedNumberScheduled(desired)
                .withNumberAvailable(ready)
                .endStatus()
                .build())
        .create();
  }

  /** A Deployment of {@code replicas}, all updated, {@code ready} of them ready and available. */
  public static Deployment deployment(
      KubernetesClient client, String namespace, String name, int replicas, int ready) {
    return client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .endSpec()
                .withNewStatus()
                .withReadyReplicas(ready)
                .withUpdatedReplicas(replicas)
                .withAvailableReplicas(ready)
                .endStatus()
                .build())
        .create();
  }

  /** A Service's Endpoints: one subset with the ready and the not-ready pod addresses. */
  public static Endpoints endpoints(
      KubernetesClient client,
      String namespace,
      String name,
      List<String> ready,
      List<String> notReady) {
    EndpointSubsetBuilder subset = new EndpointSubsetBuilder();
    ready.forEach(ip -> subset.addNewAddress().withIp(ip).endAddress());
    notReady.forEach(ip -> subset.addNewNotReadyAddress().withIp(ip).endNotReadyAddress());
    return client
        .endpoints()
        .inNamespace(namespace)
        .resource(
            new EndpointsBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .addToSubsets(subset.build())
                .build())
        .create();
  }

  /**
   * Answers the metrics API's node list, every time it is asked, with an entry for each of {@code
   * nodes}: the CRUD mock serves no metrics.k8s.io of its own.
   */
  public static void nodeMetrics(KubernetesMockServer server, String... nodes) {
    NodeMetricsListBuilder list = new NodeMetricsListBuilder();
    for (String node : nodes) {
      list.addToItems(
          new NodeMetricsBuilder().withNewMetadata().withName(node).endMetadata().build());
    }
    server
        .expect()
        .get()
        .withPath("/apis/metrics.k8s.io/v1beta1/nodes")
        .andReturn(200, list.build())
        .always();
  }
}

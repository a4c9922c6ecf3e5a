package dev.kldload.kube.render;

import static dev.kldload.kube.render.Yaml.map;
import static dev.kldload.kube.render.Yaml.object;

import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.HostName;
import dev.kldload.kube.KubeNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every file {@code kube-init} installs, rendered by us so that {@code --dry-run} shows exactly
 * what would be applied: the kubeadm configuration, Helm values for Cilium and metrics-server, and
 * the manifests for MetalLB, the Gateway API class and ZFS LocalPV storage.
 */
public final class ControlPlaneArtifacts {
  public static final String METALLB_NAMESPACE = "metallb-system";
  public static final String METALLB_POOL = "kldload-pool";
  public static final String ZFS_PROVISIONER = "zfs.csi.openebs.io";
  public static final String PROMETHEUS_KUBELET = "prometheus-kubelet";

  private final HostName node;
  private final String clusterName;
  private final String kubernetesVersion;
  private final KubeNetwork network;

  public ControlPlaneArtifacts(
      HostName node, String clusterName, String kubernetesVersion, KubeNetwork network) {
    this.node = node;
    this.clusterName = clusterName;
    this.kubernetesVersion = kubernetesVersion;
    this.network = network;
  }

  /**
   * kubeadm {@code InitConfiguration} + {@code ClusterConfiguration} + {@code KubeletConfiguration}
   * (v1beta4). No kube-proxy (Cilium replaces it); the API server advertises and the kubelet runs
   * on the wg-k8s address so that node traffic rides the mesh; kubelets request serving
   * certificates from the cluster CA ({@code serverTLSBootstrap}) so metrics-server can verify
   * them.
   */
  public String kubeadmConfig() {
    String advertise = network.wgK8sAddress().getHostAddress();
    Map<String, Object> init =
        map(
            "apiVersion",
            "kubeadm.k8s.io/v1beta4",
            "kind",
            "InitConfiguration",
            "localAPIEndpoint",
            map("advertiseAddress", advertise, "bindPort", network.apiPort()),
            "nodeRegistration",
            map(
                "name",
                node.value(),
                "criSocket",
                "unix:///run/containerd/containerd.sock",
                "kubeletExtraArgs",
                List.of(map("name", "node-ip", "value", advertise))),
            "skipPhases",
            List.of("addon/kube-proxy"));
    Map<String, Object> cluster =
        map(
            "apiVersion",
            "kubeadm.k8s.io/v1beta4",
            "kind",
            "ClusterConfiguration",
            "clusterName",
            clusterName,
            "kubernetesVersion",
            kubernetesVersion);
    network.controlPlaneEndpoint().ifPresent(e -> cluster.put("controlPlaneEndpoint", e));
    cluster.put(
        "networking",
        map(
            "podSubnet",
            network.podCidr().toString(),
            "serviceSubnet",
            network.serviceCidr().toString(),
            "dnsDomain",
            "cluster.local"));
    cluster.put("apiServer", map("certSANs", network.certSans()));
    cluster.put("proxy", map("disabled", true));
    Map<String, Object> kubelet =
        map(
            "apiVersion",
            "kubelet.config.k8s.io/v1beta1",
            "kind",
            "KubeletConfiguration",
            "cgroupDriver",
            "systemd",
            "serverTLSBootstrap",
            true);
    return Yaml.documents(List.of(init, cluster, kubelet));
  }

  /**
   * Cilium chart values: kube-proxy replacement talking to the API directly, cluster-pool IPAM on
   * the pod network, VXLAN with the MTU that fits inside WireGuard, Hubble relay and UI with
   * metrics, and the Gateway API controller.
   */
  public String ciliumValues() {
    String context =
        "sourceContext=workload-name;destinationContext=workload-name;"
            + "labelsContext=source_namespace,destination_namespace";
    Map<String, Object> values =
        map(
            "kubeProxyReplacement",
            true,
            "k8sServiceHost",
            network.apiHost(),
            "k8sServicePort",
            network.apiPort(),
            "routingMode",
            "tunnel",
            "tunnelProtocol",
            "vxlan",
            "MTU",
            network.ciliumMtu(),
            "ipam",
            map(
                "mode",
                "cluster-pool",
                "operator",
                map("clusterPoolIPv4PodCIDRList", List.of(network.podCidr().toString()))),
            "hubble",
            map(
                "enabled",
                true,
                "relay",
                map("enabled", true),
                "ui",
                map("enabled", true),
                "metrics",
                map(
                    "enableOpenMetrics",
                    true,
                    "enabled",
                    List.of(
                        "dns",
                        "drop:" + context,
                        "tcp",
                        "flow:" + context,
                        "port-distribution",
                        "icmp",
                        "httpV2:exemplars=true;labelsContext=source_ip,source_namespace,"
                            + "source_workload,destination_ip,destination_namespace,"
                            + "destination_workload,traffic_direction"))),
            "prometheus",
            map("enabled", true),
            "operator",
            map("replicas", 1, "prometheus", map("enabled", true)),
            "gatewayAPI",
            map("enabled", true));
    return Yaml.document(values);
  }

  /** The GatewayClass Cilium's Gateway API controller serves. */
  public String gatewayClass() {
    Map<String, Object> gc = object("gateway.networking.k8s.io/v1", "GatewayClass", "cilium", null);
    gc.put("spec", map("controllerName", "io.cilium/gateway-controller"));
    return Yaml.document(gc);
  }

  /** MetalLB: one address pool (the plan's range) announced on layer 2. */
  public String metallb() {
    Map<String, Object> pool =
        object("metallb.io/v1beta1", "IPAddressPool", METALLB_POOL, METALLB_NAMESPACE);
    pool.put("spec", map("addresses", List.of(network.metallbRange())));
    Map<String, Object> l2 =
        object("metallb.io/v1beta1", "L2Advertisement", "kldload-l2", METALLB_NAMESPACE);
    l2.put("spec", map("ipAddressPools", List.of(METALLB_POOL)));
    return Yaml.documents(List.of(pool, l2));
  }

  /**
   * OpenEBS ZFS LocalPV storage under {@code parent}: StorageClass {@code zfs} (default, 128k
   * records, general use), {@code zfs-db} (8k records, matching database pages), and the default
   * VolumeSnapshotClass.
   */
  @SuppressWarnings("unchecked")
  public static String zfsStorage(DatasetName parent) {
    List<Map<String, Object>> docs = new ArrayList<>();
    docs.add(storageClass("zfs", parent, "128k", true));
    docs.add(storageClass("zfs-db", parent, "8k", false));
    Map<String, Object> snap =
        object("snapshot.storage.k8s.io/v1", "VolumeSnapshotClass", "zfs-snapshot", null);
    ((Map<String, Object>) snap.get("metadata"))
        .put("annotations", map("snapshot.storage.kubernetes.io/is-default-class", "true"));
    snap.put("driver", ZFS_PROVISIONER);
    snap.put("deletionPolicy", "Delete");
    docs.add(snap);
    return Yaml.documents(docs);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> storageClass(
      String name, DatasetName parent, String recordsize, boolean isDefault) {
    Map<String, Object> sc = object("storage.k8s.io/v1", "StorageClass", name, null);
    if (isDefault) {
      ((Map<String, Object>) sc.get("metadata"))
          .put("annotations", map("storageclass.kubernetes.io/is-default-class", "true"));
    }
    sc.put("provisioner", ZFS_PROVISIONER);
    sc.put(
        "parameters",
        map(
            "poolname",
            parent.value(),
            "fstype",
            "zfs",
            "recordsize",
            recordsize,
            "compression",
            "lz4",
            "dedup",
            "off"));
    sc.put("reclaimPolicy", "Delete");
    sc.put("volumeBindingMode", "WaitForFirstConsumer");
    sc.put("allowVolumeExpansion", true);
    return sc;
  }

  /**
   * metrics-server chart values. No {@code --kubelet-insecure-tls}: kubelets get CA-signed serving
   * certificates ({@code serverTLSBootstrap} above, approved by kube-init).
   */
  public static String metricsServerValues() {
    return Yaml.document(
        map(
            "replicas",
            1,
            "args",
            List.of("--kubelet-preferred-address-types=InternalIP"),
            "metrics",
            map("enabled", false)));
  }

  /**
   * What Prometheus scrapes kubelets with (the original's bootstrap step 7): ServiceAccount {@code
   * prometheus-kubelet} in kube-system, a ClusterRole that may only read the kubelet's metrics,
   * proxy and stats endpoints and {@code /metrics}, and its binding.
   */
  public static String prometheusKubeletAccess() {
    String name = PROMETHEUS_KUBELET;
    Map<String, Object> account = object("v1", "ServiceAccount", name, "kube-system");
    Map<String, Object> role = object("rbac.authorization.k8s.io/v1", "ClusterRole", name, null);
    role.put(
        "rules",
        List.of(
            map(
                "apiGroups",
                List.of(""),
                "resources",
                List.of("nodes/metrics", "nodes/proxy", "nodes/stats"),
                "verbs",
                List.of("get")),
            map("nonResourceURLs", List.of("/metrics"), "verbs", List.of("get"))));
    Map<String, Object> binding =
        object("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", name, null);
    binding.put(
        "roleRef",
        map("apiGroup", "rbac.authorization.k8s.io", "kind", "ClusterRole", "name", name));
    binding.put(
        "subjects",
        List.of(map("kind", "ServiceAccount", "name", name, "namespace", "kube-system")));
    return Yaml.documents(List.of(account, role, binding));
  }

  /** Tetragon chart values, as the original installed it: process credentials and namespaces. */
  public static String tetragonValues() {
    return Yaml.document(
        map(
            "tetragon",
            map("enableProcessCred", true, "enableProcessNs", true),
            "tetragonOperator",
            map("install", true)));
  }
}

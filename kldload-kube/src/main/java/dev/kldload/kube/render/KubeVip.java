package dev.kldload.kube.render;

import static dev.kldload.kube.render.Yaml.map;
import static dev.kldload.kube.render.Yaml.object;

import dev.kldload.core.KldloadException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The kube-vip static pod that holds the API VIP (spec §2: ARP/layer 2 with leader election, as the
 * original): rendered by us, not by {@code kube-vip manifest pod}, so the dry-run shows it and no
 * container has to run before the cluster exists.
 *
 * @param address the VIP
 * @param iface the interface that carries the node's address on the VIP's network
 * @param image the pinned image (tag or digest; never latest)
 * @param port the API server port the VIP fronts
 * @param kubeconfig the node path kube-vip talks to the API with: on the first control plane during
 *     {@code kubeadm init} of Kubernetes 1.29 or later {@code super-admin.conf} (admin.conf has no
 *     rights until kubeadm binds them, which needs the VIP), else {@code admin.conf}
 */
public record KubeVip(
    InetAddress address, String iface, String image, int port, String kubeconfig) {
  /** Where kubeadm's kubelet runs static pods from. */
  public static final String MANIFEST = "/etc/kubernetes/manifests/kube-vip.yaml";

  private static final Pattern IFACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,14}");
  private static final Pattern IMAGE =
      Pattern.compile(
          "[a-z0-9][a-z0-9._/:-]*(:[A-Za-z0-9._-]+|@sha256:[0-9a-f]{64}|:[A-Za-z0-9._-]+@sha256:[0-9a-f]{64})");

  public KubeVip {
    if (iface == null || !IFACE.matcher(iface).matches()) {
      throw KldloadException.invalid(
          "'" + iface + "' is not an interface name", "give the LAN interface, e.g. enp1s0");
    }
    if (image == null || !IMAGE.matcher(image).matches() || image.endsWith(":latest")) {
      throw KldloadException.invalid(
          "kube-vip image '" + image + "' is not pinned",
          "give registry/kube-vip:TAG or registry/kube-vip@sha256:DIGEST (never latest)");
    }
    if (!kubeconfig.startsWith("/etc/kubernetes/")) {
      throw new IllegalArgumentException("kube-vip reads a kubeconfig under /etc/kubernetes");
    }
  }

  /** The Pod manifest kubelet starts from {@link #MANIFEST}. */
  public String manifest() {
    Map<String, Object> pod = object("v1", "Pod", "kube-vip", "kube-system");
    List<Map<String, Object>> env =
        List.of(
            env("vip_arp", "true"),
            env("port", Integer.toString(port)),
            env("vip_interface", iface),
            env("vip_cidr", "32"),
            env("cp_enable", "true"),
            env("cp_namespace", "kube-system"),
            env("vip_leaderelection", "true"),
            env("vip_leasename", "plndr-cp-lock"),
            env("vip_leaseduration", "5"),
            env("vip_renewdeadline", "3"),
            env("vip_retryperiod", "1"),
            env("address", address.getHostAddress()));
    Map<String, Object> container =
        map(
            "name",
            "kube-vip",
            "image",
            image,
            // offline nodes: the image comes from the bundle, never from a registry
            "imagePullPolicy",
            "IfNotPresent",
            "args",
            List.of("manager"),
            "env",
            env,
            "securityContext",
            map(
                "capabilities",
                map("add", List.of("NET_ADMIN", "NET_RAW"), "drop", List.of("ALL"))),
            "volumeMounts",
            List.of(map("name", "kubeconfig", "mountPath", "/etc/kubernetes/admin.conf")));
    pod.put(
        "spec",
        map(
            "containers",
            List.of(container),
            "hostAliases",
            List.of(map("ip", "127.0.0.1", "hostnames", List.of("kubernetes"))),
            "hostNetwork",
            true,
            "volumes",
            List.of(
                // kubeadm writes it (kubeconfig phase) before the kubelet starts this pod
                map("name", "kubeconfig", "hostPath", map("path", kubeconfig)))));
    return Yaml.document(pod);
  }

  private static Map<String, Object> env(String name, String value) {
    return map("name", name, "value", value);
  }
}

package dev.kldload.kube.render;

import static dev.kldload.kube.render.Yaml.map;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * kubeadm's {@code JoinConfiguration} (v1beta4) for one join: token discovery pinned to the CA
 * hash, containerd, and for a control plane its advertise address, the kubelet's node-ip on it, and
 * the certificate key. It holds the token (and key): written 0600 and removed after the join.
 *
 * @param endpoint the API endpoint, host:port
 * @param controlPlane present for a control-plane join
 */
public record KubeadmJoinConfig(
    String endpoint, String token, String caCertHash, Optional<ControlPlane> controlPlane) {

  /** What a control-plane join adds. */
  public record ControlPlane(String advertiseAddress, int bindPort, String certificateKey) {}

  public String render() {
    Map<String, Object> registration = map("criSocket", "unix:///run/containerd/containerd.sock");
    Map<String, Object> join =
        map(
            "apiVersion",
            "kubeadm.k8s.io/v1beta4",
            "kind",
            "JoinConfiguration",
            "discovery",
            map(
                "bootstrapToken",
                map(
                    "apiServerEndpoint",
                    endpoint,
                    "token",
                    token,
                    "caCertHashes",
                    List.of(caCertHash))),
            "nodeRegistration",
            registration);
    controlPlane.ifPresent(
        cp -> {
          // the kubelet on the address the API server advertises: node traffic on the mesh
          registration.put(
              "kubeletExtraArgs", List.of(map("name", "node-ip", "value", cp.advertiseAddress())));
          join.put(
              "controlPlane",
              map(
                  "localAPIEndpoint",
                  map("advertiseAddress", cp.advertiseAddress(), "bindPort", cp.bindPort()),
                  "certificateKey",
                  cp.certificateKey()));
        });
    return Yaml.document(join);
  }
}

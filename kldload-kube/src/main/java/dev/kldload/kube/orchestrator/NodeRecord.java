package dev.kldload.kube.orchestrator;

/**
 * One node as the manifest keeps it: every choice a resumed run must repeat (id, MAC, instance-id,
 * the public halves of its keys, its address on the libvirt network) and where it lives (its
 * hypervisor host's libvirt URI). Private halves are kept beside the manifest, in {@code
 * keys/<node>/}, never here.
 */
public record NodeRecord(
    String name,
    int id,
    Role role,
    int number,
    String host,
    String mac,
    String lanAddress,
    String instanceId,
    String mgmtAddress,
    String k8sAddress,
    String mgmtPublicKey,
    String k8sPublicKey,
    String sshHostKey) {

  NodeRecord withLanAddress(String address) {
    return new NodeRecord(
        name,
        id,
        role,
        number,
        host,
        mac,
        address,
        instanceId,
        mgmtAddress,
        k8sAddress,
        mgmtPublicKey,
        k8sPublicKey,
        sshHostKey);
  }
}

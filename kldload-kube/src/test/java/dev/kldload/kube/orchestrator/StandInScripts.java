package dev.kldload.kube.orchestrator;

import dev.kldload.kube.cluster.AdminConfs;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stand-in node programs (bash) of {@link StandInNodes} — NOT the real kubeadm or node tools.
 * Each appends "<nanos> <program> <argv…>" to {@code rec/calls}; a {@code rec/fail-<program>} file
 * makes it fail (once: the file is removed; always: it stays). kube-join also records the token of
 * the join command file it was handed ({@code rec/join-tokens}) and its start and end times ({@code
 * rec/window}). A worker's join waits (up to 20 s) at a barrier until every worker's join has
 * started, and records which it saw ({@code rec/saw}): joins run one after another never pass it.
 */
final class StandInScripts {
  private StandInScripts() {}

  /**
   * @param barrier the directory where workers' joins meet
   * @param workers how many workers join
   */
  static Map<String, String> all(
      NodeRecord node, String rec, String api, String barrier, int workers) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("kube-init", kubeInit(node, rec, api));
    out.put(
        "kube-join", kubeJoin(node, rec, api, barrier, node.role() == Role.WORKER ? workers : 0));
    out.put("kubeadm", kubeadm(rec));
    out.put("kubectl", kubectl(rec));
    return out;
  }

  private static String header(String program, String rec) {
    return String.join(
        "\n",
        "#!/bin/bash",
        "REC=" + rec,
        "echo \"$(date +%s%N) " + program + " $*\" >> $REC/calls",
        "if [ -e $REC/fail-" + program + " ]; then",
        "  grep -q once $REC/fail-" + program + " && rm -f $REC/fail-" + program,
        "  echo '" + program + ": injected failure' >&2",
        "  exit 1",
        "fi",
        "");
  }

  /** A Ready node object, as the kubelet would register it. */
  private static String nodeJson(NodeRecord node) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\""
        + node.name()
        + "\"},\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],"
        + "\"addresses\":[{\"type\":\"InternalIP\",\"address\":\""
        + node.k8sAddress().replaceFirst("/\\d+$", "")
        + "\"}],\"nodeInfo\":{\"kubeletVersion\":\"v1.32.3\"}}}";
  }

  private static String post(String api, String path, String json) {
    return "curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' "
        + api
        + path
        + " -d '"
        + json
        + "'";
  }

  private static String kubeInit(NodeRecord node, String rec, String api) {
    StringBuilder pods = new StringBuilder();
    for (String pod : new String[] {"etcd-" + node.name(), "cilium-operator", "coredns"}) {
      pods.append(
              post(
                  api,
                  "/api/v1/namespaces/kube-system/pods",
                  "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\""
                      + pod
                      + "\",\"namespace\":\"kube-system\"},\"spec\":{\"containers\":[{\"name\":\"c\","
                      + "\"image\":\"standin\"}]},\"status\":{\"phase\":\"Running\"}}"))
          .append("\n");
    }
    return header("kube-init", rec)
        + String.join(
            "\n",
            "umask 077",
            "cat > /etc/kubernetes/admin.conf <<'EOF'",
            AdminConfs.at("https://" + node.lanAddress() + ":6443") + "EOF",
            post(api, "/api/v1/nodes", nodeJson(node)),
            pods.toString(),
            "echo 'Your Kubernetes control-plane has initialized successfully! (stand-in)'",
            "");
  }

  private static String kubeJoin(
      NodeRecord node, String rec, String api, String barrier, int parties) {
    return header("kube-join", rec)
        + String.join(
            "\n",
            "start=$(date +%s%N)",
            "file=",
            "while [ $# -gt 0 ]; do",
            "  case $1 in --join-command) file=$2; shift;; esac",
            "  shift",
            "done",
            "[ \"$(stat -c %a \"$file\")\" = 600 ] || { echo \"$file is not 0600\" >&2; exit 1; }",
            "awk '{print $5}' \"$file\" >> $REC/join-tokens",
            // only workers meet there: a control plane's name would let a worker through alone
            parties > 0 ? "touch " + barrier + "/" + node.name() : ":",
            "if [ -e $REC/fail-join-attempt ]; then",
            "  grep -q once $REC/fail-join-attempt && rm -f $REC/fail-join-attempt",
            "  echo 'error execution phase preflight: token expired (stand-in)' >&2",
            "  exit 1",
            "fi",
            "for i in $(seq 200); do",
            "  [ $(ls " + barrier + " | wc -l) -ge " + parties + " ] && break",
            "  sleep 0.1",
            "done",
            "ls " + barrier + " > $REC/saw",
            post(api, "/api/v1/nodes", nodeJson(node)),
            "echo \"$start $(date +%s%N)\" >> $REC/window",
            "echo 'This node has joined the cluster (stand-in)'",
            "");
  }

  private static String kubeadm(String rec) {
    return header("kubeadm", rec)
        + String.join(
            "\n",
            "hex() { head -c $1 /dev/urandom | od -An -tx1 | tr -d ' \\n'; }",
            "case \"$*\" in",
            "  'token create --print-join-command')",
            "    token=\"$(hex 3).$(hex 8)\"",
            "    echo \"$token\" >> $REC/tokens",
            "    echo \"kubeadm join 10.251.0.1:6443 --token $token"
                + " --discovery-token-ca-cert-hash sha256:$(hex 32) \"",
            "    ;;",
            "  'init phase upload-certs --upload-certs')",
            "    key=$(hex 32)",
            "    echo \"$key\" >> $REC/certificate-keys",
            "    echo '[upload-certs] Storing the certificates in Secret \"kubeadm-certs\"'",
            "    echo '[upload-certs] Using certificate key:'",
            "    echo \"$key\"",
            "    ;;",
            "  *) echo \"kubeadm stand-in: unexpected $*\" >&2; exit 2;;",
            "esac",
            "");
  }

  private static String kubectl(String rec) {
    return header("kubectl", rec)
        + String.join(
            "\n",
            "case \"$*\" in",
            "  *'get --raw /readyz') [ -s /etc/kubernetes/admin.conf ] && echo ok;;",
            "  *) echo \"kubectl stand-in: unexpected $*\" >&2; exit 2;;",
            "esac",
            "");
  }
}

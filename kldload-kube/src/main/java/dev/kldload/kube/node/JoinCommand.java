package dev.kldload.kube.node;

import dev.kldload.core.KldloadException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A kubeadm join command, parsed strictly and never evaluated: the text must hold exactly one
 * non-empty line, and it must be exactly {@code kubeadm join HOST:PORT --token
 * [a-z0-9]{6}.[a-z0-9]{16} --discovery-token-ca-cert-hash sha256:<64 hex>}. Anything else (an extra
 * word, a different flag, a token of the wrong shape, a shell metacharacter) is refused, and
 * kldload builds what kubeadm reads itself (a JoinConfiguration).
 */
public record JoinCommand(ApiEndpoint endpoint, String token, String caCertHash) {
  /** Where kube-init leaves the join command (0600) and where kube-join reads it by default. */
  public static final String FILE = "/etc/kldload/join-command";

  /**
   * Where kube-init leaves the certificate key of the uploaded control-plane certificates (0600;
   * the certificates expire two hours after the upload) and where kube-join --control-plane reads
   * it by default.
   */
  public static final String CERTIFICATE_KEY_FILE = "/etc/kldload/certificate-key";

  static final Pattern TOKEN = Pattern.compile("[a-z0-9]{6}\\.[a-z0-9]{16}");
  static final Pattern CA_HASH = Pattern.compile("sha256:[0-9a-f]{64}");
  static final Pattern CERT_KEY = Pattern.compile("[0-9a-f]{64}");
  private static final String HINT =
      "expected: kubeadm join HOST:PORT --token abcdef.0123456789abcdef"
          + " --discovery-token-ca-cert-hash sha256:<64 hex digits>";

  public JoinCommand {
    if (token == null || !TOKEN.matcher(token).matches()) {
      throw KldloadException.invalid(
          "join command: the token does not have the form [a-z0-9]{6}.[a-z0-9]{16}", HINT);
    }
    if (caCertHash == null || !CA_HASH.matcher(caCertHash).matches()) {
      throw KldloadException.invalid(
          "join command: the CA certificate hash is not sha256:<64 hex digits>", HINT);
    }
  }

  public static JoinCommand parse(String text, String source) {
    List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    if (lines.isEmpty()) {
      throw KldloadException.invalid(source + ": no join command in it", HINT);
    }
    // a second line would be silently ignored: whoever wrote it meant something else
    if (lines.size() > 1) {
      throw KldloadException.invalid(
          source + ": holds " + lines.size() + " lines; a join command is exactly one line", HINT);
    }
    String line = lines.get(0);
    String[] w = line.split("[ \\t]+");
    if (w.length != 7) {
      throw KldloadException.invalid(
          source + ": the join command has " + w.length + " words, not 7", HINT);
    }
    if (!w[0].equals("kubeadm")
        || !w[1].equals("join")
        || !w[3].equals("--token")
        || !w[5].equals("--discovery-token-ca-cert-hash")) {
      throw KldloadException.invalid(
          source + ": not a kubeadm join command of the expected form", HINT);
    }
    if (!w[2].matches(".*:[0-9]{1,5}")) {
      throw KldloadException.invalid(source + ": the join command's endpoint has no port", HINT);
    }
    ApiEndpoint endpoint;
    try {
      endpoint = ApiEndpoint.parse(w[2], 6443);
    } catch (KldloadException e) {
      throw KldloadException.invalid(source + ": " + e.getMessage(), HINT);
    }
    try {
      return new JoinCommand(endpoint, w[4], w[6]);
    } catch (KldloadException e) {
      throw KldloadException.invalid(source + ": " + e.getMessage(), HINT);
    }
  }

  /** Parses a certificate key for a control-plane join: exactly 64 lowercase hex digits. */
  public static String certificateKey(String text, String source) {
    String key = text.strip();
    if (!CERT_KEY.matcher(key).matches()) {
      throw KldloadException.invalid(
          source + ": the certificate key is not 64 hex digits",
          "mint a fresh one on a control plane: kubeadm init phase upload-certs --upload-certs");
    }
    return key;
  }

  /** The command as one line, as kubeadm prints it (the token is in it: never log it). */
  public String line() {
    return String.join(
        " ",
        "kubeadm",
        "join",
        endpoint.toString(),
        "--token",
        token,
        "--discovery-token-ca-cert-hash",
        caCertHash);
  }

  @Override
  public String toString() {
    return "kubeadm join " + endpoint + " (token hidden)";
  }
}

package dev.kldload.kube.cluster.fabric8;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.io.PrivateFiles;
import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.Context;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Kubeconfig files: parse one (the cluster's admin.conf), and merge it into an operator's {@code
 * ~/.kube/config} under one context name — its cluster, user and context all renamed to that name,
 * replacing earlier entries of the same name and leaving every other entry alone. Files hold client
 * keys: written atomically with mode 0600.
 */
public final class Kubeconfigs {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Kubeconfigs() {}

  /** Parses and checks a kubeconfig: its current (or only) context must name a cluster and user. */
  public static Config parse(String text, String source) {
    Config config;
    try {
      config = SERIALIZATION.unmarshal(text, Config.class);
    } catch (RuntimeException e) {
      throw KldloadException.invalid(
          source + " is not a kubeconfig: " + e.getMessage(), "give the cluster's admin.conf");
    }
    if (config == null || config.getContexts() == null || config.getContexts().isEmpty()) {
      throw KldloadException.invalid(
          source + " is not a kubeconfig: it has no contexts", "give the cluster's admin.conf");
    }
    NamedContext context = selected(config, source);
    find(config.getClusters(), NamedCluster::getName, context.getContext().getCluster())
        .orElseThrow(() -> missing(source, "cluster", context.getContext().getCluster()));
    find(config.getUsers(), NamedAuthInfo::getName, context.getContext().getUser())
        .orElseThrow(() -> missing(source, "user", context.getContext().getUser()));
    return config;
  }

  /**
   * Merges the current context of {@code incoming} into {@code target} as {@code contextName}; with
   * {@code makeCurrent} it also becomes the target's current context.
   */
  public static void mergeInto(
      Path target, String incoming, String source, String contextName, boolean makeCurrent) {
    Config in = parse(incoming, source);
    NamedContext context = selected(in, source);
    NamedCluster cluster =
        find(in.getClusters(), NamedCluster::getName, context.getContext().getCluster()).get();
    NamedAuthInfo user =
        find(in.getUsers(), NamedAuthInfo::getName, context.getContext().getUser()).get();

    Config out =
        Files.exists(target)
            ? parseExisting(target)
            : new Config("v1", List.of(), List.of(), null, null, "Config", null, List.of());
    List<NamedCluster> clusters = without(out.getClusters(), NamedCluster::getName, contextName);
    clusters.add(new NamedCluster(cluster.getCluster(), contextName));
    List<NamedAuthInfo> users = without(out.getUsers(), NamedAuthInfo::getName, contextName);
    AuthInfo auth = user.getUser();
    users.add(new NamedAuthInfo(contextName, auth));
    List<NamedContext> contexts = without(out.getContexts(), NamedContext::getName, contextName);
    Context renamed = context.getContext();
    renamed.setCluster(contextName);
    renamed.setUser(contextName);
    contexts.add(new NamedContext(renamed, contextName));
    out.setClusters(clusters);
    out.setUsers(users);
    out.setContexts(contexts);
    out.setApiVersion("v1");
    out.setKind("Config");
    if (makeCurrent || out.getCurrentContext() == null || out.getCurrentContext().isEmpty()) {
      out.setCurrentContext(contextName);
    }
    write(target, SERIALIZATION.asYaml(out));
  }

  /** The kubeconfig with the server URL of its current context's cluster set to {@code server}. */
  public static String withServer(String text, String source, String server) {
    Config config = parse(text, source);
    NamedContext context = selected(config, source);
    NamedCluster cluster =
        find(config.getClusters(), NamedCluster::getName, context.getContext().getCluster()).get();
    cluster.getCluster().setServer(server);
    return SERIALIZATION.asYaml(config);
  }

  /** The server URL of the current context's cluster. */
  public static String server(String text, String source) {
    Config config = parse(text, source);
    NamedContext context = selected(config, source);
    return find(config.getClusters(), NamedCluster::getName, context.getContext().getCluster())
        .get()
        .getCluster()
        .getServer();
  }

  /** Whether {@code target} exists and has a context {@code name}. */
  public static boolean hasContext(Path target, String name) {
    return Files.exists(target)
        && find(parseExisting(target).getContexts(), NamedContext::getName, name).isPresent();
  }

  /**
   * Removes context, cluster and user {@code name} from {@code target}, and the current context
   * when it named it; false (file untouched) when there was no such context.
   */
  public static boolean removeContext(Path target, String name) {
    if (!hasContext(target, name)) {
      return false;
    }
    Config config = parseExisting(target);
    config.setContexts(without(config.getContexts(), NamedContext::getName, name));
    config.setClusters(without(config.getClusters(), NamedCluster::getName, name));
    config.setUsers(without(config.getUsers(), NamedAuthInfo::getName, name));
    if (name.equals(config.getCurrentContext())) {
      config.setCurrentContext("");
    }
    write(target, SERIALIZATION.asYaml(config));
    return true;
  }

  /** {@code ~/.kube/config} of the user running kldload. */
  public static Path userKubeconfig() {
    return Path.of(System.getProperty("user.home"), ".kube", "config");
  }

  /** Writes a kubeconfig atomically, 0600, its directory 0700 when created. */
  public static void write(Path target, String content) {
    PrivateFiles.write(target, content);
  }

  private static Config parseExisting(Path target) {
    try {
      String text = Files.readString(target, StandardCharsets.UTF_8);
      if (text.isBlank()) {
        return new Config("v1", List.of(), List.of(), null, null, "Config", null, List.of());
      }
      Config config = SERIALIZATION.unmarshal(text, Config.class);
      if (config == null) {
        throw KldloadException.invalid(
            target + " is not a kubeconfig", "move it aside or fix it, then re-run");
      }
      return config;
    } catch (IOException e) {
      throw new KldloadException(
          ErrorKind.FAILED, "cannot read kubeconfig " + target + ": " + e.getMessage(), null, e);
    } catch (RuntimeException e) {
      if (e instanceof KldloadException k) {
        throw k;
      }
      throw KldloadException.invalid(
          target + " is not a kubeconfig: " + e.getMessage(),
          "move it aside or fix it, then re-run");
    }
  }

  private static NamedContext selected(Config config, String source) {
    String current = config.getCurrentContext();
    if (current != null && !current.isEmpty()) {
      return find(config.getContexts(), NamedContext::getName, current)
          .orElseThrow(() -> missing(source, "context", current));
    }
    if (config.getContexts().size() == 1) {
      return config.getContexts().get(0);
    }
    throw KldloadException.invalid(
        source + " has several contexts and no current-context",
        "give a single-cluster kubeconfig");
  }

  private static <T> Optional<T> find(List<T> items, Function<T, String> name, String wanted) {
    if (items == null || wanted == null) {
      return Optional.empty();
    }
    return items.stream().filter(i -> wanted.equals(name.apply(i))).findFirst();
  }

  private static <T> List<T> without(List<T> items, Function<T, String> name, String unwanted) {
    List<T> out = new ArrayList<>();
    if (items != null) {
      items.stream().filter(i -> !unwanted.equals(name.apply(i))).forEach(out::add);
    }
    return out;
  }

  private static KldloadException missing(String source, String what, String name) {
    return KldloadException.invalid(
        source + ": " + what + " '" + name + "' is not defined in the file",
        "give a complete kubeconfig (the cluster's admin.conf)");
  }
}

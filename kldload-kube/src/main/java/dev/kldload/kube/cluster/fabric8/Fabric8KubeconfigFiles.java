package dev.kldload.kube.cluster.fabric8;

import dev.kldload.kube.cluster.KubeconfigFiles;
import java.nio.file.Path;

/** {@link KubeconfigFiles} on fabric8's kubeconfig model ({@link Kubeconfigs}). */
public final class Fabric8KubeconfigFiles implements KubeconfigFiles {

  @Override
  public String withServer(String kubeconfig, String source, String server) {
    return Kubeconfigs.withServer(kubeconfig, source, server);
  }

  @Override
  public String server(String kubeconfig, String source) {
    return Kubeconfigs.server(kubeconfig, source);
  }

  @Override
  public void merge(Path target, String kubeconfig, String source, String name) {
    Kubeconfigs.mergeInto(target, kubeconfig, source, name, false);
  }

  @Override
  public boolean hasContext(Path target, String name) {
    return Kubeconfigs.hasContext(target, name);
  }

  @Override
  public boolean remove(Path target, String name) {
    return Kubeconfigs.removeContext(target, name);
  }
}

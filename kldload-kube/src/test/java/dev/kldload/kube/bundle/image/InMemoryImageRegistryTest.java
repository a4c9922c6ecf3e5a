package dev.kldload.kube.bundle.image;

import java.util.List;
import java.util.Map;

class InMemoryImageRegistryTest extends ImageRegistryContract {
  private final InMemoryImageRegistry registry = new InMemoryImageRegistry();

  @Override
  protected ImageRegistry registry() {
    return registry;
  }

  @Override
  protected String host() {
    return "registry.test:5000";
  }

  @Override
  protected Map<String, String> push(ImageRef ref, List<String> arches) {
    return registry.push(ref, arches);
  }

  @Override
  protected void corrupt(ImageRef ref, String digest) {
    registry.corrupt(ref, digest);
  }

  @Override
  protected ImageRef unreachable() {
    return ImageRef.parse("unreachable.test/kldload/pause:3.10");
  }
}

package dev.kldload.kube.bundle.image;

import com.google.cloud.tools.jib.api.DescriptorDigest;
import com.google.cloud.tools.jib.blob.BlobDescriptor;
import com.google.cloud.tools.jib.blob.Blobs;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.hash.Digests;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.image.json.BuildableManifestTemplate;
import com.google.cloud.tools.jib.image.json.OciIndexTemplate;
import com.google.cloud.tools.jib.image.json.OciManifestTemplate;
import com.google.cloud.tools.jib.image.json.V22ManifestTemplate;
import com.google.cloud.tools.jib.registry.RegistryClient;
import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Pushes {@link TestImages} to a loopback registry with jib-core, as a publisher would. */
final class JibPush {
  private JibPush() {}

  /**
   * One arch: a manifest under the tag; more: each manifest by digest and an OCI index under the
   * tag. Returns arch → manifest digest, and the index's under {@code "index"}.
   */
  static Map<String, String> push(ImageRef ref, List<String> arches) throws Exception {
    return push(ref, arches, OciManifestTemplate::new);
  }

  /** One amd64 image with Docker schema 2 media types, as older images are published. */
  static String pushDocker(ImageRef ref) throws Exception {
    return push(ref, List.of("amd64"), V22ManifestTemplate::new).get("amd64");
  }

  private static Map<String, String> push(
      ImageRef ref, List<String> arches, Supplier<BuildableManifestTemplate> format)
      throws Exception {
    FailoverHttpClient http = new FailoverHttpClient(true, false, event -> {});
    try {
      RegistryClient client =
          RegistryClient.factory(EventHandlers.NONE, ref.registry(), ref.repository(), http)
              .newRegistryClient();
      Map<String, String> digests = new LinkedHashMap<>();
      OciIndexTemplate index = new OciIndexTemplate();
      for (String arch : arches) {
        TestImages.Image image = TestImages.image(ref.repository(), arch);
        DescriptorDigest config = blob(client, image.config());
        DescriptorDigest layer = blob(client, image.layer());
        BuildableManifestTemplate manifest = format.get();
        manifest.setContainerConfiguration(image.config().length, config);
        manifest.addLayer(image.layer().length, layer);
        if (arches.size() == 1) {
          digests.put(arch, client.pushManifest(manifest, ref.tag()).toString());
        } else {
          BlobDescriptor descriptor = Digests.computeDigest(manifest);
          client.pushManifest(manifest, descriptor.getDigest().toString());
          index.addManifest(descriptor, ref.tag() + "-" + arch);
          index.getManifests().get(index.getManifests().size() - 1).setPlatform(arch, "linux");
          digests.put(arch, descriptor.getDigest().toString());
        }
      }
      if (arches.size() > 1) {
        digests.put("index", client.pushManifest(index, ref.tag()).toString());
      }
      return digests;
    } finally {
      http.shutDown();
    }
  }

  private static DescriptorDigest blob(RegistryClient client, byte[] content) throws Exception {
    DescriptorDigest digest = DescriptorDigest.fromDigest(TestImages.digest(content));
    client.pushBlob(digest, Blobs.from(new ByteArrayInputStream(content)), null, n -> {});
    return digest;
  }
}

package dev.kldload.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.testing.GoldenFiles;
import dev.kldload.core.value.NodeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshTest {
  private final NetworkPlan plan = NetworkPlan.defaults();
  private final Mesh mesh = Mesh.read(Path.of("src/test/resources/fixtures/mesh3.yaml"));

  @Test
  @DisplayName("node 1's peers: every other node on each plane it has a key for, keepalive for NAT")
  void peersOfNodeOne() {
    List<PeerSpec> mgmt = mesh.peersFor(NodeId.of(1), false, plan.mgmt());
    assertThat(mgmt).extracting(p -> p.nodeId().value()).containsExactly(2, 100);
    assertThat(mgmt.get(0).endpoint()).contains("192.168.122.12:51820");
    assertThat(mgmt.get(0).keepalive()).isZero();
    // the host's endpoint is its own bridge address, not a control plane's (spec §24.6)
    assertThat(mgmt.get(1).endpoint()).contains("192.168.122.1:51820");
    assertThat(mgmt.get(1).keepalive()).isEqualTo(25);
    List<PeerSpec> k8s = mesh.peersFor(NodeId.of(1), false, plan.k8s());
    assertThat(k8s).extracting(p -> p.nodeId().value()).containsExactly(2);
    assertThat(k8s.get(0).allowedIps().get(0).toString()).isEqualTo("10.251.0.2/32");
  }

  @Test
  @DisplayName("per-node configs render as wg setconf input and wg-quick files (golden)")
  void renders() {
    for (Plane plane : plan.planes()) {
      InterfaceConfig config =
          new InterfaceConfig(
              plane.interfaceName(),
              TestKeys.privateKey(plane.kind() == PlaneKind.MGMT ? 0 : 1),
              plane.port(),
              plane.address(NodeId.of(1)),
              plan.wireguardMtu(),
              mesh.peersFor(NodeId.of(1), false, plane));
      GoldenFiles.assertMatches("node1-" + plane.interfaceName() + ".setconf", config.setconf());
      GoldenFiles.assertMatches("node1-" + plane.interfaceName() + ".conf", config.wgQuick());
    }
  }

  @Test
  @DisplayName("a mesh survives its own JSON form unchanged")
  void roundTrip(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mesh.json");
    Files.writeString(file, mesh.toJson().toString());
    assertThat(Mesh.read(file)).isEqualTo(mesh);
  }

  @Test
  @DisplayName("duplicate ids, shared keys, one key for both planes and unknown fields are invalid")
  void invalidMeshes() {
    WgKey a = TestKeys.publicKey(0);
    WgKey b = TestKeys.publicKey(1);
    Endpoint e = Endpoint.parse("10.0.0.1");
    assertInvalid(
        () ->
            new Mesh(
                List.of(
                    new MeshNode(NodeId.of(1), e, false, Map.of(PlaneKind.MGMT, a)),
                    new MeshNode(NodeId.of(1), e, false, Map.of(PlaneKind.MGMT, b)))));
    assertInvalid(
        () ->
            new Mesh(
                List.of(
                    new MeshNode(NodeId.of(1), e, false, Map.of(PlaneKind.MGMT, a)),
                    new MeshNode(NodeId.of(2), e, false, Map.of(PlaneKind.MGMT, a)))));
    assertInvalid(
        () ->
            new Mesh(
                List.of(
                    new MeshNode(
                        NodeId.of(1), e, false, Map.of(PlaneKind.MGMT, a, PlaneKind.K8S, a)))));
    assertInvalid(() -> meshFrom("{\"nodes\":[{\"id\":1,\"endpoint\":\"10.0.0.1\",\"x\":1}]}"));
    assertInvalid(() -> meshFrom("{\"nodes\":[{\"id\":255,\"endpoint\":\"10.0.0.1\"}]}"));
    assertInvalid(() -> meshFrom("{\"nodes\":[{\"id\":1,\"endpoint\":\"10.0.0.1:5\"}]}"));
    assertInvalid(() -> meshFrom("{\"nodes\":[{\"id\":1,\"endpoint\":\"h\",\"mgmtKey\":\"x\"}]}"));
    assertInvalid(() -> meshFrom("[]"));
  }

  @Test
  @DisplayName(
      "a fractional or quoted id and a nat that is not true/false are refused, naming them")
  void wholeIdsAndBooleans(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mesh.yaml");
    Files.writeString(
        file, "nodes:\n  - {id: 1, endpoint: 10.0.0.1}\n  - {id: 2.5, endpoint: h}\n");
    assertThatThrownBy(() -> Mesh.read(file))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT);
              assertThat(e.getMessage()).contains(file.toString(), "entry 1", "id", "2.5");
            });
    assertInvalid(() -> meshFrom("{\"nodes\":[{\"id\":\"2\",\"endpoint\":\"h\"}]}"));
    assertInvalid(() -> meshFrom("{\"nodes\":[{\"id\":2.0,\"endpoint\":\"h\"}]}"));
    assertInvalid(() -> meshFrom("{\"nodes\":[{\"id\":2,\"endpoint\":\"h\",\"nat\":\"yes\"}]}"));
  }

  private static Mesh meshFrom(String json) throws Exception {
    Path file = Files.createTempFile("mesh", ".json");
    try {
      Files.writeString(file, json);
      return Mesh.read(file);
    } finally {
      Files.delete(file);
    }
  }

  private static void assertInvalid(ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            KldloadException.class, ex -> assertThat(ex.kind()).isEqualTo(ErrorKind.INVALID_INPUT));
  }
}

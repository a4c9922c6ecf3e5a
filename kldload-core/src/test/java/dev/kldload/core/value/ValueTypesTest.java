package dev.kldload.core.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValueTypesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "web01",
        "kldload-cp",
        "k8s.golden_1",
        "A",
        "a23456789012345678901234567890123456789012345678901234567890123"
      })
  @DisplayName("VM names of letters, digits, '.', '_' and '-' up to 63 characters are accepted")
  void validVmNames(String name) {
    assertThat(VmName.of(name).value()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "-web",
        "web/01",
        "web;rm",
        "we b",
        "web'01",
        "web\"01",
        "..",
        "a..b",
        "$(id)",
        "web\n01",
        "a234567890123456789012345678901234567890123456789012345678901234",
        ".hidden",
        "_x"
      })
  @DisplayName(
      "VM names with separators, quotes, shell syntax, leading '-' or 64+ characters are refused")
  void invalidVmNames(String name) {
    assertThatThrownBy(() -> VmName.of(name))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT);
              assertThat(e.getMessage()).doesNotContain("\n");
              assertThat(e.hint()).isPresent();
            });
  }

  @Test
  @DisplayName("cluster and host names follow the same rule and say which kind of name is wrong")
  void kindInMessage() {
    assertThatThrownBy(() -> ClusterName.of("bad name")).hasMessageContaining("cluster name");
    assertThatThrownBy(() -> HostName.of("-x")).hasMessageContaining("host name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"rpool", "rpool/vms/web01", "tank/a:b/c.d_e-f", "rpool/ROOT/debian"})
  void validDatasets(String name) {
    assertThat(DatasetName.of(name).toString()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "rpool/",
        "/rpool",
        "rpool//vms",
        "rpool/vms@snap",
        "rpool/with space",
        "rpool/a;b",
        "rpool/$(id)",
        "rpool/../etc",
        "rpool/.",
        "-rpool",
        "1pool",
        "mirror/x",
        "raidz1",
        "c0t0d0",
        "rpool/a#b"
      })
  @DisplayName("dataset names outside the ZFS rules (and with spaces) are refused")
  void invalidDatasets(String name) {
    assertThatThrownBy(() -> DatasetName.of(name)).isInstanceOf(KldloadException.class);
  }

  @Test
  @DisplayName("a dataset name of 300 characters is refused with a shortened echo")
  void tooLong() {
    String name = "rpool/" + "a".repeat(294);
    assertThatThrownBy(() -> DatasetName.of(name))
        .hasMessageContaining("longer than 255")
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(200));
  }

  @Test
  void datasetNavigation() {
    DatasetName ds = DatasetName.of("rpool/vms/web01");
    assertThat(ds.pool()).isEqualTo("rpool");
    assertThat(ds.leaf()).isEqualTo("web01");
    assertThat(ds.parent()).contains(DatasetName.of("rpool/vms"));
    assertThat(DatasetName.of("rpool").parent()).isEmpty();
    assertThat(DatasetName.of("rpool/vms").isAncestorOf(ds)).isTrue();
    assertThat(DatasetName.of("rpool/vm").isAncestorOf(ds)).isFalse();
  }

  @Test
  @DisplayName("snapshots parse DATASET@SNAP and refuse anything without exactly one '@'")
  void snapshots() {
    SnapshotName snap = SnapshotName.parse("rpool/vms/k8s-golden@golden");
    assertThat(snap.dataset()).isEqualTo(DatasetName.of("rpool/vms/k8s-golden"));
    assertThat(snap.snap()).isEqualTo("golden");
    assertThat(snap).hasToString("rpool/vms/k8s-golden@golden");
    assertThatThrownBy(() -> SnapshotName.parse("rpool/vms"))
        .hasMessageContaining("is not a snapshot");
    assertThatThrownBy(() -> SnapshotName.parse("rpool@a@b")).hasMessageContaining("more than one");
    assertThatThrownBy(() -> SnapshotName.parse("rpool@")).isInstanceOf(KldloadException.class);
    assertThatThrownBy(() -> SnapshotName.parse("rpool@a b")).isInstanceOf(KldloadException.class);
  }

  @Test
  @DisplayName(
      "a snapshot named '.' or '..' is refused as invalid input; dots inside a name are not")
  void dotSnapshots() {
    for (String bad : List.of("rpool/vms/web01@.", "rpool/vms/web01@..")) {
      assertThatThrownBy(() -> SnapshotName.parse(bad))
          .isInstanceOf(KldloadException.class)
          .satisfies(
              e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.INVALID_INPUT));
    }
    assertThat(SnapshotName.parse("rpool/vms/web01@v1.2..3").snap()).isEqualTo("v1.2..3");
  }

  @Test
  @DisplayName("sizes: 4096M, 40G, 1T, fractions, IEC suffixes; a plain number means MB")
  void byteSizes() {
    assertThat(ByteSize.parse("4096M").bytes()).isEqualTo(4096L << 20);
    assertThat(ByteSize.parse("40G").bytes()).isEqualTo(40L << 30);
    assertThat(ByteSize.parse("1T").bytes()).isEqualTo(1L << 40);
    assertThat(ByteSize.parse("2048").bytes()).isEqualTo(2048L << 20);
    assertThat(ByteSize.parse("1.5G").bytes()).isEqualTo(3L << 29);
    assertThat(ByteSize.parse("64k").bytes()).isEqualTo(64L << 10);
    assertThat(ByteSize.parse("2GiB").bytes()).isEqualTo(2L << 30);
    assertThat(ByteSize.parse("512B").bytes()).isEqualTo(512L);
    assertThat(ByteSize.ofGigabytes(40).human()).isEqualTo("40G");
    assertThat(ByteSize.human(1536L << 20)).isEqualTo("1.5G");
    assertThat(ByteSize.human(100)).isEqualTo("100B");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-5G", "0", "0G", "abc", "5X", "99999999999999T", "4 G B", "1e3"})
  @DisplayName("zero, negative, unknown units and overflowing sizes are refused")
  void invalidSizes(String text) {
    assertThatThrownBy(() -> ByteSize.parse(text))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT));
  }

  @Test
  @DisplayName("CIDRs parse, contain addresses and networks, and detect overlaps")
  void cidrs() {
    Cidr pods = Cidr.parse("10.244.0.0/16");
    Cidr services = Cidr.parse("10.96.0.0/16");
    Cidr node = Cidr.parse("10.244.3.0/24");
    assertThat(pods.contains(node)).isTrue();
    assertThat(node.contains(pods)).isFalse();
    assertThat(pods.overlaps(node)).isTrue();
    assertThat(node.overlaps(pods)).isTrue();
    assertThat(pods.overlaps(services)).isFalse();
    assertThat(pods.contains(Cidr.parseAddress("10.244.200.1"))).isTrue();
    assertThat(pods.contains(Cidr.parseAddress("10.245.0.1"))).isFalse();
    assertThat(Cidr.parse("10.250.0.0/24").host(7).getHostAddress()).isEqualTo("10.250.0.7");
    assertThat(Cidr.parse("0.0.0.0/0").contains(node)).isTrue();
    Cidr v6 = Cidr.parse("fd00::/64");
    assertThat(v6.contains(Cidr.parseAddress("fd00::1"))).isTrue();
    assertThat(v6.overlaps(pods)).isFalse();
    assertThat(Cidr.parse("10.244.0.0/16")).isEqualTo(pods).hasToString("10.244.0.0/16");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.244.0.0",
        "10.244.0.0/33",
        "10.244.1.0/16",
        "300.1.1.1/8",
        "web/24",
        "10.0.0.0/x",
        ""
      })
  void invalidCidrs(String text) {
    assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(KldloadException.class);
  }

  @Test
  @DisplayName("a CIDR with host bits set suggests the network address")
  void hostBitsHint() {
    assertThatThrownBy(() -> Cidr.parse("10.244.1.0/16"))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> assertThat(e.hint()).contains("did you mean 10.244.0.0/16?"));
  }

  @Test
  @DisplayName("node ids are 1 to 254")
  void nodeIds() {
    assertThat(NodeId.of(1).value()).isEqualTo(1);
    assertThat(NodeId.parse("254").value()).isEqualTo(254);
    assertThatThrownBy(() -> NodeId.of(0)).hasMessageContaining("out of range");
    assertThatThrownBy(() -> NodeId.of(255)).hasMessageContaining("out of range");
    assertThatThrownBy(() -> NodeId.parse("x")).hasMessageContaining("not a number");
  }
}

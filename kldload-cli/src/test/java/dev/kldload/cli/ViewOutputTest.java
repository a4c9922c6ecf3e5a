package dev.kldload.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.cli.doctor.DoctorCommand;
import dev.kldload.cli.kube.KubeSmokeTestCommand;
import dev.kldload.cli.kvm.KvmSnapCommand;
import dev.kldload.cli.support.Cli;
import dev.kldload.cli.zfs.SnapshotView;
import dev.kldload.core.output.DatabindRenderer;
import dev.kldload.core.output.ViewSamples;
import dev.kldload.kube.cluster.KubeStatus;
import dev.kldload.kube.orchestrator.ClusterStatus;
import dev.kldload.kvm.VmView;
import dev.kldload.net.PlanIssue;
import dev.kldload.net.node.KeysView;
import dev.kldload.net.node.StatusView;
import dev.kldload.zfs.health.HealthReport;
import dev.kldload.zfs.health.SpaceReport;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every view a command hands to the renderer for {@code -o json|yaml}, with every nested type,
 * comes out as databind with the JSR-310 module wrote it before the renderer walked views itself.
 */
class ViewOutputTest {
  /** The views of the renderer's callers; a new one belongs here. */
  static Stream<Class<? extends Record>> views() throws ClassNotFoundException {
    return Stream.of(
        DoctorCommand.DoctorView.class,
        VmView.class,
        KvmSnapCommand.SnapshotView.class,
        SnapshotView.class,
        HealthReport.class,
        SpaceReport.class,
        KeysView.class,
        StatusView.class,
        PlanIssue.class,
        Cli.PlannedStep.class,
        KubeSmokeTestCommand.CheckView.class,
        KubeStatus.Report.class,
        ClusterStatus.ClusterReport.class,
        // package-private in their commands
        Class.forName("dev.kldload.cli.kube.cluster.ClusterMeshRepairCommand$Result")
            .asSubclass(Record.class),
        Class.forName("dev.kldload.cli.kube.cluster.ClusterBootstrapCommand$NodeRow")
            .asSubclass(Record.class));
  }

  @ParameterizedTest
  @MethodSource("views")
  void rendersAsDatabind(Class<? extends Record> view) throws Exception {
    List<Record> samples = ViewSamples.of(view);
    assertThat(samples).isNotEmpty();
    for (Record sample : samples) {
      DatabindRenderer.assertRendersAsDatabind(sample);
    }
  }
}

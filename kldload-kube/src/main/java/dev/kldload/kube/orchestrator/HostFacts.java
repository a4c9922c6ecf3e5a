package dev.kldload.kube.orchestrator;

import dev.kldload.core.KldloadException;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.ClusterName;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.VmDomain;
import dev.kldload.kvm.disk.DiskBackend;
import dev.kldload.kvm.xml.DomainMetadata;
import dev.kldload.kvm.xml.MetadataXml;
import dev.kldload.kvm.xml.Xml;
import dev.kldload.net.HostNetwork;
import dev.kldload.net.NetworkPlan;
import dev.kldload.zfs.Pool;
import dev.kldload.zfs.Zfs;
import dev.kldload.zfs.health.HostInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Gathers what {@link Admission} judges, through the ports only: the host's memory and CPUs, the
 * free space where the disks go, whether the golden (its domain and its disk snapshot) exists, who
 * owns each domain by name (our {@code <metadata>} mark), the cluster's manifest if one exists, the
 * address plan against the host's routes, and how an existing libvirt {@code default} network
 * differs from the plan. It observes and changes nothing.
 */
public final class HostFacts {
  private static final long MIB = 1024L * 1024L;

  /** Where the disks go, and how much room is there. */
  @FunctionalInterface
  public interface DiskSpace {
    /** Free bytes; PRECONDITION when the place does not exist. */
    ByteSize free();

    /** The pool that holds {@code vmParent}: its free space (ZFS hosts). */
    static DiskSpace pool(Zfs zfs, DatasetName vmParent) {
      return () -> {
        String pool = vmParent.pool();
        return zfs.pool(pool)
            .map(Pool::free)
            .map(ByteSize::ofBytes)
            .orElseThrow(
                () ->
                    KldloadException.precondition(
                        "ZFS pool " + pool + " (of zfs.vm-parent " + vmParent + ") does not exist",
                        "create the pool, or set zfs.vm-parent to a dataset of one that does"));
      };
    }

    /**
     * The filesystem of {@code imagesDir} (hosts without ZFS): usable space of the nearest existing
     * directory on its path, since the directory itself is made on first use.
     */
    static DiskSpace directory(Path imagesDir) {
      return () -> {
        Path at = imagesDir.toAbsolutePath();
        while (at != null && !Files.exists(at)) {
          at = at.getParent();
        }
        if (at == null) {
          throw KldloadException.precondition(
              "no part of kvm.images-dir " + imagesDir + " exists", "set kvm.images-dir");
        }
        try {
          return ByteSize.ofBytes(Files.getFileStore(at).getUsableSpace());
        } catch (IOException e) {
          throw KldloadException.precondition(
              "cannot read the free space of " + at + ": " + e.getMessage(), null);
        }
      };
    }
  }

  /** The ports facts are read from. */
  public record Sources(
      HostInfo host,
      Hypervisor hypervisor,
      DiskBackend disks,
      DiskSpace space,
      ClusterStore store,
      HostNetwork network) {}

  /** What is asked: the cluster, its golden (domain and disk snapshot), the address plan. */
  public record Request(
      ClusterName cluster, VmName golden, String goldenSnapshot, NetworkPlan plan) {}

  private final Sources sources;

  public HostFacts(Sources sources) {
    this.sources = sources;
  }

  public Admission.Facts gather(Request request) {
    return new Admission.Facts(
        capacity(),
        Optional.of(sources.space().free()),
        goldenExists(request.golden(), request.goldenSnapshot()),
        domainOwners(),
        sources.store().load(request.cluster()),
        request.plan().check(sources.network().routes()),
        new DefaultNetwork(sources.hypervisor(), request.plan()).check());
  }

  /** Memory in MiB and online CPUs; PRECONDITION when the host's memory cannot be read. */
  HostCapacity capacity() {
    long total = sources.host().memory().totalBytes();
    int cpus = sources.host().cpus();
    if (total <= 0 || cpus <= 0) {
      throw KldloadException.precondition(
          "cannot read the host's memory or CPU count", "is /proc mounted?");
    }
    return new HostCapacity(total / MIB, cpus);
  }

  /** The golden's domain is defined and its disk has the snapshot clones are made from. */
  boolean goldenExists(VmName golden, String snapshot) {
    return sources.hypervisor().domain(golden.value()).isPresent()
        && sources.disks().findSnapshot(golden, snapshot).isPresent();
  }

  /**
   * Every domain by name: the cluster named in our mark, or empty for a domain without one (not
   * ours, or ours but of no cluster, as {@code kvm-create}'s).
   */
  Map<String, Optional<String>> domainOwners() {
    Map<String, Optional<String>> out = new LinkedHashMap<>();
    for (VmDomain d : sources.hypervisor().domains()) {
      Optional<String> cluster =
          MetadataXml.read(Xml.parse(d.xml()).getDocumentElement())
              .flatMap(DomainMetadata::cluster);
      out.put(d.name(), cluster);
    }
    return out;
  }
}

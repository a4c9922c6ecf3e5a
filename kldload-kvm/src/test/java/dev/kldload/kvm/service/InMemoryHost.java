package dev.kldload.kvm.service;

import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.InMemoryHypervisor;
import dev.kldload.kvm.disk.Qcow2Backend;
import dev.kldload.kvm.xml.DomainMetadata;
import dev.kldload.kvm.xml.DomainSpec;
import dev.kldload.kvm.xml.DomainXmlWriter;
import dev.kldload.kvm.xml.OsVariant;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** The services over the in-memory hypervisor and a qcow2 backend in a temporary directory. */
final class InMemoryHost {
  final Path tmp;
  final InMemoryHypervisor hypervisor = new InMemoryHypervisor();
  final KvmServices services;

  InMemoryHost(Path tmp) {
    this.tmp = tmp;
    services =
        KvmServices.of(
            hypervisor,
            List.of(
                new Qcow2Backend(
                    tmp.resolve("images"), new SystemProcessRunner(), Clock.systemUTC())),
            new SystemProcessRunner(),
            new KvmSettings(
                tmp.resolve("images"),
                tmp.resolve("state"),
                "qemu",
                tmp.resolve("code.fd"),
                tmp.resolve("vars.fd")),
            Clock.systemUTC(),
            false);
  }

  void define(String name, DomainMetadata metadata) {
    define(name, metadata, tmp.resolve("images/" + name + ".qcow2"));
  }

  void define(String name, DomainMetadata metadata, Path disk) {
    hypervisor.define(
        DomainXmlWriter.write(
            new DomainSpec(
                VmName.of(name),
                "qemu",
                ByteSize.ofMegabytes(512),
                1,
                new DomainSpec.Bios(),
                List.of(new DomainSpec.Disk(DomainSpec.DiskKind.QCOW2, disk)),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                "127.0.0.1",
                metadata,
                Optional.empty(),
                OsVariant.GENERIC)));
  }
}

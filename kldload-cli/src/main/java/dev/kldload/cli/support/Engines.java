package dev.kldload.cli.support;

import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.probe.Probe;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.kube.bundle.image.ImageRegistry;
import dev.kldload.kube.cluster.Cluster;
import dev.kldload.kube.smoke.SmokeNode;
import dev.kldload.kube.ssh.KnownHosts;
import dev.kldload.kube.ssh.RemoteShell;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.Virtualisation;
import dev.kldload.net.Firewall;
import dev.kldload.net.HostNetwork;
import dev.kldload.net.NameResolver;
import dev.kldload.net.WireGuard;
import dev.kldload.zfs.Zfs;
import dev.kldload.zfs.health.HostInfo;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The one place commands get their engines from: every port's adapter, built on first use so a
 * command loads only the native and client libraries it needs ({@code --help} loads none). {@link
 * HostEngines} is the real host; tests hand in fakes through {@code CliHarness}.
 *
 * <p>{@code dryRun} variants are built on a runner that records mutating programs instead of
 * running them (reads still run), so a dry-run plan can look at the real world.
 */
public interface Engines {

  /** The process runner; in dry-run one that records mutating calls and still runs reads. */
  ProcessRunner processRunner(boolean dryRun);

  /** The host's ZFS. Usable only where {@link #zfsAvailable()} holds; otherwise PRECONDITION. */
  Zfs zfs(boolean dryRun);

  /** Whether this host has ZFS at all (the kernel module's {@code /dev/zfs}). */
  boolean zfsAvailable();

  /** A new connection to the hypervisor at {@code uri}; the caller closes it. */
  Hypervisor hypervisor(String uri);

  WireGuard wireGuard(boolean dryRun);

  HostNetwork hostNetwork(boolean dryRun);

  Firewall firewall(boolean dryRun);

  /** Resolves peer endpoint names (DNS, /etc/hosts) to addresses. */
  NameResolver nameResolver();

  /** A new client of the cluster that {@code kubeconfig} names; the caller closes it. */
  Cluster cluster(Path kubeconfig, CancellationToken cancellation);

  /**
   * SSH to cluster nodes with the private key {@code identity}, refusing any host whose key is not
   * pinned in {@code knownHosts}; the caller closes it.
   */
  RemoteShell remoteShell(Path identity, KnownHosts knownHosts);

  /** The node under {@code root} as kube-smoke-test reads it (files, programs, loopback). */
  SmokeNode smokeNode(Path root);

  /** Memory, load, uptime, ARC and service states of this host. */
  HostInfo hostInfo();

  /**
   * Whether guests run with hardware virtualisation here: a tiny guest booted with a short
   * deadline, since {@code /dev/kvm} can open on hosts where every guest hangs.
   */
  Virtualisation hardwareVirtualisation();

  /**
   * Container registries, read-only: what a tag names, and images as archives containerd imports.
   * {@code mirrors} maps a registry host[:port] as image names write it to the base URL to fetch it
   * from instead ({@code https://host[:port]}; {@code http://} only for loopback).
   */
  ImageRegistry imageRegistry(Map<String, URI> mirrors);

  /** What {@code doctor} checks, with the libvirt URI in effect. */
  List<Probe> probes(String libvirtUri);
}

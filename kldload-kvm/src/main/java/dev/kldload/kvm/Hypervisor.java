package dev.kldload.kvm;

import java.util.List;
import java.util.Optional;

/**
 * The port to the virtualisation engine. Domain names are plain strings here because the engine may
 * hold domains we did not create; commands validate their own input as {@code VmName}. Lookups
 * return {@link Optional}; every failure is a {@code KldloadException} whose message names the
 * domain. Implementations: {@code LibvirtHypervisor} (real) and {@code InMemoryHypervisor} (tests);
 * both pass {@code HypervisorContract}.
 */
public interface Hypervisor extends AutoCloseable {

  /** The connection URI, for messages. */
  String uri();

  /** Every defined or running domain, sorted by name. */
  List<VmDomain> domains();

  Optional<VmDomain> domain(String name);

  /**
   * Defines (persistently) the domain described by {@code xml}. A new name is created; an existing
   * name is only updated when the XML carries that domain's uuid, otherwise it is a conflict.
   */
  VmDomain define(String xml);

  void start(String name);

  void suspend(String name);

  void resume(String name);

  /** Stops the guest at once (libvirt's {@code destroy}); the definition stays. */
  void powerOff(String name);

  /** Asks the guest to shut down (ACPI); returns without waiting. */
  void shutdown(String name);

  /**
   * Writes the guest's memory to disk and stops it (libvirt's managed save); the next {@link
   * #start} resumes the guest where it was, and until then {@link VmDomain#savedState()} is true.
   * CONFLICT when the domain is not running or paused.
   */
  void saveState(String name);

  /** Drops the saved image, so the next start boots afresh; nothing when there is none. */
  void discardSavedState(String name);

  /** Removes the definition together with its snapshot metadata and UEFI vars. */
  void undefine(String name);

  /** The domain's snapshots, oldest first (parents before children when times tie). */
  List<SnapshotInfo> snapshots(String domain);

  SnapshotInfo createSnapshot(String domain, String snapshot, String description);

  void revertToSnapshot(String domain, String snapshot);

  void deleteSnapshot(String domain, String snapshot);

  /** Every defined or running network, sorted by name. */
  List<NetworkInfo> networks();

  Optional<NetworkInfo> network(String name);

  /**
   * Defines (persistently, not started) the network described by {@code xml}. CONFLICT when a
   * network of that name exists: an existing network is never redefined through this port.
   */
  NetworkInfo defineNetwork(String xml);

  /** Starts a defined network; CONFLICT when it is already active, NOT_FOUND when undefined. */
  void startNetwork(String name);

  /** Whether the network starts with the host (libvirt's {@code net-autostart}). */
  void setNetworkAutostart(String name, boolean autostart);

  /** The guest's addresses from one source; empty when the source knows none yet. */
  List<GuestAddress> addresses(String domain, AddressSource source);

  /**
   * The network's static DHCP reservations ({@code <ip><dhcp><host>}), in definition order. Empty
   * when it has none; NOT_FOUND when the network does not exist.
   */
  List<DhcpHost> dhcpHosts(String network);

  /**
   * Adds a reservation to the running network and to its persistent definition (only the one of the
   * two that exists when the network is inactive or transient), so it holds now and after a
   * restart. CONFLICT when a reservation already holds the MAC, the name or the address (libvirt
   * refuses those too); NOT_FOUND when the network does not exist.
   */
  void addDhcpHost(String network, DhcpHost host);

  /**
   * Removes the reservation equal to {@code host} (MAC, name and address) from the running network
   * and its persistent definition; nothing when there is none. NOT_FOUND when the network does not
   * exist.
   */
  void removeDhcpHost(String network, DhcpHost host);

  @Override
  void close();
}

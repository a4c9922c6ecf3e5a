package dev.kldload.kvm.seed;

import dev.kldload.core.KldloadException;
import dev.kldload.core.value.HostName;
import dev.kldload.kvm.xml.MacAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything one VM's NoCloud seed carries: identity (instance id, hostname, host keys), access
 * (the admin public key for root; no password anywhere), the NICs to configure (by MAC), files a
 * caller adds, and commands run once on first boot after the files are written.
 *
 * @param firstNicName the name the first NIC is given ({@code set-name}), so a ruleset written on
 *     the host can name it; empty leaves the guest's own name
 * @param runcmd argv lists for cloud-init's {@code runcmd}, run in order, each without a shell
 */
public record SeedRequest(
    String instanceId,
    HostName hostname,
    String adminPublicKey,
    HostKeys hostKeys,
    List<MacAddress> macs,
    List<SeedFile> files,
    Optional<String> firstNicName,
    List<List<String>> runcmd) {
  private static final Pattern NIC_NAME = Pattern.compile("[A-Za-z0-9_-]{1,15}");

  /** A seed that names no NIC and runs nothing after its files are written. */
  public SeedRequest(
      String instanceId,
      HostName hostname,
      String adminPublicKey,
      HostKeys hostKeys,
      List<MacAddress> macs,
      List<SeedFile> files) {
    this(instanceId, hostname, adminPublicKey, hostKeys, macs, files, Optional.empty(), List.of());
  }

  public SeedRequest {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(adminPublicKey, "adminPublicKey");
    Objects.requireNonNull(hostKeys, "hostKeys");
    macs = List.copyOf(macs);
    files = List.copyOf(files);
    firstNicName.ifPresent(
        name -> {
          if (!NIC_NAME.matcher(name).matches()) {
            throw KldloadException.invalid(
                "NIC name '" + name + "' is not an interface name", "use up to 15 letters, digits");
          }
        });
    if (firstNicName.isPresent() && macs.isEmpty()) {
      throw new IllegalArgumentException("a NIC name needs the NIC's MAC");
    }
    runcmd = runcmd.stream().map(List::copyOf).toList();
  }
}

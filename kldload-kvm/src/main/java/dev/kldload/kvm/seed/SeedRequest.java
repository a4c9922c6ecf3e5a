package dev.kldload.kvm.seed;

import dev.kldload.core.value.HostName;
import dev.kldload.kvm.xml.MacAddress;
import java.util.List;
import java.util.Objects;

/**
 * Everything one VM's NoCloud seed carries: identity (instance id, hostname, host keys), access
 * (the admin public key for root; no password anywhere), the NICs to configure (by MAC) and files a
 * caller adds.
 */
public record SeedRequest(
    String instanceId,
    HostName hostname,
    String adminPublicKey,
    HostKeys hostKeys,
    List<MacAddress> macs,
    List<SeedFile> files) {
  public SeedRequest {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(adminPublicKey, "adminPublicKey");
    Objects.requireNonNull(hostKeys, "hostKeys");
    macs = List.copyOf(macs);
    files = List.copyOf(files);
  }
}

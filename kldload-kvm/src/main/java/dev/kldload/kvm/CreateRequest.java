package dev.kldload.kvm;

import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.xml.DirectBoot;
import dev.kldload.kvm.xml.DomainSpec;
import dev.kldload.kvm.xml.OsVariant;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code kvm-create} was asked for, validated.
 *
 * @param installer boot this ISO to install onto a blank disk
 * @param image copy this cloud image onto the disk and give the VM a cloud-init seed
 * @param uefi UEFI (OVMF) firmware rather than BIOS
 * @param directBoot a host kernel to boot instead of the disk's boot loader
 * @param os the guest OS variant, recorded in the definition
 */
public record CreateRequest(
    VmName name,
    ByteSize memory,
    int vcpus,
    ByteSize disk,
    Optional<Path> installer,
    Optional<Path> image,
    DomainSpec.Nic nic,
    String vncListen,
    boolean uefi,
    boolean start,
    Optional<Path> adminKey,
    Optional<DirectBoot> directBoot,
    OsVariant os) {}

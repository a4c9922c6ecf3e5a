package dev.kldload.kvm.service;

import java.nio.file.Path;

/**
 * Host layout and defaults.
 *
 * @param imagesDir seeds and UEFI vars files
 * @param stateDir the admin key, pinned guest host keys and each VM's decisions
 * @param virtType {@code kvm} or {@code qemu}
 * @param ovmfCode OVMF code image, for UEFI guests
 * @param ovmfVars OVMF vars template
 */
public record KvmSettings(
    Path imagesDir, Path stateDir, String virtType, Path ovmfCode, Path ovmfVars) {}

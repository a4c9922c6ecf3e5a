package dev.kldload.kvm.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The few fields of a qcow2 header that listing and dependency checks need (all big-endian): magic
 * at 0, backing file offset at 8 and length at 16, virtual size at 24. Read in Java so that {@code
 * kvm-list} runs no program per VM.
 */
public record Qcow2Header(long virtualSize, Optional<String> backingFile) {
  private static final int MAGIC = 0x514649fb; // "QFI\xfb"

  public static Optional<Qcow2Header> read(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer head = ByteBuffer.allocate(32);
      if (channel.read(head, 0) < 32 || head.getInt(0) != MAGIC) {
        return Optional.empty();
      }
      long backingOffset = head.getLong(8);
      int backingLength = head.getInt(16);
      long size = head.getLong(24);
      Optional<String> backing = Optional.empty();
      if (backingOffset > 0 && backingLength > 0 && backingLength <= 4096) {
        ByteBuffer name = ByteBuffer.allocate(backingLength);
        channel.read(name, backingOffset);
        backing = Optional.of(new String(name.array(), StandardCharsets.UTF_8));
      }
      return Optional.of(new Qcow2Header(size, backing));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}

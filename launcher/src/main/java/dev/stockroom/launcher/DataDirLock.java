package dev.stockroom.launcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One launcher per data directory: {@code --fresh} wiped the PostgreSQL and Kafka data of a
 * Stockroom already running on it, and two launchers on one directory start two servers over the
 * same files. The lock is the operating system's, so a killed launcher leaves none behind.
 */
final class DataDirLock implements AutoCloseable {
  static final String FILE_NAME = "launcher.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the data directory, or says which process holds it. */
  static DataDirLock take(Path data) {
    Path file = data.resolve(FILE_NAME);
    FileChannel channel = null;
    try {
      Files.createDirectories(data);
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock = tryLock(channel);
      if (lock == null) {
        String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
        channel.close();
        throw new StartupException(
            data
                + " is in use by another Stockroom"
                + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                + ": stop it first, or give this one another --data");
      }
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)),
          0);
      return new DataDirLock(channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StartupException("cannot use " + data + ": " + e.getMessage(), e);
    }
  }

  /** Null when another process holds it (or another launcher in this JVM: a test's). */
  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException heldHere) {
      return null;
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // Closing the channel releases it as well.
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing left to do with it.
    }
  }
}

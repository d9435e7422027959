package io.tokenapi.sdk;

import io.tokenapi.sdk.internal.SafeText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Sources of externally issued client assertions for {@link
 * OAuthClient.Builder#clientAssertion(Supplier)}, such as a workload identity token that the
 * platform writes to a file and rotates.
 */
public final class ClientAssertions {
  /** The largest assertion file read: {@value} bytes. Platform tokens are a few kilobytes. */
  public static final int MAX_ASSERTION_BYTES = 64 * 1024;

  private ClientAssertions() {}

  /**
   * An assertion read from {@code file} each time one is needed, so a file that the platform
   * rotates (for example a Kubernetes projected service account token) is picked up at the next
   * token request. Surrounding whitespace is trimmed. The file's content is never put in a message.
   *
   * <p>The returned supplier throws {@link UncheckedIOException} when the file cannot be read (for
   * example it does not exist) and {@link IllegalStateException} when it is not a regular file (a
   * FIFO or device, which could block or never end), empty, or larger than {@link
   * #MAX_ASSERTION_BYTES}; the client reports either as an {@link OAuthException} for that token
   * request.
   *
   * @param file the assertion file, for example {@code /var/run/secrets/tokens/client-assertion}
   * @return a supplier that reads the file on every call
   * @throws IllegalArgumentException if {@code file} is null
   */
  public static Supplier<String> fromFile(Path file) {
    if (file == null) {
      throw new IllegalArgumentException("file == null");
    }
    return new FileAssertion(file);
  }

  /**
   * Names {@code supplier} for a message: a file supplier by its file, any other by its class.
   * Never calls the caller's {@code toString()}, which could block or print the assertion.
   */
  static String describe(Supplier<String> supplier) {
    if (supplier instanceof FileAssertion) {
      return supplier.toString();
    }
    return SafeText.of(supplier.getClass().getName(), 160);
  }

  private static final class FileAssertion implements Supplier<String> {
    private final Path file;

    FileAssertion(Path file) {
      this.file = file;
    }

    @Override
    public String get() {
      // Opening a FIFO blocks until someone writes to it, and a device such as /dev/zero never
      // ends: only a regular file (through a symlink, as Kubernetes mounts it, is fine) is read.
      if (Files.exists(file) && !Files.isRegularFile(file)) {
        throw new IllegalStateException(
            "Client assertion file "
                + file
                + " is not a regular file (a directory, FIFO or device?): point"
                + " ClientAssertions.fromFile(...) at the file the platform writes");
      }
      byte[] bytes;
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes(MAX_ASSERTION_BYTES + 1);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Client assertion file "
                + file
                + " could not be read ("
                + e.getClass().getSimpleName()
                + "): check that the path is right and the file is mounted and readable",
            e);
      }
      if (bytes.length > MAX_ASSERTION_BYTES) {
        throw new IllegalStateException(
            "Client assertion file "
                + file
                + " is larger than "
                + MAX_ASSERTION_BYTES
                + " bytes: is it the assertion file?");
      }
      String assertion = new String(bytes, StandardCharsets.UTF_8).strip();
      if (assertion.isEmpty()) {
        throw new IllegalStateException(
            "Client assertion file "
                + file
                + " is empty: the platform has not written the assertion yet, or the path is wrong");
      }
      return assertion;
    }

    @Override
    public String toString() {
      return "ClientAssertions.fromFile(" + file + ")";
    }
  }
}

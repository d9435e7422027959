package io.tokenapi.sdk.spring;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * A real {@code redis-server} on a free loopback port, without persistence: the one on the PATH,
 * else the binary the test dependency {@code embedded-redis} ships (as sdk-redis's tests do), so a
 * machine with only a JDK runs these tests.
 */
final class RedisProcess implements AutoCloseable {
  private static final Map<String, String> SHIPPED =
      Map.of(
          "linux/amd64", "redis-server-6.2.6-v5-linux-amd64",
          "linux/x86_64", "redis-server-6.2.6-v5-linux-amd64",
          "linux/aarch64", "redis-server-6.2.7-linux-arm64",
          "mac/x86_64", "redis-server-6.2.6-v5-darwin-amd64",
          "mac/aarch64", "redis-server-6.2.6-v5-darwin-arm64");

  private final Process process;
  private final int port;

  private RedisProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static RedisProcess start() throws IOException, InterruptedException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Process process =
        new ProcessBuilder(
                binary().toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    RedisProcess redis = new RedisProcess(process, port);
    redis.awaitPong();
    return redis;
  }

  int port() {
    return port;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Bounded: about 10 s of 50 ms polls. */
  private void awaitPong() throws IOException, InterruptedException {
    for (int i = 0; i < 200; i++) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        OutputStream out = socket.getOutputStream();
        out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] reply = new byte[7];
        if (in.readNBytes(reply, 0, 7) == 7
            && new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n")) {
          return;
        }
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    process.destroy();
    throw new IOException("redis-server did not answer PING on port " + port);
  }

  private static Path binary() throws IOException {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir.isEmpty() ? "." : dir, "redis-server");
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    String osName = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String os = osName.startsWith("mac") ? "mac" : osName.startsWith("linux") ? "linux" : osName;
    String resource =
        SHIPPED.get(os + "/" + System.getProperty("os.arch").toLowerCase(Locale.ROOT));
    if (resource == null) {
      throw new IOException("no redis-server on the PATH: apt-get install redis-server");
    }
    Path dir = Files.createTempDirectory("redis-server-bin-");
    Path target = dir.resolve(resource);
    try (InputStream in = RedisProcess.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException(resource + " is not on the test class path (embedded-redis)");
      }
      Files.copy(in, target);
    }
    if (!target.toFile().setExecutable(true, true)) {
      throw new IOException("could not make " + target + " executable");
    }
    dir.toFile().deleteOnExit();
    target.toFile().deleteOnExit();
    return target;
  }
}

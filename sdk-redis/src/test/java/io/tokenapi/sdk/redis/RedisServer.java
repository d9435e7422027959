package io.tokenapi.sdk.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * A real {@code redis-server} child process on a free loopback port, without persistence: one per
 * test class. It can be stopped, restarted on the same port, and paused (SIGSTOP) to play a Redis
 * that hangs.
 *
 * <p>The binary is the {@code redis-server} on the PATH when there is one, else the real server
 * that the test dependency {@code com.github.codemonstur:embedded-redis} ships for this OS and CPU
 * (Redis 6.2), copied once per JVM to a temporary file: a machine with only a JDK runs these tests.
 */
final class RedisServer implements AutoCloseable {
  private static final long START_TIMEOUT_MILLIS = 10_000;

  /** Binaries inside the embedded-redis jar, by {@code os.name} prefix and {@code os.arch}. */
  private static final Map<String, String> SHIPPED_BINARIES =
      Map.of(
          "linux/amd64", "redis-server-6.2.6-v5-linux-amd64",
          "linux/x86_64", "redis-server-6.2.6-v5-linux-amd64",
          "linux/aarch64", "redis-server-6.2.7-linux-arm64",
          "linux/x86", "redis-server-6.2.7-linux-386",
          "linux/i386", "redis-server-6.2.7-linux-386",
          "mac/x86_64", "redis-server-6.2.6-v5-darwin-amd64",
          "mac/aarch64", "redis-server-6.2.6-v5-darwin-arm64");

  private static Path resolvedBinary;

  private final int port;
  private final Path dir;
  private Process process;

  private RedisServer(int port, Path dir) {
    this.port = port;
    this.dir = dir;
  }

  static RedisServer start() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    RedisServer server = new RedisServer(port, Files.createTempDirectory("redis-test-"));
    server.restart();
    return server;
  }

  int port() {
    return port;
  }

  /** A pooled client with the short timeouts the README recommends. */
  RedisClient client() {
    return clientFor(port);
  }

  static RedisClient clientFor(int port) {
    return RedisClient.builder()
        .hostAndPort("127.0.0.1", port)
        .clientConfig(
            DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(500)
                .socketTimeoutMillis(500)
                .build())
        .poolConfig(boundedPool())
        .build();
  }

  /** A pool that waits at most 500 ms for a connection, as RedisTokenStore requires. */
  static redis.clients.jedis.ConnectionPoolConfig boundedPool() {
    redis.clients.jedis.ConnectionPoolConfig pool = new redis.clients.jedis.ConnectionPoolConfig();
    pool.setMaxWait(java.time.Duration.ofMillis(500));
    return pool;
  }

  /** Starts the server (again, on the same port) and waits until it answers PING. */
  synchronized void restart() throws IOException {
    if (process != null && process.isAlive()) {
      return;
    }
    Path log = dir.resolve("redis.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    binary().toString(),
                    "--port",
                    String.valueOf(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                    "--dir",
                    dir.toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    process = builder.start();
    Process started = process;
    Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
    while (!answersPing()) {
      if (!started.isAlive() || System.nanoTime() > deadline) {
        started.destroyForcibly();
        throw new IOException(
            "redis-server on port " + port + " did not start: " + Files.readString(log));
      }
      sleep(20);
    }
  }

  /** Stops the server and waits for it to exit; its data is gone (no persistence). */
  synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    process = null;
  }

  /**
   * Freezes the server (SIGSTOP): connections stay open and commands hang, like an overloaded
   * Redis.
   */
  synchronized void pause() throws IOException, InterruptedException {
    signal("-STOP");
  }

  /** Thaws a paused server (SIGCONT). */
  synchronized void resume() throws IOException, InterruptedException {
    signal("-CONT");
  }

  @Override
  public void close() {
    stop();
    try {
      Files.deleteIfExists(dir.resolve("redis.log"));
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // A leftover log in the temp directory is harmless.
    }
  }

  /**
   * The redis-server to run: the PATH's, else the shipped one for this platform.
   *
   * @throws IOException when there is neither (names both ways to get one)
   */
  static synchronized Path binary() throws IOException {
    if (resolvedBinary == null) {
      resolvedBinary = onPath().orElse(null);
    }
    if (resolvedBinary == null) {
      resolvedBinary = extractShipped();
    }
    return resolvedBinary;
  }

  private static Optional<Path> onPath() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, "redis-server");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static Path extractShipped() throws IOException {
    String osName = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String os = osName.startsWith("mac") ? "mac" : osName.startsWith("linux") ? "linux" : osName;
    String platform = os + "/" + System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String resource = SHIPPED_BINARIES.get(platform);
    if (resource == null) {
      throw new IOException(
          "no redis-server on the PATH and embedded-redis ships none for "
              + platform
              + ": install redis-server (e.g. apt-get install redis-server)");
    }
    Path dir = Files.createTempDirectory("redis-server-bin-");
    Path target = dir.resolve(resource);
    // Resources at a jar's root are not encapsulated by modules: the system loader finds it.
    try (InputStream in = ClassLoader.getSystemClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException(
            "no redis-server on the PATH and "
                + resource
                + " is not on the test class path (test dependency"
                + " com.github.codemonstur:embedded-redis)");
      }
      Files.copy(in, target);
    }
    if (!target.toFile().setExecutable(true, true)) {
      throw new IOException("could not make " + target + " executable");
    }
    // Deleted in reverse order of registration: the file, then its directory.
    dir.toFile().deleteOnExit();
    target.toFile().deleteOnExit();
    return target;
  }

  private void signal(String signal) throws IOException, InterruptedException {
    // The shell's built-in kill: no procps needed on a bare machine.
    Process kill =
        new ProcessBuilder("sh", "-c", "kill " + signal + " " + process.pid()).inheritIO().start();
    if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill " + signal + " failed");
    }
  }

  private boolean answersPing() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = in.readNBytes(7);
      return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for redis-server", e);
    }
  }
}

package io.tokenapi.sdk.redis;

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
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * A real {@code redis-server} child process on a free loopback port, without persistence: one per
 * test class. It can be stopped, restarted on the same port, and paused (SIGSTOP) to play a Redis
 * that hangs.
 */
final class RedisServer implements AutoCloseable {
  private static final long START_TIMEOUT_MILLIS = 10_000;

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
                    "redis-server",
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
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IOException(
          "redis-server is not installed (apt-get install redis-server; .ci/run does it)", e);
    }
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

  private void signal(String signal) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start();
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

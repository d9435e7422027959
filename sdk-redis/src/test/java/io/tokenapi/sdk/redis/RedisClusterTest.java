package io.tokenapi.sdk.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * {@link RedisTokenStore} on a real three-master Redis Cluster (three local redis-server processes,
 * created with {@code redis-cli --cluster create}): every script touches one hash slot, so reads,
 * locks, renewals and fenced saves work through a {@link RedisClusterClient}. Skipped where {@code
 * redis-server} and {@code redis-cli} are not on the PATH (the embedded fallback has no redis-cli).
 */
class RedisClusterTest {
  private static final List<Process> nodes = new ArrayList<>();
  private static final List<Integer> ports = new ArrayList<>();
  private static Path dir;

  @BeforeAll
  static void startCluster() throws Exception {
    assumeTrue(onPath("redis-cli") && onPath("redis-server"), "redis-server/redis-cli not on PATH");
    dir = Files.createTempDirectory("redis-cluster-");
    for (int i = 0; i < 3; i++) {
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      Path nodeDir = Files.createDirectories(dir.resolve("n" + i));
      ports.add(port);
      nodes.add(
          new ProcessBuilder(
                  "redis-server",
                  "--port",
                  String.valueOf(port),
                  "--bind",
                  "127.0.0.1",
                  "--cluster-enabled",
                  "yes",
                  "--cluster-config-file",
                  nodeDir.resolve("nodes.conf").toString(),
                  "--dir",
                  nodeDir.toString(),
                  "--save",
                  "",
                  "--appendonly",
                  "no")
              .redirectErrorStream(true)
              .redirectOutput(nodeDir.resolve("log").toFile())
              .start());
    }
    for (int port : ports) {
      awaitCli(10_000, "-p", String.valueOf(port), "ping");
    }
    List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    ports.forEach(p -> create.add("127.0.0.1:" + p));
    create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    Process p = new ProcessBuilder(create).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    long deadline = System.currentTimeMillis() + 20_000;
    for (int port : ports) {
      while (!cli("-p", String.valueOf(port), "cluster", "info").contains("cluster_state:ok")) {
        assertThat(System.currentTimeMillis()).as("cluster state ok").isLessThan(deadline);
        Thread.sleep(100);
      }
    }
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (Process node : nodes) {
      node.destroy();
      node.waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static void awaitCli(long timeoutMillis, String... args) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (!cli(args).contains("PONG")) {
      assertThat(System.currentTimeMillis()).as("redis node up").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static String cli(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(10, TimeUnit.SECONDS);
    return out;
  }

  private static RedisClusterClient cluster() {
    Set<HostAndPort> seeds = new HashSet<>();
    ports.forEach(p -> seeds.add(new HostAndPort("127.0.0.1", p)));
    return RedisClusterClient.builder()
        .nodes(seeds)
        .clientConfig(
            DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(500)
                .socketTimeoutMillis(500)
                .build())
        .build();
  }

  @Test
  void twelveClientKeysSpreadOverThreeMasters_eachSharedWithOneRequest() throws Exception {
    try (FakeTokenServer tokens = new FakeTokenServer().start();
        RedisClusterClient a = cluster();
        RedisClusterClient b = cluster()) {
      Set<Integer> nodesUsed = new HashSet<>();
      for (int i = 0; i < 12; i++) {
        String scope = "scope-" + i;
        try (OAuthClient first = client(tokens, a, scope);
            OAuthClient second = client(tokens, b, scope)) {
          AccessToken token = first.getToken();
          assertThat(second.getToken()).isEqualTo(token);
          // A fenced refresh: lock, renew-capable lock, saveIfLocked, all in the key's slot.
          AccessToken renewed = second.refresh();
          first.invalidate(token);
          assertThat(first.getToken()).isEqualTo(renewed);
        }
        String key = a.keys("{tokenapi:token:*").stream().findFirst().orElseThrow();
        nodesUsed.add(JedisClusterCRC16.getSlot(key) * 3 / 16384);
        for (String name :
            new ArrayList<>(a.keys("*tokenapi:token:*"))) { // KEYS fans out to all masters
          a.del(name);
        }
      }
      assertThat(tokens.requestCount()).isEqualTo(24);
      assertThat(nodesUsed).hasSizeGreaterThan(1);
      System.out.printf(
          "redis cluster: 12 client keys over %d of 3 slot ranges, 24 token requests for 48"
              + " instance fetches%n",
          nodesUsed.size());
    }
  }

  @Test
  void tokenAndLockNames_shareOneSlot() {
    String key = "tokenapi:token:0123456789abcdef0123456789abcdef";
    assertThat(JedisClusterCRC16.getSlot(RedisTokenStore.lockName(key)))
        .isEqualTo(JedisClusterCRC16.getSlot(RedisTokenStore.tokenName(key)));
  }

  private static OAuthClient client(
      FakeTokenServer tokens, RedisClusterClient redis, String scope) {
    return OAuthClient.builder()
        .baseUrl(tokens.baseUrl())
        .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
        .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
        .scope(scope)
        .tokenStore(RedisTokenStore.builder(redis).encryptionKey(FleetWorker.fleetKey()).build())
        .tokenStoreLockTtl(Duration.ofSeconds(2))
        .build();
  }
}

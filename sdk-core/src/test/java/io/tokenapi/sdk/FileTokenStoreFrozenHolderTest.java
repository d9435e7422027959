package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tokenapi.sdk.storecontract.TestKeys;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22, defect 6: a process that holds the file store's OS lock and is paused (SIGSTOP, a
 * debugger, a frozen container) made every cold getToken() of the other processes wait the whole
 * maxWait. Now its lease in the lock file ends after the lock TTL and a waiter takes the lock over;
 * a live holder that renews keeps it. Real processes: the holder is {@link FileLockHolder} in its
 * own JVM, paused with {@code kill -STOP}.
 */
class FileTokenStoreFrozenHolderTest {
  @TempDir Path dir;
  private final FakeTokenServer tokens = new FakeTokenServer().start();
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (Process p : processes) {
      FileTokenStoreHostileFilesTest.run("kill", "-CONT", Long.toString(p.pid()));
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    tokens.close();
  }

  private String clientKey() {
    return SharedTokenFetcher.key(
        HttpUrl.get(tokens.tokenUrl()), FakeTokenServer.DEFAULT_CLIENT_ID, null);
  }

  private FileTokenStore store() {
    return FileTokenStore.builder(dir).encryptionKey("k1", TestKeys.aes256(1)).build();
  }

  /** Starts a holder of the lock for {@code key} in another JVM and waits until it holds it. */
  private Process holder(String key, Duration ttl) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                FileLockHolder.class.getName(),
                dir.toString(),
                key,
                Long.toString(ttl.toMillis()))
            .redirectErrorStream(true)
            .start();
    processes.add(p);
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    String l;
                    while ((l = out.readLine()) != null && !l.equals("LOCKED")) {
                      // skip JVM chatter
                    }
                    return l;
                  } catch (java.io.IOException e) {
                    return null;
                  }
                })
            .get(30, TimeUnit.SECONDS);
    assertThat(line).as("the holder process took the lock").isEqualTo("LOCKED");
    return p;
  }

  @Test
  void aFrozenHolder_losesTheLockAfterItsTtl_andTheWaiterFetchesLongBeforeMaxWait()
      throws Exception {
    Process frozen = holder(clientKey(), Duration.ofSeconds(1));
    assumeTrue(
        FileTokenStoreHostileFilesTest.run("kill", "-STOP", Long.toString(frozen.pid())) == 0,
        "kill -STOP is available");

    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(tokens.baseUrl())
            .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
            .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
            .tokenStore(store())
            .tokenStoreLockTtl(Duration.ofSeconds(1))
            // Before the fix, the waiter waited all of this for the frozen holder.
            .retryPolicy(RetryPolicy.builder().maxWait(Duration.ofMinutes(10)).build())
            .build()) {
      AccessToken token = client.getTokenAsync().get(60, TimeUnit.SECONDS);

      assertThat(token.value()).isEqualTo(tokens.issuedTokens().get(0));
    }
    assertThat(tokens.requestCount()).isEqualTo(1);
    // The new holder saved its token: the next cold client takes it without a request.
    assertThat(store().read(clientKey())).isPresent();
  }

  @Test
  void aLiveHolderThatRenews_keepsTheLockPastItsTtl() throws Exception {
    String key = "tokenapi:token:live-holder";
    Duration ttl = Duration.ofMillis(1500);
    holder(key, ttl);
    FileTokenStore store = store();

    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * ttl.toMillis());
    int tries = 0;
    while (System.nanoTime() - end < 0) {
      assertThat(store.tryLock(key, ttl)).as("try %d while the holder renews", tries).isEmpty();
      tries++;
      Thread.sleep(50);
    }
    assertThat(tries).isGreaterThan(10);
  }
}

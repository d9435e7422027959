package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.testkit.FakeTokenServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 22, defect 7: every store call that hung past {@code tokenStoreTimeout} kept a thread of an
 * unbounded pool. The store pool is bounded; a store that hangs costs at most its threads, and
 * close() ends them.
 */
class TokenStoreThreadsTest {
  private final FakeTokenServer tokens = new FakeTokenServer().start();
  private final CountDownLatch never = new CountDownLatch(1);

  @AfterEach
  void tearDown() {
    never.countDown();
    tokens.close();
  }

  /** A store whose every call hangs until interrupted. */
  private final class HangingStore implements TokenStore {
    private <T> T hang() {
      try {
        never.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("interrupted");
    }

    @Override
    public Optional<AccessToken> load(String key) {
      return hang();
    }

    @Override
    public void save(String key, AccessToken token) {
      hang();
    }

    @Override
    public Optional<String> tryLock(String key, Duration ttl) {
      return hang();
    }

    @Override
    public void unlock(String key, String owner) {
      hang();
    }
  }

  @Test
  void aHangingStore_holdsAtMostTheStorePool_andCloseEndsIt() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    OAuthClient client =
        OAuthClient.builder()
            .baseUrl(tokens.baseUrl())
            .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
            .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
            .tokenStore(new HangingStore())
            .tokenStoreTimeout(Duration.ofMillis(100))
            .build();
    int calls = 30;
    try {
      for (int i = 0; i < calls; i++) {
        client.getToken();
        client.invalidate();
      }
      assertThat(tokens.requestCount()).isEqualTo(calls);
      assertThat(storeThreads(before)).hasSizeLessThanOrEqualTo(ClientThreads.MAX_STORE_THREADS);
    } finally {
      client.close();
    }
    for (Thread t : storeThreads(before)) {
      t.join(TimeUnit.SECONDS.toMillis(10));
    }
    assertThat(storeThreads(before)).as("store threads left after close()").isEmpty();
  }

  private static List<Thread> storeThreads(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t))
        .filter(t -> t.getName().startsWith("tokenapi-"))
        .filter(t -> !t.getName().endsWith("scheduler") && !t.getName().contains("-scheduler"))
        .filter(Thread::isAlive)
        .filter(t -> t.getState() == Thread.State.WAITING)
        .filter(
            t ->
                java.util.Arrays.stream(t.getStackTrace())
                    .anyMatch(e -> e.getClassName().contains("HangingStore")))
        .collect(Collectors.toList());
  }
}

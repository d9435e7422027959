package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.testkit.FakeTokenServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code close()} while the provider holds its answer: the call in flight is cancelled before the
 * client's threads stop, so every waiter (async futures and a blocked {@code getToken()}) is told
 * at once and no thread of the client is left reading the socket.
 */
class CloseWithHungProviderTest {
  private final FakeTokenServer server = new FakeTokenServer().start();
  private final ExecutorService callers = Executors.newCachedThreadPool();

  @AfterEach
  void tearDown() {
    server.releaseAnswers();
    server.close();
    callers.shutdownNow();
  }

  @Test
  void close_withAHungProvider_tellsEveryWaiterPromptly_andLeavesNoThread() throws Exception {
    server.holdAnswers();
    SdkThreads threads = SdkThreads.snapshot();
    OAuthClient client =
        OAuthClient.builder()
            .baseUrl(server.baseUrl())
            .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
            .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
            .retryPolicy(RetryPolicy.none())
            .build();
    List<CompletableFuture<AccessToken>> waiters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiters.add(client.getTokenAsync());
    }
    for (int i = 0; i < 2; i++) {
      waiters.add(CompletableFuture.supplyAsync(client::getToken, callers));
    }
    server.awaitRequestCount(1, Duration.ofSeconds(5));

    long start = System.nanoTime();
    client.close();
    for (CompletableFuture<AccessToken> waiter : waiters) {
      assertThat(waiter)
          .as("told within 2 s of close()")
          .failsWithin(Duration.ofSeconds(2).minusNanos(System.nanoTime() - start))
          // failsWithin alone also passes on a timeout, the very hang this test is for.
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOfAny(OAuthException.class, IllegalStateException.class)
          .withMessageContaining("closed");
    }
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
    assertThat(threads.aliveAfter(Duration.ofSeconds(2))).as("threads after close()").isEmpty();
    assertThat(server.requestCount()).isOne();
  }
}

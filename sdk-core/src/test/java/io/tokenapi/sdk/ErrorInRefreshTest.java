package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tokenapi.sdk.OAuthClientListener.AttemptStarted;
import io.tokenapi.testkit.MutableClock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An {@link Error} inside a token request (a stack overflow while it is sent, a {@link TokenStore}
 * failing an assertion) ends that refresh: the Error reaches the thread that hit it, the callers
 * waiting for the refresh get a failure, and later callers get a token instead of waiting forever.
 * A caller's OkHttp {@link EventListener} is no longer among those: it runs on the client's event
 * thread, so what it throws never reaches a refresh at all.
 */
class ErrorInRefreshTest {
  private static final Duration BOUND = Duration.ofSeconds(5);

  @RegisterExtension final CacheTestClients clients = new CacheTestClients("err");
  private final MutableClock clock =
      new MutableClock(java.time.Instant.parse("2026-11-25T10:00:00Z"));

  private OAuthClient.Builder builder() {
    return clients.builder(clock, new OAuthClientListener() {}).retryPolicy(RetryPolicy.none());
  }

  /** An OkHttp listener that throws {@code error} once, at the event {@code at}. */
  private static OkHttpClient failingOnce(String at, Error error) {
    AtomicBoolean thrown = new AtomicBoolean();
    return new OkHttpClient.Builder()
        .eventListener(
            new EventListener() {
              private void maybeThrow(String event) {
                if (event.equals(at) && thrown.compareAndSet(false, true)) {
                  throw error;
                }
              }

              @Override
              public void callStart(Call call) {
                maybeThrow("callStart");
              }

              @Override
              public void responseBodyEnd(Call call, long byteCount) {
                maybeThrow("responseBodyEnd");
              }
            })
        .build();
  }

  @Test
  void errorInTheCallersEventListener_neverReachesTheRefresh() throws Exception {
    AssertionError error = new AssertionError("caller's listener failed");
    try (OAuthClient client = builder().httpClient(failingOnce("callStart", error)).build()) {
      AccessToken token = assertTimeoutPreemptively(BOUND, client::getToken, "hung");
      assertThat(token.value()).startsWith("fake-token-");
    }
  }

  @Test
  void errorInTheCallersEventListener_whileTheAnswerIsRead_neverFailsTheRefresh() {
    StackOverflowError error = new StackOverflowError("deep inside the answer");
    try (OAuthClient client = builder().httpClient(failingOnce("responseBodyEnd", error)).build()) {
      CompletableFuture<AccessToken> future = client.getTokenAsync();
      AccessToken token =
          assertTimeoutPreemptively(
              BOUND,
              () -> future.get(BOUND.toMillis(), TimeUnit.MILLISECONDS),
              "the refresh never completed");
      assertThat(token.value()).startsWith("fake-token-");
    }
  }

  /** A listener that throws {@code error} from {@code aroundAttempt} once, before it sends. */
  private static OAuthClientListener throwingAroundAttemptOnce(Error error) {
    AtomicBoolean thrown = new AtomicBoolean();
    return new OAuthClientListener() {
      @Override
      public void aroundAttempt(AttemptStarted event, Runnable send) {
        if (thrown.compareAndSet(false, true)) {
          throw error;
        }
        send.run();
      }
    };
  }

  @Test
  void errorInTheCallersOwnAttempt_reachesThatCaller_andTheNextCallerGetsAToken() {
    // aroundAttempt runs inline, on the thread that sends; an Error the JVM raised (out of stack)
    // is not a listener's bug to skip, so it goes on (SafeListener).
    StackOverflowError error = new StackOverflowError("out of stack while sending");
    try (OAuthClient client = builder().listener(throwingAroundAttemptOnce(error)).build()) {
      assertThat(client.makesFirstAttemptOnCallerThread()).isTrue();
      Throwable first = assertTimeoutPreemptively(BOUND, () -> catchThrowable(client::getToken));
      assertThat(first).isSameAs(error);

      clock.advance(Duration.ofSeconds(10)); // past the failure window
      AccessToken token = assertTimeoutPreemptively(BOUND, client::getToken, "wedged refresh");
      assertThat(token.value()).startsWith("fake-token-");
    }
  }

  @Test
  void errorOnTheClientsThreads_failsTheRefresh_andTheNextCallerGetsAToken() {
    StackOverflowError error = new StackOverflowError("out of stack on the client's thread");
    try (OAuthClient client = builder().listener(throwingAroundAttemptOnce(error)).build()) {
      CompletableFuture<AccessToken> future = client.getTokenAsync();
      Throwable failure =
          assertTimeoutPreemptively(
              BOUND,
              () -> catchThrowable(() -> future.get(BOUND.toMillis(), TimeUnit.MILLISECONDS)),
              "the refresh never completed");
      // A TimeoutException (the refresh hung) is not the failure this test wants.
      assertThat(failure).isInstanceOf(ExecutionException.class);
      assertThat(future).isCompletedExceptionally();

      clock.advance(Duration.ofSeconds(10)); // past the failure window
      AccessToken token = assertTimeoutPreemptively(BOUND, client::getToken, "wedged refresh");
      assertThat(token.value()).startsWith("fake-token-");
    }
  }

  @Test
  void errorInTheTokenStore_failsTheRefresh_andTheNextCallerGetsAToken() {
    InMemoryTokenStore memory = new InMemoryTokenStore();
    AtomicBoolean thrown = new AtomicBoolean();
    TokenStore failingOnce =
        new TokenStore() {
          @Override
          public Optional<AccessToken> load(String key) {
            if (thrown.compareAndSet(false, true)) {
              throw new AssertionError("store failed an assertion");
            }
            return memory.load(key);
          }

          @Override
          public void save(String key, AccessToken token) {
            memory.save(key, token);
          }

          @Override
          public Optional<String> tryLock(String key, Duration ttl) {
            return memory.tryLock(key, ttl);
          }

          @Override
          public void unlock(String key, String owner) {
            memory.unlock(key, owner);
          }
        };
    try (OAuthClient client = builder().tokenStore(failingOnce).build()) {
      Throwable first =
          assertTimeoutPreemptively(BOUND, () -> catchThrowable(client::getToken), "wedged");
      assertThat(first).isNotNull();

      clock.advance(Duration.ofSeconds(10)); // past the failure window
      AccessToken token = assertTimeoutPreemptively(BOUND, client::getToken, "wedged refresh");
      assertThat(token.value()).startsWith("fake-token-");
    }
  }
}

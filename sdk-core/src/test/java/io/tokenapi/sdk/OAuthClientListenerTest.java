package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tokenapi.testkit.FakeTokenServer;
import io.tokenapi.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link OAuthClientListener}: which callbacks come when, and that a listener that throws cannot
 * break the client.
 */
class OAuthClientListenerTest {
  private static final Instant T0 = Instant.parse("2025-03-03T10:00:00Z");

  @RegisterExtension final CacheTestClients clients = new CacheTestClients("listener");
  private final FakeTokenServer tokens = clients.tokens;
  private final MutableClock clock = new MutableClock(T0);
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private OAuthClient client;

  private OAuthClient.Builder builder(OAuthClientListener listener) {
    return clients.builder(clock, listener).scheduler(scheduler).random(() -> 0.5);
  }

  @Test
  void onFetchEnded_reportsTheNewToken_beforeWaitingCallersWake() {
    RecordingListener listener = new RecordingListener();
    client = clients.build(builder(listener));

    AccessToken token = client.getToken();

    // No waiting: the callback ran before getToken() returned.
    assertThat(listener.refreshed).containsExactly(token.expiresAt());
    assertThat(listener.failed).isEmpty();
    assertThat(listener.retries).isEmpty();
  }

  @Test
  void onFetchEnded_reportsEachRefresh_includingBackgroundOnes() throws Exception {
    RecordingListener listener = new RecordingListener();
    client = clients.build(builder(listener));
    AccessToken first = client.getToken();
    AccessToken second = client.refresh();

    clock.advance(Duration.ofSeconds(3300)); // stale
    assertThat(client.getToken()).isSameAs(second);
    listener.awaitRefreshed(3);

    AccessToken third = client.getToken();
    assertThat(third.value()).isEqualTo("fake-token-3");
    assertThat(listener.refreshed)
        .containsExactly(first.expiresAt(), second.expiresAt(), third.expiresAt());
    assertThat(first.value()).isEqualTo("fake-token-1");
  }

  @Test
  void onFetchEnded_reportsTheTypedCause() {
    RecordingListener listener = new RecordingListener();
    client = clients.build(builder(listener));
    tokens.failEveryRequest(409, "TEST", "scripted failure");

    Throwable thrown = catchThrowable(client::getToken);

    assertThat(thrown).isInstanceOf(ConflictException.class);
    assertThat(listener.failed).hasSize(1);
    // The caller gets its own copy (#14 defect 8): same message, the listener's one as cause.
    assertThat(thrown.getCause()).isSameAs(listener.failed.get(0));
    assertThat(thrown).hasMessage(listener.failed.get(0).getMessage());
    assertThat(listener.refreshed).isEmpty();
    assertThat(listener.retries).isEmpty(); // 409 is never retried
  }

  @Test
  void onRetryScheduled_reportsAttemptDelayAndCause() throws Exception {
    RecordingListener listener = new RecordingListener();
    client = clients.build(builder(listener));
    tokens
        .enqueueError(500, "TEST", "scripted failure")
        .enqueueError(500, "TEST", "scripted failure");

    CompletableFuture<AccessToken> future = client.getTokenAsync();
    listener.awaitRetries(1);
    scheduler.awaitPending();
    scheduler.runNext();
    listener.awaitRetries(2);
    scheduler.awaitPending();
    scheduler.runNext();

    assertThat(future.get(5, TimeUnit.SECONDS).value()).isEqualTo("fake-token-1");
    assertThat(listener.retries).hasSize(2);
    // Full jitter 0.5 of the 500 ms first backoff, then of the doubled 1000 ms one.
    assertThat(listener.retries.get(0).attempt()).isEqualTo(1);
    assertThat(listener.retries.get(0).delay()).isEqualTo(Duration.ofMillis(250));
    assertThat(listener.retries.get(0).cause()).isInstanceOf(InternalServerErrorException.class);
    assertThat(listener.retries.get(1).attempt()).isEqualTo(2);
    assertThat(listener.retries.get(1).delay()).isEqualTo(Duration.ofMillis(500));
    assertThat(listener.refreshed).hasSize(1);
    assertThat(listener.failed).isEmpty();
  }

  @Test
  void listenerCallingTheClientFromACallback_doesNotDeadlock() throws Exception {
    // When a callback runs, the refresh is no longer in flight: a listener that asks the client for
    // a token gets the cached outcome instead of waiting for the refresh its own thread has yet to
    // complete.
    AtomicReference<OAuthClient> self = new AtomicReference<>();
    CompletableFuture<Object> askedOnFailure = new CompletableFuture<>();
    CompletableFuture<AccessToken> askedOnRefresh = new CompletableFuture<>();
    OAuthClientListener reentrant =
        new OAuthClientListener() {
          @Override
          public void onFetchEnded(FetchEnded event) {
            if (event.failure() == null) {
              askedOnRefresh.complete(self.get().getToken());
              return;
            }
            try {
              askedOnFailure.complete(self.get().getToken());
            } catch (RuntimeException e) {
              askedOnFailure.complete(e);
            }
          }
        };
    client = clients.build(builder(reentrant).retryPolicy(RetryPolicy.none()));
    self.set(client);
    tokens.enqueueError(500, "TEST", "scripted failure");

    CompletableFuture<AccessToken> failing = client.getTokenAsync();
    assertThat(askedOnFailure.get(5, TimeUnit.SECONDS))
        .isInstanceOf(InternalServerErrorException.class);
    // failsWithin alone also passes on a timeout: the future must have failed with the 500.
    assertThat(failing)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(InternalServerErrorException.class);

    clock.advance(Duration.ofSeconds(2)); // past the negative cache
    AccessToken token = client.getTokenAsync().get(5, TimeUnit.SECONDS);
    assertThat(askedOnRefresh.get(5, TimeUnit.SECONDS)).isSameAs(token);
    assertThat(tokens.requestCount()).isEqualTo(2);
  }

  /**
   * A listener whose every callback throws: a RuntimeException, or an Error such as a failed
   * assertion.
   */
  private static final class ThrowingListener
      implements OAuthClientListener, ListenerDispatcher.Inline {
    final boolean error;
    final AtomicInteger calls = new AtomicInteger();

    ThrowingListener(boolean error) {
      this.error = error;
    }

    private void fail() {
      calls.incrementAndGet();
      if (error) {
        throw new AssertionError("listener bug");
      }
      throw new IllegalStateException("listener bug");
    }

    @Override
    public void onFetchEnded(FetchEnded event) {
      fail();
    }

    @Override
    public void onRetryScheduled(RetryScheduled event) {
      fail();
    }
  }

  @ParameterizedTest(name = "throws Error: {0}")
  @ValueSource(booleans = {false, true})
  void listenerThatThrows_doesNotBreakTheClient(boolean error) throws Exception {
    ThrowingListener listener = new ThrowingListener(error);
    client = clients.build(builder(listener));

    // A retry (onRetryScheduled throws), then a token (onFetchEnded throws).
    tokens.enqueueError(500, "TEST", "scripted failure");
    CompletableFuture<AccessToken> future = client.getTokenAsync();
    scheduler.awaitPending();
    scheduler.runNext();
    AccessToken token = future.get(5, TimeUnit.SECONDS);
    assertThat(token.value()).isEqualTo("fake-token-1");
    assertThat(client.getToken()).isSameAs(token);

    // A failure (onFetchEnded throws) still reaches the caller typed.
    client.invalidate(token);
    tokens.failEveryRequest(409, "TEST", "scripted failure");
    assertThatThrownBy(client::getToken).isInstanceOf(ConflictException.class);

    // And the client recovers once the negative cache has passed.
    tokens.stopFailing();
    clock.advance(Duration.ofSeconds(2));
    assertThat(client.getToken().value()).isEqualTo("fake-token-2");
    assertThat(listener.calls).hasValue(4);
  }
}

package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tokenapi.testkit.FakeTokenServer;
import io.tokenapi.testkit.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A failure is shaped once, where it happened, and no stage above rewraps it: the exception the
 * cache records (the listener's {@code FetchEnded.failure}) is the one the endpoint made, with no
 * other OAuthException and no future's wrapper in its cause chain, whether it came up through the
 * retry loop alone or through the token store's fetcher too. The caller gets that exception's own
 * per-caller copy ({@link OAuthException#forCaller()}), unwrapped once for a blocking caller.
 */
class ExceptionBoundaryTest {
  private final FakeTokenServer tokens = new FakeTokenServer();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));

  static Stream<Arguments> failures() {
    List<Arguments> all = new ArrayList<>();
    for (boolean store : new boolean[] {false, true}) {
      for (boolean blocking : new boolean[] {true, false}) {
        all.add(
            arguments("409", s -> s.enqueueConflict(), ConflictException.class, store, blocking));
        all.add(
            arguments(
                "500",
                s -> s.enqueueServerError(),
                InternalServerErrorException.class,
                store,
                blocking));
        all.add(
            arguments(
                "503", s -> s.enqueueClosed(), ServiceUnavailableException.class, store, blocking));
        all.add(
            arguments(
                "429",
                s -> s.enqueueError(429, "SLOW", "slow down"),
                RateLimitedException.class,
                store,
                blocking));
        all.add(
            arguments(
                "400",
                s -> s.enqueueError(400, "BAD", "bad"),
                ApiException.class,
                store,
                blocking));
        all.add(
            arguments(
                "disconnect",
                s -> s.enqueueDisconnect(),
                TransportException.class,
                store,
                blocking));
        all.add(
            arguments(
                "truncated JSON",
                s -> s.enqueueTruncatedJson(),
                InvalidResponseException.class,
                store,
                blocking));
      }
    }
    return all.stream();
  }

  private static Arguments arguments(
      String name,
      Consumer<FakeTokenServer> script,
      Class<? extends OAuthException> type,
      boolean store,
      boolean blocking) {
    return Arguments.of(
        name + (store ? " via a token store" : "") + (blocking ? ", blocking" : ", async"),
        script,
        type,
        store,
        blocking);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void theEndpointsException_reachesTheCacheUnwrapped_andTheCallerAsItsOwnCopy(
      String name,
      Consumer<FakeTokenServer> script,
      Class<? extends OAuthException> type,
      boolean store,
      boolean blocking)
      throws Exception {
    tokens.credentials("boundary-id", "boundary-secret").start();
    // Listeners are told on the client's event thread: the test waits for the event, not for time.
    CompletableFuture<OAuthException> recorded = new CompletableFuture<>();
    OAuthClient.Builder builder =
        OAuthClient.builder()
            .baseUrl(tokens.baseUrl())
            .clientId("boundary-id")
            .clientSecret("boundary-secret")
            .clock(clock)
            .retryPolicy(RetryPolicy.none())
            .listener(
                new OAuthClientListener() {
                  @Override
                  public void onFetchEnded(FetchEnded event) {
                    recorded.complete(event.failure());
                  }
                });
    if (store) {
      builder.tokenStore(new InMemoryTokenStore());
    }
    script.accept(tokens);
    try (OAuthClient client = builder.build()) {
      Throwable thrown =
          blocking
              ? catchThrowable(client::getToken)
              : catchThrowable(() -> client.getTokenAsync().get(10, TimeUnit.SECONDS));
      Throwable caller = blocking ? thrown : ((ExecutionException) thrown).getCause();

      OAuthException shared = recorded.get(10, TimeUnit.SECONDS);
      assertThat(shared).as("the failure the cache recorded").isExactlyInstanceOf(type);
      assertShapedOnceAtTheEndpoint(shared);
      assertThat(caller).isExactlyInstanceOf(type).isNotSameAs(shared);
      assertThat(caller.getMessage()).isEqualTo(shared.getMessage());
      if (shared instanceof ApiException) {
        assertThat(caller.getCause()).as("an HTTP failure's copy").isSameAs(shared);
      } else {
        assertThat(caller.getCause()).isSameAs(shared.getCause());
        assertThat(caller.getStackTrace()).isEqualTo(shared.getStackTrace());
      }
    } finally {
      tokens.close();
    }
  }

  /**
   * No stage above the endpoint wrapped it (it is the only OAuthException in its chain, and no
   * future's wrapper is in it), and it was made in the endpoint (its factories aside), before any
   * stage above.
   */
  private static void assertShapedOnceAtTheEndpoint(OAuthException shared) {
    for (Throwable t = shared.getCause(); t != null; t = t.getCause()) {
      assertThat(t)
          .as("cause of %s", shared)
          .isNotInstanceOf(OAuthException.class)
          .isNotInstanceOf(CompletionException.class)
          .isNotInstanceOf(ExecutionException.class)
          .isNotInstanceOf(RetryingTokenSource.FailedAttempt.class);
    }
    String maker = null;
    for (StackTraceElement frame : shared.getStackTrace()) {
      String c = frame.getClassName();
      boolean factory =
          c.equals(ExceptionFactory.class.getName())
              || c.equals(TokenResponseParser.class.getName())
              || c.endsWith("Exception");
      if (!factory) {
        maker = c;
        break;
      }
    }
    assertThat(maker).as("where %s was made", shared).startsWith(TokenEndpoint.class.getName());
  }
}

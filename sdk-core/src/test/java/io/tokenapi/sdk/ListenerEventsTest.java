package io.tokenapi.sdk;

import static io.tokenapi.sdk.RetryTesting.drive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.sdk.OAuthClientListener.AttemptEnded;
import io.tokenapi.sdk.OAuthClientListener.AttemptOutcome;
import io.tokenapi.sdk.OAuthClientListener.AttemptStarted;
import io.tokenapi.sdk.OAuthClientListener.FetchEnded;
import io.tokenapi.sdk.OAuthClientListener.FetchStarted;
import io.tokenapi.sdk.OAuthClientListener.RetryReason;
import io.tokenapi.sdk.OAuthClientListener.RetryScheduled;
import io.tokenapi.sdk.OAuthClientListener.StateChanged;
import io.tokenapi.sdk.OAuthClientListener.StoreEvent;
import io.tokenapi.sdk.OAuthClientListener.StoreEventKind;
import io.tokenapi.sdk.OAuthClientListener.TokenObtained;
import io.tokenapi.sdk.OAuthClientListener.TokenOrigin;
import io.tokenapi.sdk.TokenStatus.State;
import io.tokenapi.testkit.FakeTokenServer;
import io.tokenapi.testkit.MutableClock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The listener events of each kind of fetch against the testkit's fake provider, in order and with
 * their values; several listeners, and listeners that misbehave.
 */
class ListenerEventsTest {
  private static final String CLIENT_ID = "events-client-id-7f3";
  private static final String SECRET = "events-s3cret-9c1";

  /** A Wednesday, 20:00 UTC. */
  private static final Instant NOW = Instant.parse("2026-11-25T20:00:00Z");

  private static final Duration HOUR = Duration.ofHours(1);

  private final FakeTokenServer server =
      new FakeTokenServer().credentials(CLIENT_ID, SECRET).start();
  private final MutableClock clock = new MutableClock(NOW);
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final EventLog log = new EventLog();
  private final List<OAuthClient> clients = new ArrayList<>();

  @AfterEach
  void close() {
    clients.forEach(OAuthClient::close);
    server.close();
  }

  private OAuthClient.Builder builder() {
    return OAuthClient.builder()
        .baseUrl(server.baseUrl())
        .clientId(CLIENT_ID)
        .clientSecret(SECRET)
        .clock(clock)
        .random(() -> 0.0);
  }

  private OAuthClient build(OAuthClient.Builder builder) {
    OAuthClient client = builder.build();
    clients.add(client);
    return client;
  }

  private OAuthClient client() {
    return build(builder().listener(log));
  }

  @Test
  void success_onTheCallersThread_firesOneFetchInOrder() {
    AccessToken token = client().getToken();

    assertThat(log.kinds())
        .containsExactly(
            "FetchStarted",
            "AttemptStarted",
            "Around",
            "AttemptEnded",
            "TokenObtained",
            "StateChanged",
            "FetchEnded");
    assertThat(log.only(FetchStarted.class)).isEqualTo(new FetchStarted(1, false, NOW));
    HttpUrl url = HttpUrl.get(server.baseUrl());
    AttemptStarted started = log.only(AttemptStarted.class);
    assertThat(started).isEqualTo(new AttemptStarted(1, 1, true, "POST", url.host(), url.port()));
    assertThat(log.only(EventLog.Around.class))
        .isEqualTo(new EventLog.Around(started, Thread.currentThread()));
    assertThat(log.only(AttemptEnded.class))
        .isEqualTo(new AttemptEnded(1, 1, true, Duration.ZERO, AttemptOutcome.SUCCESS, 200, null));
    assertThat(log.only(TokenObtained.class))
        .isEqualTo(new TokenObtained(1, TokenOrigin.PROVIDER, HOUR, NOW.plus(HOUR)));
    assertThat(token.expiresAt()).isEqualTo(NOW.plus(HOUR));
    assertThat(log.only(StateChanged.class))
        .isEqualTo(new StateChanged(State.EXPIRED, State.FRESH));
    assertThat(log.only(FetchEnded.class)).isEqualTo(new FetchEnded(1, 1, Duration.ZERO, null));
  }

  @Test
  void conflict_endsTheFetchWithTheFailure_andNoRetry() {
    server.enqueueConflict();
    OAuthClient client = client();

    assertThatThrownBy(client::getToken).isInstanceOf(ConflictException.class);

    assertThat(log.kinds())
        .containsExactly(
            "FetchStarted",
            "AttemptStarted",
            "Around",
            "AttemptEnded",
            "StateChanged",
            "FetchEnded");
    assertThat(log.only(AttemptEnded.class))
        .isEqualTo(
            new AttemptEnded(
                1, 1, true, Duration.ZERO, AttemptOutcome.HTTP_ERROR, 409, "ConflictException"));
    assertThat(log.only(StateChanged.class))
        .isEqualTo(new StateChanged(State.EXPIRED, State.FAILING));
    FetchEnded ended = log.only(FetchEnded.class);
    assertThat(ended.attempts()).isEqualTo(1);
    assertThat(ended.failure()).isInstanceOf(ConflictException.class);
  }

  @Test
  void serviceUnavailableWithRetryAfter_schedulesARetryForThatLong_thenSucceeds() {
    server.enqueueClosed(Duration.ofSeconds(30));
    OAuthClient client = build(builder().listener(log).scheduler(scheduler));

    drive(scheduler, client.getTokenAsync());

    assertThat(log.kinds())
        .containsExactly(
            "FetchStarted",
            "AttemptStarted",
            "Around",
            "AttemptEnded",
            "RetryScheduled",
            "AttemptStarted",
            "Around",
            "AttemptEnded",
            "TokenObtained",
            "StateChanged",
            "FetchEnded");
    List<AttemptEnded> attempts = log.of(AttemptEnded.class);
    assertThat(attempts.get(0))
        .isEqualTo(
            new AttemptEnded(
                1,
                1,
                false,
                Duration.ZERO,
                AttemptOutcome.HTTP_ERROR,
                503,
                "ServiceUnavailableException"));
    assertThat(attempts.get(1).attempt()).isEqualTo(2);
    assertThat(attempts.get(1).outcome()).isEqualTo(AttemptOutcome.SUCCESS);
    RetryScheduled retry = log.only(RetryScheduled.class);
    assertThat(retry.fetchId()).isEqualTo(1);
    assertThat(retry.attempt()).isEqualTo(1);
    assertThat(retry.delay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(retry.reason()).isEqualTo(RetryReason.RETRY_AFTER);
    assertThat(retry.cause()).isInstanceOf(ServiceUnavailableException.class);
    assertThat(log.of(AttemptStarted.class))
        .extracting(AttemptStarted::attempt)
        .containsExactly(1, 2);
    // Durations come from the client's clock, which the scheduler moved through the wait.
    assertThat(log.only(FetchEnded.class))
        .isEqualTo(new FetchEnded(1, 2, Duration.ofSeconds(30), null));
  }

  @Test
  void serviceUnavailableOutsideWorkingHours_waitsForTheOpening() {
    server.enqueueClosed();
    WorkingHours office =
        WorkingHours.of(
            ZoneOffset.UTC,
            LocalTime.of(8, 0),
            LocalTime.of(16, 0),
            EnumSet.allOf(DayOfWeek.class));
    OAuthClient client =
        build(
            builder()
                .listener(log)
                .scheduler(scheduler)
                .workingHours(office)
                .retryPolicy(RetryPolicy.builder().maxWait(Duration.ofHours(13)).build()));

    drive(scheduler, client.getTokenAsync());

    RetryScheduled retry = log.only(RetryScheduled.class);
    assertThat(retry.reason()).isEqualTo(RetryReason.WORKING_HOURS);
    assertThat(retry.delay()).isEqualTo(Duration.ofHours(12));
  }

  @Test
  void transportFailure_isATransportErrorAttempt_retriedWithBackoff() {
    server.enqueueDisconnect();
    OAuthClient client = build(builder().listener(log).scheduler(scheduler));

    drive(scheduler, client.getTokenAsync());

    AttemptEnded failed = log.of(AttemptEnded.class).get(0);
    assertThat(failed.outcome()).isEqualTo(AttemptOutcome.TRANSPORT_ERROR);
    assertThat(failed.statusCode()).isZero();
    // The I/O failure's own type, not the SDK's wrapper.
    assertThat(failed.errorType()).isNotBlank().isNotEqualTo("TransportException");
    assertThat(log.only(RetryScheduled.class).reason()).isEqualTo(RetryReason.BACKOFF);
    assertThat(log.only(FetchEnded.class).attempts()).isEqualTo(2);
  }

  @Test
  void storeHit_obtainsTheTokenFromTheStore_withoutAnAttempt() {
    InMemoryTokenStore store = new InMemoryTokenStore(clock);
    store.save(storeKey(), AccessToken.of("from-the-store", NOW.plus(HOUR)));
    OAuthClient client = build(builder().listener(log).tokenStore(store));

    assertThat(client.getToken().value()).isEqualTo("from-the-store");

    assertThat(log.kinds())
        .containsExactly(
            "FetchStarted", "StoreEvent", "TokenObtained", "StateChanged", "FetchEnded");
    assertThat(log.only(StoreEvent.class)).isEqualTo(new StoreEvent(1, StoreEventKind.HIT));
    assertThat(log.only(TokenObtained.class))
        .isEqualTo(new TokenObtained(1, TokenOrigin.STORE, HOUR, NOW.plus(HOUR)));
    assertThat(log.only(FetchEnded.class)).isEqualTo(new FetchEnded(1, 0, Duration.ZERO, null));
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void storeMiss_takesTheLock_andFetchesFromTheProvider() {
    OAuthClient client = build(builder().listener(log).tokenStore(new InMemoryTokenStore(clock)));

    client.getToken();

    assertThat(log.kinds())
        .containsExactly(
            "FetchStarted",
            "StoreEvent",
            "StoreEvent",
            "AttemptStarted",
            "Around",
            "AttemptEnded",
            "TokenObtained",
            "StateChanged",
            "FetchEnded");
    assertThat(log.of(StoreEvent.class))
        .extracting(StoreEvent::kind)
        .containsExactly(StoreEventKind.MISS, StoreEventKind.LOCK_TAKEN);
    assertThat(log.only(AttemptStarted.class).callerThread()).isFalse();
    assertThat(log.only(TokenObtained.class).origin()).isEqualTo(TokenOrigin.PROVIDER);
    assertThat(log.only(FetchEnded.class).attempts()).isEqualTo(1);
  }

  @Test
  void staleToken_isNoticed_andRefreshedInTheBackground() throws Exception {
    OAuthClient client = client();
    AccessToken first = client.getToken();
    clock.advance(Duration.ofMinutes(56)); // inside the 5-minute refresh-ahead window

    assertThat(client.getToken()).isEqualTo(first);

    RetryTesting.awaitTrue(() -> log.of(FetchEnded.class).size() == 2, "the background refresh");
    assertThat(log.of(FetchStarted.class))
        .extracting(FetchStarted::background)
        .containsExactly(false, true);
    assertThat(log.of(StateChanged.class))
        .containsExactly(
            new StateChanged(State.EXPIRED, State.FRESH),
            new StateChanged(State.FRESH, State.STALE),
            new StateChanged(State.STALE, State.FRESH));
    assertThat(log.of(AttemptStarted.class).get(1))
        .satisfies(a -> assertThat(a.fetchId()).isEqualTo(2))
        .satisfies(a -> assertThat(a.callerThread()).isFalse());
  }

  @Test
  void everyListener_getsEveryEvent_inTheOrderAdded() {
    EventLog second = new EventLog();
    List<String> order = new ArrayList<>();
    OAuthClient client =
        build(
            builder()
                .listener(
                    new OAuthClientListener() {
                      @Override
                      public void onFetchStarted(FetchStarted event) {
                        order.add("first");
                      }
                    })
                .listener(log)
                .listener(second)
                .listener(
                    new OAuthClientListener() {
                      @Override
                      public void onFetchStarted(FetchStarted event) {
                        order.add("last");
                      }
                    }));

    client.getToken();

    assertThat(second.kinds()).hasSize(7).isEqualTo(log.kinds());
    assertThat(second.events()).isEqualTo(log.events());
    assertThat(order).containsExactly("first", "last");
  }

  @Test
  void aListenerThatThrowsEverywhere_changesNothing_forTheCallOrTheOtherListeners() {
    OAuthClient client = build(builder().listener(new ThrowingListener()).listener(log));

    AccessToken token = client.getToken();

    assertThat(server.isValid(token.value())).isTrue();
    assertThat(server.requestCount()).isEqualTo(1);
    assertThat(log.kinds())
        .containsExactly(
            "FetchStarted",
            "AttemptStarted",
            "Around",
            "AttemptEnded",
            "TokenObtained",
            "StateChanged",
            "FetchEnded");
  }

  /**
   * Running out of stack inside a listener propagates (it is the JVM's state, not the listener's)
   * to the thread it happened on, and only as far as the fetch it happened in: that fetch ends, and
   * the client goes on. An application listener runs on the client's event thread, so there the
   * Error ends that thread's task (the pool starts another), not the fetch.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"onFetchStarted", "onAttemptStarted", "onAttemptEnded", "onTokenObtained"})
  void aVirtualMachineErrorFromAListener_endsThatFetch_andWedgesNothing(String where)
      throws Exception {
    AtomicBoolean thrown = new AtomicBoolean();
    java.util.concurrent.CountDownLatch threw = new java.util.concurrent.CountDownLatch(1);
    Runnable maybeThrow =
        () -> {
          if (thrown.compareAndSet(false, true)) {
            threw.countDown();
            throw new StackOverflowError("listener " + where);
          }
        };
    OAuthClient client =
        build(
            builder()
                .listener(
                    new OAuthClientListener() {
                      @Override
                      public void onFetchStarted(FetchStarted event) {
                        if (where.equals("onFetchStarted")) {
                          maybeThrow.run();
                        }
                      }

                      @Override
                      public void onAttemptStarted(AttemptStarted event) {
                        if (where.equals("onAttemptStarted")) {
                          maybeThrow.run();
                        }
                      }

                      @Override
                      public void onAttemptEnded(AttemptEnded event) {
                        if (where.equals("onAttemptEnded")) {
                          maybeThrow.run();
                        }
                      }

                      @Override
                      public void onTokenObtained(TokenObtained event) {
                        if (where.equals("onTokenObtained")) {
                          maybeThrow.run();
                        }
                      }
                    }));

    CompletableFuture<AccessToken> first;
    try {
      first = client.getTokenAsync();
    } catch (StackOverflowError hitThisThread) {
      // Thrown where the fetch started on this thread: the Error reaches the thread that hit it.
      first = CompletableFuture.failedFuture(hitThisThread);
    }

    first.handle((token, error) -> null).get(5, TimeUnit.SECONDS);
    assertThat(threw.await(5, TimeUnit.SECONDS)).isTrue(); // delivered on the event thread
    assertThat(thrown).isTrue();
    clock.advance(Duration.ofSeconds(5)); // past a failure window
    assertThat(server.isValid(client.getToken().value())).isTrue();
  }

  @Test
  void aroundAttempt_thatNeverSends_orSendsTwice_stillSendsExactlyOnce() {
    OAuthClient client =
        build(
            builder()
                .listener(
                    new OAuthClientListener() {
                      @Override
                      public void aroundAttempt(AttemptStarted event, Runnable send) {
                        // forgets to send
                      }
                    })
                .listener(
                    new OAuthClientListener() {
                      @Override
                      public void aroundAttempt(AttemptStarted event, Runnable send) {
                        send.run();
                        send.run();
                      }
                    }));

    client.getToken();

    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void aroundAttempt_wrapsTheRequest_onTheThreadThatSendsIt() {
    AtomicInteger before = new AtomicInteger(-1);
    AtomicInteger after = new AtomicInteger(-1);
    List<Thread> threads = new ArrayList<>();
    OAuthClient client =
        build(
            builder()
                .listener(
                    new OAuthClientListener() {
                      @Override
                      public void aroundAttempt(AttemptStarted event, Runnable send) {
                        threads.add(Thread.currentThread());
                        before.set(server.requestCount());
                        send.run();
                        after.set(server.requestCount());
                      }
                    }));

    client.getToken();

    // A blocking caller's attempt runs inside aroundAttempt, on the caller's thread.
    assertThat(threads).containsExactly(Thread.currentThread());
    assertThat(before.get()).isZero();
    assertThat(after.get()).isEqualTo(1);
  }

  @Test
  void noEvent_carriesTheSecret_aTokenValue_orTheClientId() {
    server.enqueueConflict();
    OAuthClient client = build(builder().listener(log).scheduler(scheduler));
    assertThatThrownBy(client::getToken).isInstanceOf(ConflictException.class);
    clock.advance(Duration.ofSeconds(5)); // past the failure window
    server.enqueueClosed(Duration.ofSeconds(3));
    server.enqueueDisconnect();
    drive(scheduler, client.getTokenAsync());
    InMemoryTokenStore store = new InMemoryTokenStore(clock);
    store.save(storeKey(), AccessToken.of("stored-token-value-5d2", NOW.plus(HOUR)));
    OAuthClient shared = build(builder().listener(log).tokenStore(store));
    shared.getToken();

    List<String> texts = new ArrayList<>();
    for (Object event : log.events()) {
      texts.add(event.toString());
      if (event instanceof FetchEnded && ((FetchEnded) event).failure() != null) {
        texts.add(String.valueOf(((FetchEnded) event).failure()));
      }
    }
    texts.add(client.status().toString());
    texts.add(shared.status().toString());
    assertThat(server.issuedTokens()).isNotEmpty();
    List<String> forbidden = new ArrayList<>(server.issuedTokens());
    forbidden.add("stored-token-value-5d2");
    forbidden.add(SECRET);
    forbidden.add(CLIENT_ID);
    assertThat(log.kinds()).contains("RetryScheduled", "StoreEvent", "TokenObtained");
    for (String text : texts) {
      for (String secret : forbidden) {
        assertThat(text).doesNotContain(secret);
      }
    }
  }

  private String storeKey() {
    return SharedTokenFetcher.key(HttpUrl.get(server.tokenUrl()), CLIENT_ID, null);
  }

  /** Throws from every callback, before sending in aroundAttempt. */
  private static final class ThrowingListener
      implements OAuthClientListener, ListenerDispatcher.Inline {
    @Override
    public void onFetchStarted(FetchStarted event) {
      throw new IllegalStateException("listener bug");
    }

    @Override
    public void onAttemptStarted(AttemptStarted event) {
      throw new AssertionError("listener bug");
    }

    @Override
    public void aroundAttempt(AttemptStarted event, Runnable send) {
      throw new IllegalStateException("listener bug");
    }

    @Override
    public void onAttemptEnded(AttemptEnded event) {
      throw new IllegalStateException("listener bug");
    }

    @Override
    public void onTokenObtained(TokenObtained event) {
      throw new IllegalStateException("listener bug");
    }

    @Override
    public void onStateChanged(StateChanged event) {
      throw new IllegalStateException("listener bug");
    }

    @Override
    public void onFetchEnded(FetchEnded event) {
      throw new IllegalStateException("listener bug");
    }
  }
}

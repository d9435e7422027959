package io.tokenapi.sdk;

import static io.tokenapi.sdk.RetryTesting.ALMOST_ONE;
import static io.tokenapi.sdk.RetryTesting.drive;
import static io.tokenapi.sdk.RetryTesting.status;
import static io.tokenapi.sdk.RetryTesting.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tokenapi.sdk.logcapture.CapturingLogs;
import io.tokenapi.testkit.MutableClock;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.event.Level;

/**
 * Every retry rule on a fake clock: the HTTP attempts are real (loopback), every wait runs on a
 * {@link ManualScheduler}, so the waits the SDK chose are read from {@link
 * ManualScheduler#scheduledDelays()}.
 */
class RetryRulesTest {
  private static final String SECRET = "retry-test-s3cret";
  private static final ZoneId OSLO = ZoneId.of("Europe/Oslo");
  private static final EnumSet<DayOfWeek> WEEKDAYS =
      EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);

  /** Mon-Fri 08:00-16:00 Oslo (UTC+1 in winter, UTC+2 in summer). */
  private static final WorkingHours OFFICE =
      WorkingHours.of(OSLO, LocalTime.of(8, 0), LocalTime.of(16, 0), WEEKDAYS);

  /** 2026-11-25 is a Wednesday; 10:00Z is 11:00 in Oslo: open. */
  private static final Instant WEDNESDAY_MORNING = Instant.parse("2026-11-25T10:00:00Z");

  /** 19:00Z is 20:00 in Oslo: closed until Thursday 08:00 Oslo = 07:00Z, twelve hours on. */
  private static final Instant WEDNESDAY_EVENING = Instant.parse("2026-11-25T19:00:00Z");

  @StartStop final MockWebServer server = new MockWebServer();
  private final MutableClock clock = new MutableClock(WEDNESDAY_MORNING);
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final List<OAuthClient> clients = new ArrayList<>();
  private volatile double jitter = 0.0;

  @AfterEach
  void closeClients() {
    clients.forEach(OAuthClient::close);
  }

  private OAuthClient.Builder builder() {
    return OAuthClient.builder()
        .baseUrl(server.url("/"))
        .clientId("id")
        .clientSecret(SECRET)
        .clock(clock)
        .scheduler(scheduler)
        .random(() -> jitter);
  }

  private OAuthClient client(RetryPolicy policy) {
    return track(builder().retryPolicy(policy).build());
  }

  private OAuthClient client(RetryPolicy policy, WorkingHours hours) {
    return track(builder().retryPolicy(policy).workingHours(hours).build());
  }

  private OAuthClient track(OAuthClient client) {
    clients.add(client);
    return client;
  }

  private static RetryPolicy maxWait(Duration maxWait) {
    return RetryPolicy.builder().maxWait(maxWait).build();
  }

  private void enqueue(MockResponse... responses) {
    for (MockResponse r : responses) {
      server.enqueue(r);
    }
  }

  private static AccessToken get(OAuthClient client, ManualScheduler scheduler) {
    return drive(scheduler, client.getTokenAsync());
  }

  private <T extends Throwable> T failure(OAuthClient client, Class<T> type) {
    T e = catchThrowableOfType(type, () -> get(client, scheduler));
    assertThat(e).as("expected a %s", type.getSimpleName()).isNotNull();
    return e;
  }

  private List<Long> waits() {
    return scheduler.scheduledDelays();
  }

  @Nested
  class RetryAfterOn503 {
    @Test
    void deltaSeconds_waitsThatLong_thenSucceeds() {
      enqueue(status(503, "30"), token("t1"));

      AccessToken t = get(client(RetryPolicy.defaults()), scheduler);

      assertThat(t.value()).isEqualTo("t1");
      assertThat(waits()).containsExactly(30_000L);
      assertThat(server.getRequestCount()).isEqualTo(2);
      assertThat(clock.instant()).isEqualTo(WEDNESDAY_MORNING.plusSeconds(30));
    }

    @Test
    void deltaSeconds_addsAnOpeningSpreadOfAtMostATenthOfTheWait() {
      jitter = ALMOST_ONE;
      enqueue(status(503, "30"), token("t1"));

      get(client(RetryPolicy.defaults()), scheduler);

      assertThat(waits()).containsExactly(33_000L);
    }

    @Test
    void httpDate_waitsUntilThatInstant() {
      enqueue(status(503, "Wed, 25 Nov 2026 10:00:45 GMT"), token("t1"));

      get(client(RetryPolicy.defaults()), scheduler);

      assertThat(waits()).containsExactly(45_000L);
      assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void zeroOrPastDate_retriesAfterTheBackoffFloor_notInABusyLoop_andOkHttpAddsNoRequest() {
      jitter = ALMOST_ONE;
      enqueue(status(503, "0"), status(503, "Wed, 25 Nov 2026 09:00:00 GMT"), token("t1"));

      get(client(RetryPolicy.defaults()), scheduler);

      // Floor: full jitter counted by closures (500, 1000 at most); OkHttp's own repeat of
      // "Retry-After: 0" would have made this 4 or 5 requests.
      assertThat(waits()).containsExactly(500L, 1_000L);
      assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"-5", "soon", "1.5", "Thu, 99 Foo 2026 10:00:00 GMT"})
    void absentNegativeOrGarbage_isTransient_exponentialBackoffCountedAgainstMaxAttempts(
        String retryAfter) {
      jitter = ALMOST_ONE;
      MockResponse unavailable = retryAfter == null ? status(503) : status(503, retryAfter);
      enqueue(unavailable, unavailable, unavailable, unavailable);

      ServiceUnavailableException e =
          failure(client(RetryPolicy.defaults()), ServiceUnavailableException.class);

      assertThat(waits()).containsExactly(500L, 1_000L, 2_000L);
      assertThat(server.getRequestCount()).isEqualTo(4);
      assertThat(e.retryAt()).isEmpty();
    }

    @Test
    void huge_isCappedAtSevenDays_andFailsAtOnceBeyondMaxWait_withRetryAt() {
      enqueue(status(503, "99999999999999999999"));

      ServiceUnavailableException e =
          failure(client(RetryPolicy.defaults()), ServiceUnavailableException.class);

      assertThat(e.retryAt()).contains(WEDNESDAY_MORNING.plus(Duration.ofDays(7)));
      assertThat(server.getRequestCount()).isEqualTo(1);
      assertThat(waits()).isEmpty();
      assertThat(clock.instant()).isEqualTo(WEDNESDAY_MORNING);
    }

    @Test
    void huge_withMaxWaitBeyondSevenDays_waitsSevenDaysPlusAtMostThirtySeconds() {
      jitter = ALMOST_ONE;
      enqueue(status(503, "99999999999"), token("t1"));

      get(client(maxWait(Duration.ofDays(8))), scheduler);

      assertThat(waits()).containsExactly(Duration.ofDays(7).plusSeconds(30).toMillis());
    }

    @Test
    void beyondMaxWait_failsAtOnceWithTheLastException_carryingRetryAt() {
      enqueue(status(503, "120"));

      ServiceUnavailableException e =
          failure(client(RetryPolicy.defaults()), ServiceUnavailableException.class);

      assertThat(e.retryAt()).contains(WEDNESDAY_MORNING.plusSeconds(120));
      assertThat(e.getMessage())
          .contains("503")
          .contains(WEDNESDAY_MORNING.plusSeconds(120).toString());
      assertThat(server.getRequestCount()).isEqualTo(1);
      assertThat(waits()).isEmpty();
    }
  }

  @Nested
  class WorkingHoursOn503WithoutRetryAfter {
    @Test
    void closed_waitsUntilNextOpening_thenSucceeds() {
      clock.set(WEDNESDAY_EVENING);
      enqueue(status(503), token("t1"));

      AccessToken t = get(client(maxWait(Duration.ofHours(14)), OFFICE), scheduler);

      assertThat(t.value()).isEqualTo("t1");
      assertThat(waits()).containsExactly(Duration.ofHours(12).toMillis());
      assertThat(clock.instant()).isEqualTo(Instant.parse("2026-11-26T07:00:00Z"));
      assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void closedForHours_spreadIsAtMostThirtySeconds() {
      clock.set(WEDNESDAY_EVENING);
      jitter = ALMOST_ONE;
      enqueue(status(503), token("t1"));

      get(client(maxWait(Duration.ofHours(14)), OFFICE), scheduler);

      assertThat(waits()).containsExactly(Duration.ofHours(12).plusSeconds(30).toMillis());
    }

    @Test
    void closedAMinuteBeforeOpening_spreadIsAtMostATenthOfTheWait() {
      clock.set(Instant.parse("2026-11-26T06:59:00Z")); // Thursday 07:59 Oslo
      jitter = ALMOST_ONE;
      enqueue(status(503), token("t1"));

      get(client(maxWait(Duration.ofMinutes(2)), OFFICE), scheduler);

      assertThat(waits()).containsExactly(66_000L);
    }

    @Test
    void closedOverSpringForward_waitsElevenRealHoursForTwelveWallClockHours() {
      // Saturday 28 March 2026 20:00 CET; clocks jump 02:00 -> 03:00; Sunday 08:00 CEST = 06:00Z.
      clock.set(Instant.parse("2026-03-28T19:00:00Z"));
      WorkingHours everyDay =
          WorkingHours.of(
              OSLO, LocalTime.of(8, 0), LocalTime.of(16, 0), EnumSet.allOf(DayOfWeek.class));
      enqueue(status(503), token("t1"));

      get(client(maxWait(Duration.ofHours(14)), everyDay), scheduler);

      assertThat(waits()).containsExactly(Duration.ofHours(11).toMillis());
      assertThat(clock.instant()).isEqualTo(Instant.parse("2026-03-29T06:00:00Z"));
    }

    @Test
    void closedOverFallBack_waitsThirteenRealHoursForTwelveWallClockHours() {
      // Saturday 24 October 2026 20:00 CEST; clocks fall back 03:00 -> 02:00; Sunday 08:00 CET =
      // 07:00Z.
      clock.set(Instant.parse("2026-10-24T18:00:00Z"));
      WorkingHours everyDay =
          WorkingHours.of(
              OSLO, LocalTime.of(8, 0), LocalTime.of(16, 0), EnumSet.allOf(DayOfWeek.class));
      enqueue(status(503), token("t1"));

      get(client(maxWait(Duration.ofHours(14)), everyDay), scheduler);

      assertThat(waits()).containsExactly(Duration.ofHours(13).toMillis());
      assertThat(clock.instant()).isEqualTo(Instant.parse("2026-10-25T07:00:00Z"));
    }

    @Test
    void midnightCrossingWindow_closedAtNoon_waitsUntilTheEveningOpening() {
      WorkingHours nights =
          WorkingHours.of(OSLO, LocalTime.of(22, 0), LocalTime.of(6, 0), WEEKDAYS);
      clock.set(Instant.parse("2026-11-25T11:00:00Z")); // Wednesday 12:00 Oslo
      enqueue(status(503), token("t1"));

      get(client(maxWait(Duration.ofHours(11)), nights), scheduler);

      assertThat(waits())
          .containsExactly(Duration.ofHours(10).toMillis()); // Wednesday 22:00 Oslo = 21:00Z
    }

    @Test
    void midnightCrossingWindow_afterFridaysNightShift_waitsUntilMondayEvening() {
      WorkingHours nights =
          WorkingHours.of(OSLO, LocalTime.of(22, 0), LocalTime.of(6, 0), WEEKDAYS);
      clock.set(
          Instant.parse(
              "2026-11-28T06:00:00Z")); // Saturday 07:00 Oslo: Friday's window closed at 06:00
      enqueue(status(503), token("t1"));

      get(client(maxWait(Duration.ofDays(3)), nights), scheduler);

      assertThat(waits()).containsExactly(Duration.ofHours(63).toMillis());
      assertThat(clock.instant())
          .isEqualTo(Instant.parse("2026-11-30T21:00:00Z")); // Monday 22:00 Oslo
    }

    @Test
    void insideWorkingHours_503IsTransient_backsOffAndCountsAgainstMaxAttempts() {
      jitter = ALMOST_ONE;
      enqueue(status(503), status(503));

      ServiceUnavailableException e =
          failure(
              client(RetryPolicy.builder().maxAttempts(2).build(), OFFICE),
              ServiceUnavailableException.class);

      assertThat(waits()).containsExactly(500L);
      assertThat(server.getRequestCount()).isEqualTo(2);
      assertThat(e.retryAt()).isEmpty();
    }

    @Test
    void openingAfterMaxWait_failsAtOnce_withRetryAtOfTheNextOpening() {
      clock.set(WEDNESDAY_EVENING);
      enqueue(status(503));

      ServiceUnavailableException e =
          failure(client(RetryPolicy.defaults(), OFFICE), ServiceUnavailableException.class);

      assertThat(e.retryAt()).contains(Instant.parse("2026-11-26T07:00:00Z"));
      assertThat(server.getRequestCount()).isEqualTo(1);
      assertThat(waits()).isEmpty();
      assertThat(clock.instant()).isEqualTo(WEDNESDAY_EVENING);
    }

    @Test
    void retryAfterWinsOverWorkingHours() {
      clock.set(WEDNESDAY_EVENING);
      enqueue(status(503, "20"), token("t1"));

      get(client(RetryPolicy.defaults(), OFFICE), scheduler);

      assertThat(waits()).containsExactly(20_000L);
    }
  }

  @Nested
  class TransientFailures {
    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504, 408, 429})
    void upperBound_ofFullJitterBackoff_doublesPerFailure_untilMaxAttempts(int code) {
      jitter = ALMOST_ONE;
      enqueue(status(code), status(code), status(code), status(code));

      ApiException e = failure(client(RetryPolicy.defaults()), ApiException.class);

      assertThat(e.statusCode()).isEqualTo(code);
      assertThat(waits()).containsExactly(500L, 1_000L, 2_000L);
      assertThat(server.getRequestCount()).isEqualTo(4);
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504, 408, 429})
    void lowerBound_ofFullJitterBackoff_isZero(int code) {
      enqueue(status(code), status(code), token("t1"));

      get(client(RetryPolicy.defaults()), scheduler);

      assertThat(waits()).containsExactly(0L, 0L);
      assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void backoff_isCappedAtMaxBackoff() {
      jitter = ALMOST_ONE;
      RetryPolicy policy =
          RetryPolicy.builder().maxAttempts(5).maxBackoff(Duration.ofMillis(1_200)).build();
      enqueue(status(500), status(500), status(500), status(500), token("t1"));

      get(client(policy), scheduler);

      assertThat(waits()).containsExactly(500L, 1_000L, 1_200L, 1_200L);
    }

    @Test
    void transportErrors_areRetriedWithTheSameBackoff() throws IOException {
      jitter = ALMOST_ONE;
      int closedPort;
      try (ServerSocket s = new ServerSocket(0)) {
        closedPort = s.getLocalPort();
      }
      OAuthClient client = track(builder().baseUrl("http://127.0.0.1:" + closedPort).build());

      TransportException e = failure(client, TransportException.class);

      assertThat(e.getMessage()).contains("127.0.0.1:" + closedPort);
      assertThat(waits()).containsExactly(500L, 1_000L, 2_000L);
    }

    @Test
    void rateLimited_honoursRetryAfter_asALowerBound() {
      enqueue(status(429, "7"), token("t1"));

      get(client(RetryPolicy.defaults()), scheduler);

      assertThat(waits()).containsExactly(7_000L);
      assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void rateLimited_retryAfterBeyondMaxWait_failsAtOnce() {
      enqueue(status(429, "120"));

      RateLimitedException e = failure(client(RetryPolicy.defaults()), RateLimitedException.class);

      assertThat(e.statusCode()).isEqualTo(429);
      assertThat(e.retryAt()).contains(WEDNESDAY_MORNING.plusSeconds(120));
      assertThat(server.getRequestCount()).isEqualTo(1);
      assertThat(waits()).isEmpty();
    }
  }

  @Nested
  class NeverRetried {
    @ParameterizedTest
    @ValueSource(ints = {409, 400, 401, 403, 404, 422})
    void clientErrors_makeExactlyOneRequest(int code) {
      enqueue(status(code), token("never"));

      ApiException e = failure(client(RetryPolicy.defaults()), ApiException.class);

      assertThat(e.statusCode()).isEqualTo(code);
      assertThat(e.isRetryable()).isFalse();
      assertThat(server.getRequestCount()).isEqualTo(1);
      assertThat(waits()).isEmpty();
    }

    @Test
    void conflict_isAConflictException() {
      enqueue(status(409));

      failure(client(RetryPolicy.defaults()), ConflictException.class);

      assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "500",
          "503 Retry-After: 1",
          "503 Retry-After: 0",
          "429 Retry-After: 1",
          "408",
          "409"
        })
    void policyNone_makesExactlyOneRequest(String answer) {
      String[] parts = answer.split(" Retry-After: ");
      int code = Integer.parseInt(parts[0]);
      enqueue(parts.length > 1 ? status(code, parts[1]) : status(code), token("never"));

      ApiException e = failure(client(RetryPolicy.none()), ApiException.class);

      assertThat(e.statusCode()).isEqualTo(code);
      assertThat(server.getRequestCount()).isEqualTo(1);
      assertThat(waits()).isEmpty();
    }

    @Test
    void policyNone_closedByWorkingHours_failsAtOnce_withRetryAt() {
      clock.set(WEDNESDAY_EVENING);
      enqueue(status(503), token("never"));

      ServiceUnavailableException e =
          failure(client(RetryPolicy.none(), OFFICE), ServiceUnavailableException.class);

      assertThat(e.retryAt()).contains(Instant.parse("2026-11-26T07:00:00Z"));
      assertThat(server.getRequestCount()).isEqualTo(1);
    }
  }

  @Nested
  class AttemptsAndMaxWait {
    @Test
    void closures_doNotCountAgainstMaxAttempts_transientFailuresDo() {
      RetryPolicy twoAttempts = RetryPolicy.builder().maxAttempts(2).build();
      enqueue(
          status(500),
          status(503, "10"),
          status(503, "10"),
          status(503, "10"),
          status(500),
          token("never"));

      failure(client(twoAttempts), InternalServerErrorException.class);

      assertThat(waits()).containsExactly(0L, 10_000L, 10_000L, 10_000L);
      assertThat(server.getRequestCount()).isEqualTo(5);
    }

    @Test
    void maxAttemptsOne_stillWaitsOutAClosure() {
      RetryPolicy oneAttempt = RetryPolicy.builder().maxAttempts(1).build();
      enqueue(status(503, "10"), status(503, "10"), status(503, "10"), token("t1"));

      AccessToken t = get(client(oneAttempt), scheduler);

      assertThat(t.value()).isEqualTo("t1");
      assertThat(server.getRequestCount()).isEqualTo(4);
    }

    @Test
    void closureLoop_isBoundedByMaxWaitAlone() {
      RetryPolicy policy =
          RetryPolicy.builder().maxAttempts(1).maxWait(Duration.ofSeconds(35)).build();
      for (int i = 0; i < 6; i++) {
        enqueue(status(503, "10"));
      }

      ServiceUnavailableException e = failure(client(policy), ServiceUnavailableException.class);

      // Attempts at 0, 10, 20 and 30 s; the next one at 40 s would pass maxWait.
      assertThat(server.getRequestCount()).isEqualTo(4);
      assertThat(waits()).containsExactly(10_000L, 10_000L, 10_000L);
      assertThat(e.retryAt()).contains(WEDNESDAY_MORNING.plusSeconds(40));
    }

    @Test
    void nextWaitPastMaxWait_failsAtOnce_withTheLastException() {
      jitter = ALMOST_ONE;
      RetryPolicy policy = RetryPolicy.builder().maxWait(Duration.ofSeconds(2)).build();
      enqueue(status(500), status(502), status(504), token("never"));

      ApiException e = failure(client(policy), ApiException.class);

      // Waits 500 and 1000 ms; the third (2000 ms) would end after maxWait: the 504 is thrown at
      // once.
      assertThat(e.statusCode()).isEqualTo(504);
      assertThat(waits()).containsExactly(500L, 1_000L);
      assertThat(server.getRequestCount()).isEqualTo(3);
      assertThat(clock.instant()).isEqualTo(WEDNESDAY_MORNING.plusMillis(1_500));
    }

    @Test
    void maxWaitOfCenturies_doesNotOverflow_andStillRetries() {
      enqueue(status(503, "30"), status(500), token("t1"));

      get(client(maxWait(Duration.ofSeconds(Long.MAX_VALUE))), scheduler);

      assertThat(waits()).containsExactly(30_000L, 0L);
      assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void closureWait_spreadIsCutSoTheNextAttemptFitsInMaxWait() {
      jitter = ALMOST_ONE;
      RetryPolicy policy = RetryPolicy.builder().maxWait(Duration.ofSeconds(31)).build();
      enqueue(status(503, "30"), token("t1"));

      get(client(policy), scheduler);

      // 30 s plus a spread of up to 3 s, cut to leave room for one attempt before 31 s.
      assertThat(waits()).containsExactly(31_000L - RetryRules.MIN_ATTEMPT_MILLIS);
    }

    @Test
    void attemptTimeout_isCutToWhatIsLeftOfMaxWait() {
      jitter = ALMOST_ONE;
      RetryPolicy policy =
          RetryPolicy.builder()
              .maxWait(Duration.ofSeconds(1))
              .initialBackoff(Duration.ofMillis(800))
              .maxBackoff(Duration.ofMillis(800))
              .build();
      OAuthClient client =
          track(builder().retryPolicy(policy).callTimeout(Duration.ofSeconds(30)).build());
      enqueue(
          status(500),
          new MockResponse.Builder(token("late")).headersDelay(10, TimeUnit.SECONDS).build());
      long start = System.nanoTime();

      TransportException e =
          catchThrowableOfType(TransportException.class, () -> get(client, scheduler));

      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      // After the 800 ms wait, 200 ms of maxWait are left: the second attempt times out then, not
      // after 10 or 30 s.
      assertThat(e).isNotNull();
      assertThat(e.getMessage()).containsIgnoringCase("timeout");
      assertThat(waits()).containsExactly(800L);
      assertThat(elapsedMillis).isGreaterThanOrEqualTo(150).isLessThan(5_000);
    }
  }

  @Nested
  class ListenerAndLogs {
    @Test
    void onRetryScheduled_getsAttemptDelayAndCause() {
      jitter = ALMOST_ONE;
      List<String> calls = new ArrayList<>();
      OAuthClient client =
          track(
              builder()
                  .listener(
                      // Inline, as the SDK's own listeners: asserted right after get() returns.
                      new InlineHook() {
                        @Override
                        public void onRetryScheduled(RetryScheduled event) {
                          calls.add(
                              event.attempt()
                                  + " "
                                  + event.delay()
                                  + " "
                                  + event.cause().getClass().getSimpleName());
                        }
                      })
                  .build());
      enqueue(status(500), status(503, "5"), token("t1"));

      get(client, scheduler);

      assertThat(calls)
          .containsExactly(
              "1 PT0.5S InternalServerErrorException", "2 PT5.5S ServiceUnavailableException");
    }

    @Test
    void waitingForWorkingHours_logsInfoOnce_withTheResumeTimeInTheProvidersZone() {
      clock.set(WEDNESDAY_EVENING);
      enqueue(status(503), token("t1"));
      try (CapturingLogs logs = CapturingLogs.start()) {
        get(client(maxWait(Duration.ofHours(14)), OFFICE), scheduler);

        assertThat(logs.messages(Level.INFO))
            .singleElement()
            .asString()
            .startsWith("Token API closed (HTTP 503); retrying at 2026-11-26 08:00:00 Europe/Oslo");
        assertThat(logs.messages(Level.WARN)).isEmpty();
      }
    }

    @Test
    void twoLongClosureWaitsInOneCall_logInfoOnlyOnce() {
      enqueue(status(503, "20"), status(503, "20"), token("t1"));
      try (CapturingLogs logs = CapturingLogs.start()) {
        get(client(RetryPolicy.defaults()), scheduler);

        assertThat(logs.messages(Level.INFO))
            .singleElement()
            .asString()
            .isEqualTo(
                "Token API closed (HTTP 503); retrying at 2026-11-25 10:00:20 UTC (in PT20S)");
        assertThat(logs.messages(Level.DEBUG, "closed); retrying in 20000 ms")).hasSize(1);
      }
    }

    @Test
    void shortClosureWaits_logAtDebug_notInfo() {
      enqueue(status(503, "1"), status(503, "2"), token("t1"));
      try (CapturingLogs logs = CapturingLogs.start()) {
        get(client(RetryPolicy.defaults()), scheduler);

        assertThat(logs.messages(Level.INFO)).isEmpty();
        assertThat(logs.messages(Level.DEBUG, "retrying in")).hasSize(2);
      }
    }

    @Test
    void eachFailedAttempt_logsDebug_andTheFinalFailureOneWarn() {
      enqueue(status(500), status(500), status(500), status(500));
      try (CapturingLogs logs = CapturingLogs.start()) {
        failure(client(RetryPolicy.defaults()), InternalServerErrorException.class);

        assertThat(logs.messages(Level.DEBUG, "retrying in")).hasSize(3);
        assertThat(logs.messages(Level.WARN))
            .singleElement()
            .asString()
            .contains("failed after 4 attempt(s)")
            .contains("maxAttempts 4 reached")
            .contains("HTTP 500");
        assertThat(logs.messages(Level.INFO)).isEmpty();
        assertThat(logs.allText()).doesNotContain(SECRET);
      }
    }

    @Test
    void retriedThenSucceeded_logsNoWarn() {
      enqueue(status(502), status(503, "3"), token("t1"));
      try (CapturingLogs logs = CapturingLogs.start()) {
        get(client(RetryPolicy.defaults()), scheduler);

        assertThat(logs.messages(Level.WARN)).isEmpty();
        assertThat(logs.allText()).doesNotContain(SECRET).doesNotContain("t1\"");
      }
    }

    @Test
    void givingUpBeforeTheOpening_warnSaysWhy() {
      clock.set(WEDNESDAY_EVENING);
      enqueue(status(503));
      try (CapturingLogs logs = CapturingLogs.start()) {
        failure(client(RetryPolicy.defaults(), OFFICE), ServiceUnavailableException.class);

        assertThat(logs.messages(Level.WARN))
            .singleElement()
            .asString()
            .contains("2026-11-26T07:00:00Z")
            .contains("maxWait PT1M");
        assertThat(logs.messages(Level.INFO)).isEmpty();
      }
    }
  }

  @Test
  void asyncFailure_isTheTypedException_neverAResilience4jOrCheckedOne() {
    enqueue(status(409));

    CompletableFuture<AccessToken> f = client(RetryPolicy.defaults()).getTokenAsync();

    Throwable cause = catchThrowableOfType(RuntimeException.class, () -> drive(scheduler, f));
    assertThat(cause).isInstanceOf(ConflictException.class);
  }

  /** A test listener called on the step's thread, as the SDK's own listeners are. */
  private interface InlineHook extends OAuthClientListener, ListenerDispatcher.Inline {}
}

package io.tokenapi.testkit;

import static io.tokenapi.testkit.FakeTokenServer.DEFAULT_CLIENT_ID;
import static io.tokenapi.testkit.TestHttp.requestToken;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.testkit.TestHttp.Reply;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The closed schedule ("non-working hours"), driven by a clock the test controls. */
class FakeTokenServerScheduleTest {

  /** Closed on weekends (UTC), the shape of the SDK's WorkingHours without depending on it. */
  private static final Predicate<Instant> WEEKEND =
      instant -> {
        DayOfWeek day = instant.atOffset(ZoneOffset.UTC).getDayOfWeek();
        return day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY;
      };

  private static final Function<Instant, Instant> NEXT_MONDAY_8AM =
      instant ->
          instant
              .atOffset(ZoneOffset.UTC)
              .with(TemporalAdjusters.next(DayOfWeek.MONDAY))
              .withHour(8)
              .withMinute(0)
              .withSecond(0)
              .withNano(0)
              .toInstant();

  private final MutableClock clock =
      new MutableClock(Instant.parse("2025-06-07T10:00:00Z")); // a Saturday

  @AutoClose private final FakeTokenServer server = new FakeTokenServer().clock(clock).start();

  @Test
  void whileClosed_answers503WithRetryAfterUntilReopening() {
    server.closedWhen(WEEKEND, NEXT_MONDAY_8AM);

    Reply reply = requestToken(server);

    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.header("Content-Type")).isEqualTo("application/json");
    // Saturday 10:00 to Monday 08:00 is 46 hours.
    assertThat(reply.header("Retry-After")).isEqualTo(Long.toString(46 * 3600));
    assertThat(reply.json().get("code").asText()).isEqualTo(FakeTokenServer.CLOSED_CODE);
    assertThat(reply.json().get("text").asText()).isEqualTo(FakeTokenServer.CLOSED_TEXT);
    assertThat(reply.json().get("errorId").asText()).startsWith("fake-error-");
    assertThat(server.issuedTokens()).isEmpty();
  }

  @Test
  void afterReopening_issuesTokensAgain() {
    server.closedWhen(WEEKEND, NEXT_MONDAY_8AM);
    assertThat(requestToken(server).status()).isEqualTo(503);

    clock.set(Instant.parse("2025-06-09T08:00:00Z"));

    assertThat(requestToken(server).status()).isEqualTo(200);
    assertThat(server.takeRequest().receivedAt()).isEqualTo(Instant.parse("2025-06-07T10:00:00Z"));
    assertThat(server.takeRequest().receivedAt()).isEqualTo(Instant.parse("2025-06-09T08:00:00Z"));
  }

  @Test
  void retryAfter_isRoundedUpToWholeSeconds() {
    clock.set(Instant.parse("2025-06-08T07:59:59.200Z"));
    server.closedWhen(WEEKEND, instant -> Instant.parse("2025-06-08T08:00:00Z"));

    assertThat(requestToken(server).header("Retry-After")).isEqualTo("1");
  }

  @Test
  void withoutReopeningTime_answers503WithoutRetryAfter() {
    server.closedWhen(WEEKEND);

    Reply reply = requestToken(server);

    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.header("Retry-After")).isNull();
  }

  @Test
  void scriptedAnswers_comeBeforeTheSchedule() {
    server.closedWhen(WEEKEND, NEXT_MONDAY_8AM).enqueueConflict();

    assertThat(requestToken(server).status()).isEqualTo(409);
    assertThat(requestToken(server).status()).isEqualTo(503);
  }

  @Test
  void alwaysOpen_removesTheSchedule() {
    server.closedWhen(WEEKEND).alwaysOpen();

    assertThat(requestToken(server).status()).isEqualTo(200);
  }

  @Test
  void throwingSchedule_answers500NamingTheFailure() {
    server.closedWhen(
        instant -> {
          throw new IllegalStateException("schedule bug");
        });

    Reply reply = requestToken(server);

    assertThat(reply.status()).isEqualTo(500);
    assertThat(reply.json().get("code").asText()).isEqualTo(FakeTokenServer.FAILURE_CODE);
    assertThat(reply.json().get("text").asText()).contains("schedule bug");
  }

  @Test
  void whileOpen_checksCredentialsAsUsual() {
    clock.set(Instant.parse("2025-06-09T09:00:00Z")); // a Monday
    server.closedWhen(WEEKEND, NEXT_MONDAY_8AM);

    assertThat(requestToken(server).status()).isEqualTo(200);
    assertThat(TestHttp.postJson(server.tokenUrl(), DEFAULT_CLIENT_ID, "wrong").status())
        .isEqualTo(401);
  }
}

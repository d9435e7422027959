package io.tokenapi.testkit;

import io.tokenapi.testkit.RecordedTokenRequest.Problem;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The provider's behaviour when nothing is scripted: 405 for other methods, 503 while closed, 400
 * for malformed requests, 401 for wrong credentials, else a new token. Also builds the provider's
 * error envelope and "closed" answer for scripted answers, numbering error ids for the server's
 * life.
 */
final class DefaultAnswers {
  /** IMF-fixdate (RFC 9110 5.6.7), always two-digit days, unlike {@code RFC_1123_DATE_TIME}. */
  static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  private final Settings settings;
  private final TokenLedger ledger;
  private final AtomicInteger errorSequence = new AtomicInteger();

  DefaultAnswers(Settings settings, TokenLedger ledger) {
    this.settings = settings;
    this.ledger = ledger;
  }

  Answer answer(RecordedTokenRequest request) {
    if (!request.method().equals("POST")) {
      return envelope(405, "METHOD_NOT_ALLOWED", "Use POST.", null).header("Allow", "POST");
    }
    Instant now = request.receivedAt();
    Settings.Schedule closedSchedule = settings.schedule;
    if (closedSchedule != null && closedSchedule.closed().test(now)) {
      String retryAfter = null;
      if (closedSchedule.reopensAt() != null) {
        Instant reopens = closedSchedule.reopensAt().apply(now);
        if (reopens != null) {
          retryAfter = Long.toString(Math.max(0, ceilSeconds(Duration.between(now, reopens))));
        }
      }
      return closed(retryAfter);
    }
    Problem problem = request.problem();
    if (problem != null) {
      return problem.oauth()
          ? Answer.oauthError(problem.status(), problem.code(), problem.text())
          : envelope(problem.status(), problem.code(), problem.text(), null);
    }
    String clientId = request.clientId().orElse(null);
    Settings.ClientFailure failure =
        clientId == null ? null : settings.failingClients.get(clientId);
    if (failure != null) {
      return envelope(failure.status(), failure.code(), failure.text(), null);
    }
    Settings.Credentials expected = settings.credentials;
    String secret = request.clientSecret().orElse(null);
    boolean known =
        (expected.id().equals(clientId) && expected.secret().equals(secret))
            || (clientId != null
                && secret != null
                && secret.equals(settings.clients.get(clientId)));
    if (!known) {
      return Answer.oauthError(401, "invalid_client", "Client authentication failed.")
          .header("WWW-Authenticate", "Basic realm=\"FakeTokenServer\"");
    }
    return token(request.scope().filter(s -> !s.isEmpty()).orElse(null), now);
  }

  private Answer token(String scope, Instant now) {
    Duration lifetime = settings.tokenLifetime;
    String token = ledger.issue(now, lifetime);
    boolean camel = settings.camelCaseFields;
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put(camel ? "accessToken" : "access_token", token);
    fields.put(camel ? "tokenType" : "token_type", settings.tokenType);
    if (!settings.omitExpiresIn) {
      long seconds = lifetime.getSeconds();
      fields.put(
          camel ? "expiresIn" : "expires_in",
          settings.expiresInAsString ? Long.toString(seconds) : seconds);
    }
    if (scope != null) {
      fields.put("scope", scope);
    }
    return new Answer(200, Answer.json(fields));
  }

  /** The provider's 503 "closed" answer; {@code retryAfter} is the header's value, or null. */
  Answer closed(String retryAfter) {
    Answer answer = envelope(503, FakeTokenServer.CLOSED_CODE, FakeTokenServer.CLOSED_TEXT, null);
    return retryAfter == null ? answer : answer.header("Retry-After", retryAfter);
  }

  /** The provider's envelope {@code {errorId, code, text}} plus {@code parameter}'s fields. */
  Answer envelope(int status, String code, String text, Map<String, Object> parameter) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("errorId", "fake-error-" + errorSequence.incrementAndGet());
    fields.put("code", code);
    fields.put("text", text);
    if (parameter != null) {
      fields.putAll(parameter);
    }
    return new Answer(status, Answer.json(fields));
  }

  static long ceilSeconds(Duration duration) {
    long seconds = duration.getSeconds();
    return duration.getNano() > 0 ? seconds + 1 : seconds;
  }
}

package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.sdk.TokenStatus.State;
import io.tokenapi.testkit.FakeTokenServer;
import io.tokenapi.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link OAuthClient#status()} in each state, read from the cache without a request. */
class TokenStatusTest {
  private static final String CLIENT_ID = "status-client-id-4e8";
  private static final String SECRET = "status-s3cret-b07";
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  private static final Duration HOUR = Duration.ofHours(1);

  private final FakeTokenServer server =
      new FakeTokenServer().credentials(CLIENT_ID, SECRET).start();
  private final MutableClock clock = new MutableClock(NOW);
  private final List<OAuthClient> clients = new ArrayList<>();

  @AfterEach
  void close() {
    clients.forEach(OAuthClient::close);
    server.close();
  }

  private OAuthClient client(RetryPolicy policy) {
    OAuthClient client =
        OAuthClient.builder()
            .baseUrl(server.baseUrl())
            .clientId(CLIENT_ID)
            .clientSecret(SECRET)
            .clock(clock)
            .retryPolicy(policy)
            .random(() -> 0.0)
            .build();
    clients.add(client);
    return client;
  }

  private OAuthClient client() {
    return client(RetryPolicy.defaults());
  }

  @Test
  void beforeAnyFetch_isExpired_withNothingElseKnown() {
    TokenStatus status = client().status();

    assertThat(status.state()).isEqualTo(State.EXPIRED);
    assertThat(status.expiresAt()).isEmpty();
    assertThat(status.lastSuccess()).isEmpty();
    assertThat(status.retryAt()).isEmpty();
    assertThat(status.consecutiveFailures()).isZero();
    assertThat(status.lastFailure()).isEmpty();
    assertThat(status.staleServed()).isZero();
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void afterAFetch_isFresh_withExpiryAndLastSuccess() {
    OAuthClient client = client();
    client.getToken();

    TokenStatus status = client.status();

    assertThat(status.state()).isEqualTo(State.FRESH);
    assertThat(status.expiresAt()).contains(NOW.plus(HOUR));
    assertThat(status.lastSuccess()).contains(NOW);
    assertThat(status.retryAt()).isEmpty();
    assertThat(status.consecutiveFailures()).isZero();
  }

  @Test
  void insideTheRefreshAheadWindow_isStale_andCountsStaleTokensServed() {
    OAuthClient client = client();
    client.getToken();
    clock.advance(Duration.ofMinutes(56));

    assertThat(client.status().state()).isEqualTo(State.STALE);
    assertThat(client.status().staleServed()).isZero();
    client.getToken();
    client.getToken();

    assertThat(client.status().staleServed()).isEqualTo(2);
  }

  @Test
  void pastExpiry_isExpired_andStillNamesTheExpiry() {
    OAuthClient client = client();
    client.getToken();
    clock.advance(Duration.ofHours(2));

    TokenStatus status = client.status();

    assertThat(status.state()).isEqualTo(State.EXPIRED);
    assertThat(status.expiresAt()).contains(NOW.plus(HOUR));
  }

  @Test
  void afterAFailure_isFailing_withTheFailureSummarised() {
    server.enqueueConflict();
    OAuthClient client = client();
    assertThatThrownBy(client::getToken).isInstanceOf(ConflictException.class);

    TokenStatus status = client.status();

    assertThat(status.state()).isEqualTo(State.FAILING);
    assertThat(status.consecutiveFailures()).isEqualTo(1);
    assertThat(status.lastFailure().orElseThrow())
        .startsWith("ConflictException status=409 code=CONFLICT errorId=fake-error-")
        .doesNotContain("conflict.") // the server's text stays out
        .doesNotContain("Action could not");
    // Callers get the failure for 1 to 2 seconds before the next request.
    assertThat(status.retryAt().orElseThrow()).isBetween(NOW.plusSeconds(1), NOW.plusSeconds(2));
  }

  @Test
  void afterAClosure_isClosedUntilTheProviderReopens() {
    server.enqueueClosed(HOUR);
    OAuthClient client = client(RetryPolicy.none());
    assertThatThrownBy(client::getToken).isInstanceOf(ServiceUnavailableException.class);

    TokenStatus status = client.status();

    assertThat(status.state()).isEqualTo(State.CLOSED_UNTIL);
    assertThat(status.retryAt()).contains(NOW.plus(HOUR));
    assertThat(status.lastFailure().orElseThrow())
        .startsWith("ServiceUnavailableException status=503");
  }

  @Test
  void aSuccessAfterFailures_clearsThem() {
    server.enqueueConflict();
    OAuthClient client = client();
    assertThatThrownBy(client::getToken).isInstanceOf(ConflictException.class);
    clock.advance(Duration.ofSeconds(5));

    client.getToken();

    TokenStatus status = client.status();
    assertThat(status.state()).isEqualTo(State.FRESH);
    assertThat(status.consecutiveFailures()).isZero();
    assertThat(status.lastFailure()).isEmpty();
    assertThat(status.retryAt()).isEmpty();
  }

  @Test
  void afterATransportFailure_namesTheIoFailure() {
    server.enqueueDisconnect();
    OAuthClient client = client(RetryPolicy.none());
    assertThatThrownBy(client::getToken).isInstanceOf(TransportException.class);

    assertThat(client.status().lastFailure().orElseThrow()).startsWith("TransportException cause=");
  }

  @Test
  void invalidatedOrClosed_isExpired() {
    OAuthClient client = client();
    client.getToken();

    client.invalidate();
    assertThat(client.status().state()).isEqualTo(State.EXPIRED);

    client.getToken();
    client.close();
    TokenStatus closed = client.status();
    assertThat(closed.state()).isEqualTo(State.EXPIRED);
    assertThat(closed.expiresAt()).isEmpty();
  }

  @Test
  void status_neverShowsTheSecret_aTokenValue_orTheClientId() {
    server.enqueueConflict();
    OAuthClient client = client();
    assertThatThrownBy(client::getToken).isInstanceOf(ConflictException.class);
    clock.advance(Duration.ofSeconds(5));
    client.getToken();
    OAuthClient once = client(RetryPolicy.none());
    server.enqueueError(500, "E500", "internal text " + SECRET + " " + CLIENT_ID);
    assertThatThrownBy(once::getToken).isInstanceOf(InternalServerErrorException.class);

    assertThat(once.status().lastFailure()).isPresent();
    String text = client.status().toString() + once.status();

    for (String token : server.issuedTokens()) {
      assertThat(text).doesNotContain(token);
    }
    assertThat(text).doesNotContain(SECRET).doesNotContain(CLIENT_ID);
  }
}

package io.tokenapi.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.ClientAuthentication;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The cache honours Spring's {@code expires_in}: the token is reused while fresh and fetched again
 * once it expired. A hand-moved clock replaces waiting; the requests are counted at the server.
 */
class TokenCacheInteropTest {

  private static final Instant START = Instant.parse("2026-01-05T10:00:00Z");

  @RegisterExtension static final InteropServer server = new InteropServer();

  private final MutableClock clock = new MutableClock(START);

  @ParameterizedTest
  @EnumSource(names = {"CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST"})
  void getToken_whileFresh_servesCachedTokenWithoutSecondRequest(ClientAuthentication method) {
    try (OAuthClient client = clientFor(method)) {
      AccessToken first = client.getToken();
      clock.advance(Duration.ofMinutes(1));
      AccessToken second = client.getToken();

      assertThat(second).isEqualTo(first);
      assertThat(server.tokenRequestCount()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST"})
  void getToken_expiresAtFollowsExpiresInFromSpring(ClientAuthentication method) {
    try (OAuthClient client = clientFor(method)) {
      AccessToken token = client.getToken();

      // Spring answers expires_in 299 or 300 for a 5-minute token (it truncates to whole seconds).
      assertThat(token.expiresAt())
          .isBetween(
              START.plus(InteropClients.ACCESS_TOKEN_LIFETIME).minusSeconds(1),
              START.plus(InteropClients.ACCESS_TOKEN_LIFETIME));
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST"})
  void getToken_afterExpiresInHasPassed_fetchesNewToken(ClientAuthentication method) {
    try (OAuthClient client = clientFor(method)) {
      AccessToken first = client.getToken();
      clock.advance(InteropClients.ACCESS_TOKEN_LIFETIME.plusSeconds(1));
      AccessToken second = client.getToken();

      assertThat(second.value()).isNotEqualTo(first.value());
      assertThat(server.tokenRequestCount()).isEqualTo(2);
    }
  }

  private OAuthClient clientFor(ClientAuthentication method) {
    return server.client(method).clock(clock).build();
  }
}

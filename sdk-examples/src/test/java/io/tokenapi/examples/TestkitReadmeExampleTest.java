package io.tokenapi.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.testkit.FakeTokenServer;
import io.tokenapi.testkit.junit5.FakeTokenServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's testkit snippet, compiled and run here; {@link ReadmeTest} keeps the README copy
 * identical.
 */
class TestkitReadmeExampleTest {
  // README testkit: begin
  @RegisterExtension // static: one server for the class, reset before each test; instance field:
  // one per test
  static final FakeTokenServerExtension tokens = new FakeTokenServerExtension();

  @Test
  void waitsOutAClosedProvider() {
    FakeTokenServer server =
        tokens.server().enqueueClosed(Duration.ofSeconds(1)); // 503, Retry-After: 1
    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(server.baseUrl())
            .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
            .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
            .build()) {
      String token = client.getToken().value();
      assertEquals(server.lastIssuedToken(), token);
      assertEquals(2, server.requestCount()); // the 503, then the token
    }
  }
  // README testkit: end
}

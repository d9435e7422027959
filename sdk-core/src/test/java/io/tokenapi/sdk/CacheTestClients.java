package io.tokenapi.sdk;

import java.time.Clock;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The loopback set-up of the cache tests, registered with {@code @RegisterExtension}: one {@link
 * TokenDispatcher} server per test and the client built against it. After each test it releases
 * held answers before it closes the client and then the server, so a test that fails while an
 * answer is held cannot hang the suite.
 */
final class CacheTestClients implements BeforeEachCallback, AfterEachCallback {
  final TokenDispatcher tokens = new TokenDispatcher();
  private final MockWebServer server = new MockWebServer();
  private final String name;
  private OAuthClient client;

  /**
   * {@code name} prefixes the client id and secret, e.g. "cache" gives "cache-id" and
   * "cache-secret".
   */
  CacheTestClients(String name) {
    this.name = name;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    server.setDispatcher(tokens);
    server.start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    tokens.release();
    if (client != null) {
      client.close();
    }
    server.close();
  }

  /**
   * A builder aimed at this test's server, with this fixture's credentials, {@code clock} and
   * {@code listener}.
   */
  OAuthClient.Builder builder(Clock clock, OAuthClientListener listener) {
    return OAuthClient.builder()
        .baseUrl(server.url("/").toString())
        .clientId(name + "-id")
        .clientSecret(name + "-secret")
        .clock(clock)
        .listener(listener);
  }

  /** Builds the test's client, which is closed after the test. */
  OAuthClient build(OAuthClient.Builder builder) {
    client = builder.build();
    return client;
  }
}

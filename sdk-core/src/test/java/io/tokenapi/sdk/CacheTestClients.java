package io.tokenapi.sdk;

import io.tokenapi.testkit.FakeTokenServer;
import java.time.Clock;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The loopback set-up of the cache tests, registered with {@code @RegisterExtension}: one testkit
 * {@link FakeTokenServer} per test and the client built against it. After each test it releases
 * held answers before it closes the client and then the server, so a test that fails while an
 * answer is held cannot hang the suite.
 */
final class CacheTestClients implements BeforeEachCallback, AfterEachCallback {
  final FakeTokenServer tokens = new FakeTokenServer();
  private final String name;
  private OAuthClient client;

  /**
   * {@code name} prefixes the client id and secret, e.g. "cache" gives "cache-id" and
   * "cache-secret".
   */
  CacheTestClients(String name) {
    this.name = name;
    tokens.credentials(name + "-id", name + "-secret");
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    tokens.start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    tokens.releaseAnswers();
    if (client != null) {
      client.close();
    }
    tokens.close();
  }

  /**
   * A builder aimed at this test's server, with this fixture's credentials, {@code clock} and
   * {@code listener}.
   */
  OAuthClient.Builder builder(Clock clock, OAuthClientListener listener) {
    return OAuthClient.builder()
        .baseUrl(tokens.baseUrl())
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

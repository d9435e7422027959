package io.tokenapi.interop;

import io.tokenapi.sdk.ClientAuthentication;
import io.tokenapi.sdk.OAuthClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link SpringAuthorizationServer} with {@link InteropClients#all()} registered, for a whole
 * test class: register it as {@code @RegisterExtension static final InteropServer server = new
 * InteropServer();}. The server starts before the class's {@code @BeforeAll} methods, forgets the
 * recorded requests before each test (so counts are per test) and closes after the class. Starting
 * takes about a second, hence one per class and not one per test.
 */
final class InteropServer implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

  private SpringAuthorizationServer server;

  @Override
  public void beforeAll(ExtensionContext context) {
    server = SpringAuthorizationServer.start(InteropClients.all());
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    started().clearRecordedRequests();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /**
   * A builder for the registered client that allows {@code method} ({@link InteropClients#idFor}).
   */
  OAuthClient.Builder client(ClientAuthentication method) {
    return client(method, InteropClients.idFor(method), InteropClients.secretFor(method));
  }

  /** A builder pointed at the token endpoint with any credentials, registered or not. */
  OAuthClient.Builder client(ClientAuthentication method, String clientId, String clientSecret) {
    return OAuthClient.builder()
        .baseUrl(baseUrl()) // http://127.0.0.1: loopback, allowed without allowInsecureHttp()
        .tokenPath(SpringAuthorizationServer.TOKEN_PATH)
        .clientId(clientId)
        .clientSecret(clientSecret)
        .clientAuthentication(method);
  }

  /** See {@link SpringAuthorizationServer#baseUrl()}. */
  String baseUrl() {
    return started().baseUrl();
  }

  /** See {@link SpringAuthorizationServer#tokenUrl()}. */
  String tokenUrl() {
    return started().tokenUrl();
  }

  /** Requests to the token endpoint since the test started. */
  int tokenRequestCount() {
    return started().tokenRequestCount();
  }

  TokenRequestRecorder.RecordedTokenRequest lastTokenRequest() {
    return started().lastTokenRequest();
  }

  private SpringAuthorizationServer started() {
    if (server == null) {
      throw new IllegalStateException(
          "InteropServer runs only around a test class: register it in a static field");
    }
    return server;
  }
}

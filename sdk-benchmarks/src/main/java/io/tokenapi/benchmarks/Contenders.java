package io.tokenapi.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import okhttp3.OkHttpClient;

/** The libraries compared by the stampede harness, each created cold against a given server. */
final class Contenders {

  private static final URI RESOURCE_URI = URI.create("https://api.example.com/v1/payments");

  private Contenders() {}

  /** Name to factory, in report order. */
  static Map<String, TokenSource.Factory> all() {
    Map<String, TokenSource.Factory> contenders = new LinkedHashMap<>();
    contenders.put("ours", Contenders::ours);
    contenders.put("google-auth", Contenders::googleAuth);
    contenders.put("Spring Security", Contenders::spring);
    return contenders;
  }

  /**
   * The testkit's token endpoint on 127.0.0.1, expecting the benchmark credentials and issuing
   * tokens that live {@code lifetimeSeconds}: every benchmark and harness measures against it.
   */
  static FakeTokenServer tokenServer(long lifetimeSeconds) {
    return new FakeTokenServer()
        .credentials(Credentials.CLIENT_ID, Credentials.CLIENT_SECRET)
        .tokenLifetime(Duration.ofSeconds(lifetimeSeconds))
        .start();
  }

  /** Our client against the server, with every other setting at its default. */
  static OAuthClient.Builder ourClient(FakeTokenServer server) {
    return OAuthClient.builder()
        .baseUrl(server.baseUrl())
        .clientId(Credentials.CLIENT_ID)
        .clientSecret(Credentials.CLIENT_SECRET);
  }

  static TokenSource ours(FakeTokenServer server) {
    OAuthClient client = ourClient(server).build();
    return new TokenSource() {
      @Override
      public Object token() {
        return client.getToken();
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }

  static TokenSource googleAuth(FakeTokenServer server) throws IOException {
    GoogleAuthPeer credentials = new GoogleAuthPeer(handWritten(server));
    return () -> credentials.getRequestMetadata(RESOURCE_URI);
  }

  static TokenSource spring(FakeTokenServer server) {
    SpringPeer spring =
        new SpringPeer(server.tokenUrl(), Credentials.CLIENT_ID, Credentials.CLIENT_SECRET);
    return spring::getToken;
  }

  static HandWrittenTokenClient handWritten(FakeTokenServer server) throws IOException {
    return new HandWrittenTokenClient(
        new OkHttpClient(),
        new ObjectMapper(),
        server.tokenUrl(),
        Credentials.CLIENT_ID,
        Credentials.CLIENT_SECRET);
  }
}

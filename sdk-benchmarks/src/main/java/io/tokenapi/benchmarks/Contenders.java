package io.tokenapi.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import okhttp3.OkHttpClient;

/** The libraries compared by the stampede harness, each created cold against a given server. */
final class Contenders {

  private static final URI RESOURCE_URI = URI.create("https://api.example.com/v1/payments");

  private Contenders() {
  }

  /** Name to factory, in report order. */
  static Map<String, TokenSource.Factory> all() {
    Map<String, TokenSource.Factory> contenders = new LinkedHashMap<>();
    contenders.put("google-auth", Contenders::googleAuth);
    contenders.put("Spring Security", Contenders::spring);
    return contenders;
  }

  static TokenSource googleAuth(TokenServer server) {
    GoogleAuthPeer credentials = new GoogleAuthPeer(handWritten(server));
    return () -> credentials.getRequestMetadata(RESOURCE_URI);
  }

  static TokenSource spring(TokenServer server) {
    SpringPeer spring = new SpringPeer(server.tokenUrl(), Credentials.CLIENT_ID, Credentials.CLIENT_SECRET);
    return spring::getToken;
  }

  static HandWrittenTokenClient handWritten(TokenServer server) {
    return new HandWrittenTokenClient(new OkHttpClient(), new ObjectMapper(), server.tokenUrl(),
        Credentials.CLIENT_ID, Credentials.CLIENT_SECRET);
  }
}

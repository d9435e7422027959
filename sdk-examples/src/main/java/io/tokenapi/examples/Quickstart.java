package io.tokenapi.examples;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.ApiException;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.ServiceUnavailableException;
import io.tokenapi.testkit.FakeTokenServer;
import java.time.Duration;

/**
 * The README quickstart: get a token, get it again from the cache, and see what a failure looks
 * like.
 *
 * <p>Runs against a {@link FakeTokenServer} on 127.0.0.1 unless {@code TOKENAPI_BASE_URL}, {@code
 * TOKENAPI_CLIENT_ID} and {@code TOKENAPI_CLIENT_SECRET} are all set; then it calls that API.
 */
public final class Quickstart {
  private Quickstart() {}

  /**
   * Runs the quickstart.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    String baseUrl = System.getenv("TOKENAPI_BASE_URL");
    String clientId = System.getenv("TOKENAPI_CLIENT_ID");
    String clientSecret = System.getenv("TOKENAPI_CLIENT_SECRET");
    FakeTokenServer fake = null;
    if (baseUrl == null || clientId == null || clientSecret == null) {
      fake = new FakeTokenServer().start();
      baseUrl = fake.baseUrl();
      clientId = FakeTokenServer.DEFAULT_CLIENT_ID;
      clientSecret = FakeTokenServer.DEFAULT_CLIENT_SECRET;
      System.out.println(
          "Token API: FakeTokenServer at "
              + baseUrl
              + " (set TOKENAPI_BASE_URL, TOKENAPI_CLIENT_ID and TOKENAPI_CLIENT_SECRET to call a real one)");
    } else {
      System.out.println("Token API: " + baseUrl);
    }
    try {
      // README quickstart: begin
      try (OAuthClient client =
          OAuthClient.builder()
              .baseUrl(baseUrl) // for example "https://api.example.com"
              .clientId(clientId)
              .clientSecret(clientSecret)
              .build()) {
        AccessToken token = client.getToken(); // one request to POST /v1/oauth/token
        System.out.println("Token:   " + token); // toString() never shows the token value
        AccessToken again = client.getToken(); // from the cache until shortly before expiry
        System.out.println("Cached:  " + (again == token));
        String header = token.authorizationHeader(); // "Bearer ...", for your own HTTP calls
      } catch (OAuthException e) { // typed: ConflictException, ServiceUnavailableException, ...
        System.out.println("No token: " + e.getMessage());
      }
      // README quickstart: end
      if (fake != null) {
        System.out.println("Requests to the token API: " + fake.requestCount());
        showErrors(fake);
      } else {
        System.out.println("(The error examples run against the FakeTokenServer only.)");
      }
    } finally {
      if (fake != null) {
        fake.close();
      }
    }
  }

  /** Two failures the provider documents, as the exceptions a caller catches. */
  private static void showErrors(FakeTokenServer fake) {
    System.out.println();
    System.out.println(
        "Errors are typed exceptions; the message names status, code and errorId, never secrets:");
    fake.enqueueConflict();
    try (OAuthClient client = clientFor(fake)) {
      client.getToken();
    } catch (ApiException e) {
      System.out.println(
          "  HTTP "
              + e.statusCode()
              + " -> "
              + e.getClass().getSimpleName()
              + " (retried: "
              + (e.isRetryable() ? "yes" : "no")
              + ")");
      System.out.println("    " + e.getMessage());
    }
    // Closed for two hours: more than the default 60 s maxWait, so the call fails at once and says
    // when to return.
    fake.enqueueClosed(Duration.ofHours(2));
    try (OAuthClient client = clientFor(fake)) {
      client.getToken();
    } catch (ServiceUnavailableException e) {
      System.out.println(
          "  HTTP "
              + e.statusCode()
              + " -> "
              + e.getClass().getSimpleName()
              + " (retryAt: "
              + e.retryAt().map(Object::toString).orElse("unknown")
              + ")");
      System.out.println("    " + e.getMessage());
    }
  }

  private static OAuthClient clientFor(FakeTokenServer fake) {
    return OAuthClient.builder()
        .baseUrl(fake.baseUrl())
        .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
        .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
        .build();
  }
}

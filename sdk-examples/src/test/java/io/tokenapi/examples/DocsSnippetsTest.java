package io.tokenapi.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.RetryPolicy;
import io.tokenapi.sdk.ServiceUnavailableException;
import io.tokenapi.sdk.WorkingHours;
import io.tokenapi.testkit.FakeTokenServer;
import io.tokenapi.testkit.junit5.FakeTokenServerExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The snippets of docs/caching.md and docs/retries-and-working-hours.md, compiled and run here;
 * {@link ReadmeTest} keeps the docs' copies identical to the marked regions.
 */
class DocsSnippetsTest {
  @RegisterExtension static final FakeTokenServerExtension tokens = new FakeTokenServerExtension();

  /** A resource API for docs/caching.md's snippet: its {@code call(token)}. */
  private static final class ResourceApi {
    private final OkHttpClient http = new OkHttpClient();
    private final HttpUrl url;

    ResourceApi(HttpUrl url) {
      this.url = url;
    }

    Response call(AccessToken token) throws IOException {
      Request request =
          new Request.Builder()
              .url(url)
              .header("Authorization", token.authorizationHeader())
              .build();
      return http.newCall(request).execute();
    }

    Response callRenewingARejectedToken(OAuthClient client) throws IOException {
      // README invalidate: begin
      AccessToken token = client.getToken();
      Response response = call(token);
      if (response.code() == 401) {
        response.close();
        client.invalidate(token);
        response = call(client.getToken());
      }
      // README invalidate: end
      return response;
    }
  }

  /** docs/retries-and-working-hours.md's batch job; remembers the header its API call got. */
  private static final class OvernightJob {
    private String authorization;

    void callTheApi(String authorization) {
      this.authorization = authorization;
    }

    void run(String baseUrl, String clientId, String clientSecret) {
      // README overnight-job: begin
      WorkingHours hours =
          WorkingHours.of(
              ZoneId.of("Europe/Oslo"),
              LocalTime.of(8, 0),
              LocalTime.of(16, 0),
              EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));

      try (OAuthClient client =
          OAuthClient.builder()
              .baseUrl(baseUrl) // e.g. "https://api.example.com"
              .clientId(clientId)
              .clientSecret(clientSecret)
              .workingHours(hours)
              // An overnight job: started at 20:00, it waits for Thursday 08:00 instead of failing.
              .retryPolicy(RetryPolicy.builder().maxWait(Duration.ofHours(16)).build())
              .build()) {
        AccessToken token = client.getToken();
        callTheApi(token.authorizationHeader());
      }
      // README overnight-job: end
    }
  }

  static AccessToken interactiveCaller(OAuthClient client) {
    // README reopening: begin
    try {
      return client.getToken();
    } catch (ServiceUnavailableException e) {
      Instant reopens = e.retryAt().orElse(null); // e.g. 2026-11-26T07:00:00Z
      throw new IllegalStateException("The token service opens again at " + reopens, e);
    }
    // README reopening: end
  }

  private static OAuthClient client(FakeTokenServer server) {
    return OAuthClient.builder()
        .baseUrl(server.baseUrl())
        .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
        .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
        .build();
  }

  @Test
  void invalidateSnippet_renewsTheRejectedTokenOnce() throws IOException, InterruptedException {
    FakeTokenServer server = tokens.server();
    try (MockWebServer api = new MockWebServer();
        OAuthClient client = client(server)) {
      api.enqueue(new MockResponse.Builder().code(401).build());
      api.enqueue(new MockResponse.Builder().body("ok").build());
      api.start(InetAddress.getByName("127.0.0.1"), 0);

      try (Response response =
          new ResourceApi(api.url("/v1/accounts")).callRenewingARejectedToken(client)) {
        assertThat(response.code()).isEqualTo(200);
      }
      assertThat(server.requestCount()).isEqualTo(2);
      assertThat(api.takeRequest().getHeaders().get("Authorization"))
          .isNotEqualTo(api.takeRequest().getHeaders().get("Authorization"));
    }
  }

  @Test
  void overnightJobSnippet_getsATokenWhileTheProviderIsOpen() {
    FakeTokenServer server = tokens.server();

    OvernightJob job = new OvernightJob();

    job.run(
        server.baseUrl(), FakeTokenServer.DEFAULT_CLIENT_ID, FakeTokenServer.DEFAULT_CLIENT_SECRET);

    assertThat(job.authorization).isEqualTo("Bearer " + server.lastIssuedToken());
  }

  @Test
  void interactiveSnippet_namesTheReopeningAtOnce() {
    Instant reopens = Instant.now().plus(Duration.ofHours(10));
    FakeTokenServer server = tokens.server().closedWhen(now -> true, now -> reopens);
    try (OAuthClient client = client(server)) {
      assertThatThrownBy(() -> interactiveCaller(client))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("The token service opens again at 20")
          .hasCauseInstanceOf(ServiceUnavailableException.class);
      assertThat(server.requestCount()).isEqualTo(1);
    }
  }
}

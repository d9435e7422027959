package io.tokenapi.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The example application as `spring-boot:run` starts it, on a random port. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ExampleApplicationTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @LocalServerPort int port;

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void demo_callsTheResourceWithTheBearerToken_andActuatorShowsTheClient() throws Exception {
    HttpResponse<String> demo = get("/demo");
    assertThat(demo.statusCode()).isEqualTo(200);
    assertThat(demo.body()).contains("hello, bearer of a valid token");

    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"tokenapi\"").contains("\"FRESH\"");

    HttpResponse<String> prometheus = get("/actuator/prometheus");
    assertThat(prometheus.statusCode()).isEqualTo(200);
    assertThat(prometheus.body())
        .contains("jvm_memory_used_bytes")
        .contains("tokenapi_token_state{client_name=\"default\"")
        .contains("tokenapi_token_requests_seconds_count{client_name=\"default\"")
        // One family per fact: not also the timers Boot would derive from the Observations.
        .doesNotContain("tokenapi_token_fetch_seconds")
        .doesNotContain("tokenapi_token_attempt_seconds");

    // Readiness follows the token API here (application.properties); liveness never does.
    assertThat(get("/actuator/health/readiness").body()).contains("\"tokenapi\"");
    HttpResponse<String> liveness = get("/actuator/health/liveness");
    assertThat(liveness.statusCode()).isEqualTo(200);
    assertThat(liveness.body()).doesNotContain("tokenapi");

    // Without a token the fake resource refuses: the 200 above was the interceptor's doing.
    assertThat(get("/fake-resource").statusCode()).isEqualTo(401);
  }
}

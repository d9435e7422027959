package io.tokenapi.sdk.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenapi.sdk.ServiceUnavailableException;
import io.tokenapi.testkit.FakeTokenServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The opt-in stricter setting: {@code management.health.tokenapi.closed-status=down}. */
@SpringBootTest(
    classes = TokenApiStrictHealthTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "tokenapi.client.client-id=" + TokenApiStrictHealthTest.CLIENT_ID,
      "management.health.tokenapi.closed-status=down",
      "management.endpoint.health.show-details=always",
      // Spring Data Redis is on this module's test class path, with no server behind it.
      "management.health.redis.enabled=false"
    })
class TokenApiStrictHealthTest {
  static final String CLIENT_ID = "strict-client";
  static final String SECRET = "strict-secret-0b44e2";
  static final FakeTokenServer TOKENS =
      new FakeTokenServer().credentials(CLIENT_ID, SECRET).start();

  @DynamicPropertySource
  static void tokenServer(DynamicPropertyRegistry registry) {
    registry.add("tokenapi.client.base-url", TOKENS::baseUrl);
    registry.add("tokenapi.client.client-secret", () -> SECRET);
  }

  @AfterAll
  static void stopTokenServer() {
    TOKENS.close();
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  @LocalServerPort int port;
  @Autowired OAuthClients clients;

  @Test
  void closedStatusDown_scheduledClosure_is503() throws Exception {
    Instant reopens = Instant.now().plus(8, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    TOKENS.enqueueClosedUntil(reopens);
    assertThatThrownBy(clients.get("default")::getToken)
        .isInstanceOf(ServiceUnavailableException.class);

    HttpResponse<String> health =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
    JsonNode client =
        new ObjectMapper()
            .readTree(health.body())
            .path("components")
            .path("tokenapi")
            .path("components")
            .path("default");
    assertThat(client.path("status").asText()).isEqualTo("DOWN");
    assertThat(client.path("details").path("state").asText()).isEqualTo("CLOSED_UNTIL");
    assertThat(health.body()).doesNotContain(SECRET);
  }
}

package io.tokenapi.sdk.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.ServiceUnavailableException;
import io.tokenapi.sdk.TokenStatus;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code /actuator/health} over HTTP on a real server while the provider is closed for one client:
 * the application stays UP (200) by default, the liveness probe never looks at the token API, and
 * readiness does only where the application puts it. {@link TokenApiStrictHealthTest} is the opt-in
 * stricter setting.
 */
@SpringBootTest(
    classes = TokenApiHealthTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "tokenapi.clients.open.client-id=" + TokenApiHealthTest.CLIENT_ID,
      "tokenapi.clients.closed.client-id=" + TokenApiHealthTest.CLIENT_ID,
      "tokenapi.clients.failing.client-id=" + TokenApiHealthTest.CLIENT_ID,
      "tokenapi.clients.failing.retry.max-attempts=1",
      "management.endpoint.health.show-details=always",
      // Spring Data Redis is on this module's test class path, with no server behind it.
      "management.health.redis.enabled=false",
      "management.endpoint.health.probes.enabled=true",
      // The documented way to make readiness depend on the token API:
      "management.endpoint.health.group.readiness.include=readinessState,tokenapi",
      "management.endpoint.health.group.readiness.show-details=always"
    })
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TokenApiHealthTest {
  static final String CLIENT_ID = "health-client";
  static final String SECRET = "health-secret-7f3a01";
  static final FakeTokenServer TOKENS =
      new FakeTokenServer().credentials(CLIENT_ID, SECRET).start();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient PLAIN = HttpClient.newHttpClient();

  @DynamicPropertySource
  static void tokenServer(DynamicPropertyRegistry registry) {
    for (String name : new String[] {"open", "closed", "failing"}) {
      registry.add("tokenapi.clients." + name + ".base-url", TOKENS::baseUrl);
      registry.add("tokenapi.clients." + name + ".client-secret", () -> SECRET);
    }
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
  @Order(1)
  void scheduledClosure_healthStays200_withTheStateAndReopeningInDetails() throws Exception {
    clients.get("open").getToken();
    Instant reopens = Instant.now().plus(8, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    TOKENS.enqueueClosedUntil(reopens);
    OAuthClient closed = clients.get("closed");
    assertThatThrownBy(closed::getToken).isInstanceOf(ServiceUnavailableException.class);
    assertThat(closed.status().state()).isEqualTo(TokenStatus.State.CLOSED_UNTIL);

    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    JsonNode root = JSON.readTree(health.body());
    assertThat(root.path("status").asText()).isEqualTo("UP");
    JsonNode client = root.path("components").path("tokenapi").path("components").path("closed");
    assertThat(client.path("status").asText()).isEqualTo("UP");
    assertThat(client.path("details").path("state").asText()).isEqualTo("CLOSED_UNTIL");
    assertThat(Instant.parse(client.path("details").path("retryAt").asText())).isEqualTo(reopens);
    assertThat(client.path("details").path("lastFailure").asText())
        .startsWith("ServiceUnavailableException status=503");
    assertThat(health.body()).doesNotContain(SECRET).doesNotContain(TOKENS.lastIssuedToken());

    // Readiness includes tokenapi here (the documented opt-in): still ready during the closure.
    HttpResponse<String> readiness = get("/actuator/health/readiness");
    assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
    assertThat(readiness.body()).contains("\"tokenapi\"").contains("CLOSED_UNTIL");
  }

  @Test
  @Order(2)
  void failingInWorkingHours_isDown_forHealthAndReadiness_neverForLiveness() throws Exception {
    // The call, and the background requests health makes for a FAILING client on a slow machine
    // (one per negative-cache window): the provider keeps failing throughout.
    for (int i = 0; i < 4; i++) {
      TOKENS.enqueueServerError();
    }
    OAuthClient failing = clients.get("failing");
    assertThatThrownBy(failing::getToken).isInstanceOf(OAuthException.class);
    assertThat(failing.status().state()).isEqualTo(TokenStatus.State.FAILING);

    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
    JsonNode tokenapi = JSON.readTree(health.body()).path("components").path("tokenapi");
    assertThat(tokenapi.path("components").path("failing").path("status").asText())
        .isEqualTo("DOWN");
    assertThat(tokenapi.path("components").path("closed").path("status").asText()).isEqualTo("UP");
    assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(503);

    // A token API is a dependency: restarting this instance would not bring it back.
    HttpResponse<String> liveness = get("/actuator/health/liveness");
    assertThat(liveness.statusCode()).as(liveness.body()).isEqualTo(200);
    assertThat(liveness.body()).doesNotContain("tokenapi");
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return PLAIN.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}

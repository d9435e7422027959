package io.tokenapi.sdk.opentelemetry;

import static io.tokenapi.sdk.readme.ReadmeRegions.doc;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.readme.ReadmeRegions;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/observability.md's "OpenTelemetry" shows code that compiles and runs. */
class ReadmeOpenTelemetryTest {
  private static final Path SOURCE =
      Path.of("src/test/java/io/tokenapi/sdk/opentelemetry/ReadmeOpenTelemetryTest.java");

  /** The README's code, with what it assumes given as parameters. */
  static OAuthClient readmeClient(
      OpenTelemetry openTelemetry, String baseUrl, String clientId, String clientSecret) {
    // README opentelemetry: begin
    TokenClientTelemetry telemetry =
        TokenClientTelemetry.builder(openTelemetry) // GlobalOpenTelemetry.get(), the agent's, ...
            .clientName("payments") // the tokenapi.client.name attribute; never the client id
            .build();
    OAuthClient client =
        OAuthClient.builder()
            .baseUrl(baseUrl)
            .clientId(clientId)
            .clientSecret(clientSecret)
            .listener(telemetry) // spans, histograms and counters, from the client's events
            .build();
    telemetry.bindTo(client); // observable gauges, from client.status()
    // README opentelemetry: end
    return client;
  }

  @Test
  void javaSnippet_isTheCompiledCode() throws IOException {
    assertThat(ReadmeRegions.firstBlock(doc("docs/observability.md"), "### OpenTelemetry", "java"))
        .isEqualTo(ReadmeRegions.region(SOURCE, "opentelemetry"));
  }

  @Test
  void theSnippet_bindsAClientThatGetsAToken() {
    try (TestTelemetry otel = new TestTelemetry();
        FakeTokenServer server = new FakeTokenServer().start();
        OAuthClient client =
            readmeClient(
                otel.sdk,
                server.baseUrl(),
                FakeTokenServer.DEFAULT_CLIENT_ID,
                FakeTokenServer.DEFAULT_CLIENT_SECRET)) {
      client.getToken();

      assertThat(TestTelemetry.metric(otel.collect(), TokenClientTelemetry.STATE)).isPresent();
    }
  }
}

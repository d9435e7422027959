package io.tokenapi.sdk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** README.md's "### OpenTelemetry" shows code that compiles and runs. */
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

  private static String region() throws IOException {
    Matcher region =
        Pattern.compile(
                "// README opentelemetry: begin\n(.*?\n)\\s*// README opentelemetry: end",
                Pattern.DOTALL)
            .matcher(Files.readString(SOURCE, StandardCharsets.UTF_8));
    assertThat(region.find()).isTrue();
    List<String> lines = region.group(1).lines().toList();
    int indent =
        lines.stream()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    List<String> dedented = new ArrayList<>();
    for (String line : lines) {
      dedented.add(line.isBlank() ? "" : line.substring(indent));
    }
    return String.join("\n", dedented) + "\n";
  }

  @Test
  void javaSnippet_isTheCompiledCode() throws IOException {
    String whole = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    int start = whole.indexOf("### OpenTelemetry\n");
    assertThat(start).as("README.md has the section").isNotNegative();
    Matcher block = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(whole);

    assertThat(block.find(start)).isTrue();
    assertThat(block.group(1)).isEqualTo(region());
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

package io.tokenapi.sdk.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README.md's "Sharing tokens across instances" shows code that compiles and does what the README
 * says.
 */
class ReadmeRedisTest {
  private static String region() throws IOException {
    String source =
        Files.readString(
            Path.of("src/test/java/io/tokenapi/sdk/redis/SharedTokenExample.java"),
            StandardCharsets.UTF_8);
    Matcher region =
        Pattern.compile("// README redis: begin\n(.*?\n)\\s*// README redis: end", Pattern.DOTALL)
            .matcher(source);
    assertThat(region.find()).as("SharedTokenExample marks the README region").isTrue();
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
  void javaSnippet_isTheCompiledExample() throws IOException {
    String whole = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    int start = whole.indexOf("## Sharing tokens across instances\n");
    assertThat(start).as("README.md has the section").isNotNegative();
    int end = whole.indexOf("\n## ", start + 1);
    String readme = whole.substring(start, end < 0 ? whole.length() : end);
    Matcher block = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);

    assertThat(block.find()).isTrue();
    assertThat(block.group(1)).isEqualTo(region());
  }

  @Test
  void twoInstancesOfTheExample_makeOneTokenRequest() throws Exception {
    String key = Base64.getEncoder().encodeToString(FleetWorker.fleetKey().getEncoded());
    try (RedisServer redis = RedisServer.start();
        FakeTokenServer tokens = new FakeTokenServer().start();
        SharedTokenExample first =
            new SharedTokenExample(
                "127.0.0.1",
                redis.port(),
                key,
                tokens.baseUrl(),
                FakeTokenServer.DEFAULT_CLIENT_ID,
                FakeTokenServer.DEFAULT_CLIENT_SECRET);
        SharedTokenExample second =
            new SharedTokenExample(
                "127.0.0.1",
                redis.port(),
                key,
                tokens.baseUrl(),
                FakeTokenServer.DEFAULT_CLIENT_ID,
                FakeTokenServer.DEFAULT_CLIENT_SECRET)) {
      String value = first.client.getToken().value();

      assertThat(second.client.getToken().value()).isEqualTo(value);
      assertThat(tokens.requestCount()).isEqualTo(1);
    }
  }
}

package io.tokenapi.sdk.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.storecontract.TestKeys;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README.md's "Surviving restarts" shows code that compiles and does what the README says: a client
 * built again on the same store serves the stored token while the provider is closed.
 */
class ReadmeStoresTest {
  private static final String KEY =
      Base64.getEncoder().encodeToString(TestKeys.aes256(5).getEncoded());
  @TempDir Path state;

  private static String region(String name) throws IOException {
    String source =
        Files.readString(
            Path.of("src/test/java/io/tokenapi/sdk/jdbc/SurvivingRestartsExample.java"),
            StandardCharsets.UTF_8);
    Matcher region =
        Pattern.compile(
                "// README " + name + ": begin\n(.*?\n)\\s*// README " + name + ": end",
                Pattern.DOTALL)
            .matcher(source);
    assertThat(region.find()).as("region %s", name).isTrue();
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
  void javaSnippets_areTheCompiledExample() throws IOException {
    String whole = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    int start = whole.indexOf("## Surviving restarts\n");
    assertThat(start).as("README.md has the section").isNotNegative();
    int end = whole.indexOf("\n## ", start + 1);
    String readme = whole.substring(start, end < 0 ? whole.length() : end);
    Matcher block = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);

    assertThat(block.find()).isTrue();
    assertThat(block.group(1)).isEqualTo(region("file-store"));
    assertThat(block.find()).isTrue();
    assertThat(block.group(1)).isEqualTo(region("jdbc-store"));
  }

  @Test
  void fileStoreExample_restartedWhileClosed_servesTheStoredToken() {
    try (FakeTokenServer tokens = new FakeTokenServer().start()) {
      String value;
      try (OAuthClient before = fileClient(tokens)) {
        value = before.getToken().value();
      }
      tokens.closedWhen(now -> true, now -> now.plus(Duration.ofHours(10)));
      try (OAuthClient after = fileClient(tokens)) {
        assertThat(after.getToken().value()).isEqualTo(value);
      }
      assertThat(tokens.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void jdbcStoreExample_restartedWhileClosed_servesTheStoredToken() {
    DataSource h2 = Databases.h2("readme-" + UUID.randomUUID());
    try (FakeTokenServer tokens = new FakeTokenServer().start()) {
      String value;
      try (OAuthClient before = jdbcClient(h2, tokens)) {
        value = before.getToken().value();
      }
      tokens.closedWhen(now -> true, now -> now.plus(Duration.ofHours(10)));
      try (OAuthClient after = jdbcClient(h2, tokens)) {
        assertThat(after.getToken().value()).isEqualTo(value);
      }
      assertThat(tokens.requestCount()).isEqualTo(1);
    }
  }

  private OAuthClient fileClient(FakeTokenServer tokens) {
    return SurvivingRestartsExample.withFileStore(
        state,
        KEY,
        tokens.baseUrl(),
        FakeTokenServer.DEFAULT_CLIENT_ID,
        FakeTokenServer.DEFAULT_CLIENT_SECRET);
  }

  private OAuthClient jdbcClient(DataSource ds, FakeTokenServer tokens) {
    return SurvivingRestartsExample.withJdbcStore(
        ds,
        KEY,
        tokens.baseUrl(),
        FakeTokenServer.DEFAULT_CLIENT_ID,
        FakeTokenServer.DEFAULT_CLIENT_SECRET);
  }
}

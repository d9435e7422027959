package io.tokenapi.sdk.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.readme.ReadmeRegions;
import io.tokenapi.sdk.storecontract.TestKeys;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/stores.md's "Surviving restarts" shows code that compiles and does what the docs say: a
 * client built again on the same store serves the stored token while the provider is closed.
 */
class ReadmeStoresTest {
  private static final String KEY =
      Base64.getEncoder().encodeToString(TestKeys.aes256(5).getEncoded());
  @TempDir Path state;

  private static String region(String name) throws IOException {
    return ReadmeRegions.region(
        Path.of("src/test/java/io/tokenapi/sdk/jdbc/SurvivingRestartsExample.java"), name);
  }

  @Test
  void javaSnippets_areTheCompiledExample() throws IOException {
    List<String> blocks =
        ReadmeRegions.javaBlocks(ReadmeRegions.doc("docs/stores.md"), "## Surviving restarts");

    assertThat(blocks).hasSize(2);
    assertThat(blocks.get(0)).isEqualTo(region("file-store"));
    assertThat(blocks.get(1)).isEqualTo(region("jdbc-store"));
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

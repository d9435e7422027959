package io.tokenapi.sdk.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.readme.ReadmeRegions;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/stores.md's "Sharing tokens across instances" shows code that compiles and does what the
 * docs say.
 */
class ReadmeRedisTest {
  @Test
  void javaSnippet_isTheCompiledExample() throws IOException {
    List<String> blocks =
        ReadmeRegions.javaBlocks(
            ReadmeRegions.doc("docs/stores.md"), "## Sharing tokens across instances");

    assertThat(blocks).isNotEmpty();
    assertThat(blocks.get(0))
        .isEqualTo(
            ReadmeRegions.region(
                Path.of("src/test/java/io/tokenapi/sdk/redis/SharedTokenExample.java"), "redis"));
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

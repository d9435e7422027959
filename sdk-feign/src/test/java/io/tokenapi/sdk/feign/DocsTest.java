package io.tokenapi.sdk.feign;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.readme.ReadmeRegions;
import io.tokenapi.testkit.FakeTokenServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/http-clients.md's Feign section shows the compiled {@link DocsExample}. */
class DocsTest {
  @Test
  void snippet_isTheCompiledExample_andBuilds() throws Exception {
    assertThat(ReadmeRegions.javaBlocks(Path.of("..", "docs", "http-clients.md"), "## OpenFeign"))
        .containsExactly(
            ReadmeRegions.region(
                Path.of("src/test/java/io/tokenapi/sdk/feign/DocsExample.java"), "feign"));

    try (FakeTokenServer tokens = new FakeTokenServer().start();
        OAuthClient oauthClient =
            OAuthClient.builder()
                .baseUrl(tokens.baseUrl())
                .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
                .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
                .build()) {
      assertThat(DocsExample.feign(oauthClient)).isNotNull();
    }
  }
}

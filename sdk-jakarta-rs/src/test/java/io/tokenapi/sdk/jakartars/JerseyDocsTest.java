package io.tokenapi.sdk.jakartars;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.readme.ReadmeRegions;
import io.tokenapi.testkit.FakeTokenServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/http-clients.md's Jakarta REST section shows the compiled {@link DocsExample}, which builds
 * a client (Jersey, the implementation on this execution's class path).
 */
class JerseyDocsTest {
  @Test
  void snippet_isTheCompiledExample_andBuilds() throws Exception {
    assertThat(
            ReadmeRegions.javaBlocks(Path.of("..", "docs", "http-clients.md"), "## Jakarta REST"))
        .containsExactly(
            ReadmeRegions.region(
                Path.of("src/test/java/io/tokenapi/sdk/jakartars/DocsExample.java"), "jakarta-rs"));

    try (FakeTokenServer tokens = new FakeTokenServer().start();
        OAuthClient oauthClient =
            OAuthClient.builder()
                .baseUrl(tokens.baseUrl())
                .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
                .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
                .build()) {
      DocsExample.jakartaRs(oauthClient).close();
    }
  }
}

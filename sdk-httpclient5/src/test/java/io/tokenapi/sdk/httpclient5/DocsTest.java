package io.tokenapi.sdk.httpclient5;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.readme.ReadmeRegions;
import io.tokenapi.testkit.FakeTokenServer;
import java.nio.file.Path;
import java.util.List;
import org.apache.hc.core5.io.CloseMode;
import org.junit.jupiter.api.Test;

/** docs/http-clients.md's HttpClient 5 section shows the compiled {@link DocsExample}. */
class DocsTest {
  private static String region(String name) throws Exception {
    return ReadmeRegions.region(
        Path.of("src/test/java/io/tokenapi/sdk/httpclient5/DocsExample.java"), name);
  }

  @Test
  void snippets_areTheCompiledExample_andBuild() throws Exception {
    List<String> blocks =
        ReadmeRegions.javaBlocks(
            Path.of("..", "docs", "http-clients.md"), "## Apache HttpClient 5");
    assertThat(blocks).containsExactly(region("classic"), region("async"));

    try (FakeTokenServer tokens = new FakeTokenServer().start();
        OAuthClient oauthClient =
            OAuthClient.builder()
                .baseUrl(tokens.baseUrl())
                .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
                .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
                .build()) {
      DocsExample.classic(oauthClient).close();
      DocsExample.async(oauthClient).close(CloseMode.IMMEDIATE);
    }
  }
}

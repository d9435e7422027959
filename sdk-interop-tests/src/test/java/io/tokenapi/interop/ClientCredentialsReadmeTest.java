package io.tokenapi.interop;

import static io.tokenapi.sdk.readme.ReadmeRegions.doc;
import static io.tokenapi.sdk.readme.ReadmeRegions.firstBlock;
import static io.tokenapi.sdk.readme.ReadmeRegions.javaBlocks;
import static io.tokenapi.sdk.readme.ReadmeRegions.region;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The client credential snippets of docs/credentials.md are the compiled regions of {@link
 * ClientCredentialsReadmeExamples} and {@link ReadmeExamplesInteropTest}, which the interop tests
 * run against Spring Authorization Server.
 */
class ClientCredentialsReadmeTest {
  private static final Path CREDENTIALS = doc("docs/credentials.md");
  private static final Path EXAMPLES =
      Path.of("src/test/java/io/tokenapi/interop/ClientCredentialsReadmeExamples.java");
  private static final Path SECRET_EXAMPLES =
      Path.of("src/test/java/io/tokenapi/interop/ReadmeExamplesInteropTest.java");

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "### Private key JWT (`private_key_jwt`) | private-key-jwt",
        "### Workload identity and other external assertions | client-assertion",
        "### Mutual TLS (`tls_client_auth`) | tls-client-auth",
        "### Extra token parameters (`audience`, `resource`) | token-parameters"
      })
  void docsSnippet_isTheCompiledRegion(String heading, String region) throws IOException {
    assertThat(firstBlock(CREDENTIALS, heading, "java")).isEqualTo(region(EXAMPLES, region));
  }

  @Test
  void otherServersSnippets_areTheRunExamples() throws IOException {
    assertThat(javaBlocks(CREDENTIALS, "## Other OAuth 2.0 servers"))
        .containsExactly(
            region(SECRET_EXAMPLES, "client-secret-basic"),
            region(SECRET_EXAMPLES, "client-secret-post"));
  }
}

package io.tokenapi.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.ClientAuthentication;
import io.tokenapi.sdk.OAuthClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The builder snippets of docs/credentials.md's section "Other OAuth 2.0 servers", compiled and run
 * against the embedded server; {@link ClientCredentialsReadmeTest} keeps the docs' copies equal to
 * the marked regions.
 */
class ReadmeExamplesInteropTest {

  @RegisterExtension static final InteropServer server = new InteropServer();

  static OAuthClient clientSecretBasicExample(String authServerUrl, String clientSecret) {
    // README client-secret-basic: begin
    OAuthClient client =
        OAuthClient.builder()
            .baseUrl(authServerUrl) // e.g. "https://auth.example.com"
            .tokenPath("/oauth2/token") // Spring Authorization Server's token endpoint
            .clientId("basic-client")
            .clientSecret(clientSecret)
            .clientAuthentication(ClientAuthentication.CLIENT_SECRET_BASIC)
            .scope("payments.read payments.write") // optional
            .build();
    // README client-secret-basic: end
    return client;
  }

  static OAuthClient clientSecretPostExample(String authServerUrl, String clientSecret) {
    // README client-secret-post: begin
    OAuthClient client =
        OAuthClient.builder()
            .baseUrl(authServerUrl)
            .tokenPath("/oauth2/token")
            .clientId("post-client")
            .clientSecret(clientSecret)
            .clientAuthentication(ClientAuthentication.CLIENT_SECRET_POST)
            .scope("payments.read")
            .build();
    // README client-secret-post: end
    return client;
  }

  @Test
  void readmeClientSecretBasicExample_obtainsTokenWithBothScopes() {
    try (OAuthClient client =
        clientSecretBasicExample(server.baseUrl(), InteropClients.BASIC_SECRET)) {
      AccessToken token = client.getToken();

      assertThat(token.authorizationHeader()).startsWith("Bearer ");
      assertThat(token.scope())
          .hasValueSatisfying(
              scope ->
                  assertThat(scope.split(" "))
                      .containsExactlyInAnyOrder("payments.read", "payments.write"));
    }
  }

  @Test
  void readmeClientSecretPostExample_obtainsTokenWithRequestedScope() {
    try (OAuthClient client =
        clientSecretPostExample(server.baseUrl(), InteropClients.POST_SECRET)) {
      AccessToken token = client.getToken();

      assertThat(token.authorizationHeader()).startsWith("Bearer ");
      assertThat(token.scope()).contains("payments.read");
    }
  }
}

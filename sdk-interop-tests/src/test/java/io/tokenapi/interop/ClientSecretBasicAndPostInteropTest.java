package io.tokenapi.interop;

import static io.tokenapi.sdk.ClientAuthentication.CLIENT_SECRET_BASIC;
import static io.tokenapi.sdk.ClientAuthentication.CLIENT_SECRET_POST;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OAuthClient obtains tokens from Spring Authorization Server with both RFC 6749 client
 * authentication methods.
 */
class ClientSecretBasicAndPostInteropTest {

  @RegisterExtension static final InteropServer server = new InteropServer();

  @Test
  void getToken_withClientSecretBasic_obtainsBearerTokenWithCredentialsInAuthorizationHeader() {
    try (OAuthClient client = server.client(CLIENT_SECRET_BASIC).build()) {

      AccessToken token = client.getToken();

      assertThat(token.value()).isNotBlank();
      assertThat(token.tokenType()).isEqualTo("Bearer");
      TokenRequestRecorder.RecordedTokenRequest request = server.lastTokenRequest();
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.contentType()).startsWith("application/x-www-form-urlencoded");
      assertThat(request.authorizationScheme()).contains("Basic");
      assertThat(request.formValue("grant_type")).contains("client_credentials");
      assertThat(request.form()).doesNotContainKeys("client_id", "client_secret");
    }
  }

  @Test
  void getToken_withClientSecretPost_obtainsBearerTokenWithCredentialsInForm() {
    try (OAuthClient client = server.client(CLIENT_SECRET_POST).build()) {

      AccessToken token = client.getToken();

      assertThat(token.value()).isNotBlank();
      assertThat(token.tokenType()).isEqualTo("Bearer");
      TokenRequestRecorder.RecordedTokenRequest request = server.lastTokenRequest();
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.contentType()).startsWith("application/x-www-form-urlencoded");
      assertThat(request.authorizationScheme()).isEmpty();
      assertThat(request.formValue("grant_type")).contains("client_credentials");
      assertThat(request.formValue("client_id")).contains(InteropClients.POST_ID);
      assertThat(request.formValue("client_secret")).contains(InteropClients.POST_SECRET);
    }
  }

  @Test
  void getToken_withScopeAndClientSecretBasic_sendsScopeAndReportsGrantedScope() {
    try (OAuthClient client = server.client(CLIENT_SECRET_BASIC).scope("payments.read").build()) {

      AccessToken token = client.getToken();

      assertThat(server.lastTokenRequest().formValue("scope")).contains("payments.read");
      assertThat(token.scope()).contains("payments.read");
    }
  }

  @Test
  void getToken_withTwoScopesAndClientSecretPost_reportsBothGrantedScopes() {
    try (OAuthClient client =
        server.client(CLIENT_SECRET_POST).scope(InteropClients.SCOPES).build()) {

      AccessToken token = client.getToken();

      assertThat(server.lastTokenRequest().formValue("scope")).contains(InteropClients.SCOPES);
      // Spring lists granted scopes in its own order.
      assertThat(token.scope())
          .hasValueSatisfying(
              scope ->
                  assertThat(scope.split(" "))
                      .containsExactlyInAnyOrder("payments.read", "payments.write"));
    }
  }

  @Test
  void getToken_withoutScope_sendsNoScopeAndReportsNone() {
    try (OAuthClient client = server.client(CLIENT_SECRET_BASIC).build()) {

      AccessToken token = client.getToken();

      assertThat(server.lastTokenRequest().form()).doesNotContainKey("scope");
      // Spring grants no scope when none is requested and leaves "scope" out of the response.
      assertThat(token.scope()).isEmpty();
    }
  }
}

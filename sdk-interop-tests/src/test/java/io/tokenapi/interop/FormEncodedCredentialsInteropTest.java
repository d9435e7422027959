package io.tokenapi.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.ClientAuthentication;
import io.tokenapi.sdk.OAuthClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ids and secrets with characters that RFC 6749 2.3.1 makes the client form-encode ({@code :},
 * {@code %}, {@code +}, space, non-ASCII in the secret) reach Spring Authorization Server intact in
 * both modes. Spring form-decodes Basic credentials, so a client that Base64-encodes them raw would
 * fail here.
 */
class FormEncodedCredentialsInteropTest {

  @RegisterExtension static final InteropServer server = new InteropServer();

  @Test
  void getToken_withClientSecretBasicAndSpecialCharacters_obtainsToken() {
    OAuthClient.Builder builder =
        server.client(
            ClientAuthentication.CLIENT_SECRET_BASIC,
            InteropClients.SPECIAL_BASIC_ID,
            InteropClients.SPECIAL_BASIC_SECRET);
    try (OAuthClient client = builder.build()) {

      AccessToken token = client.getToken();

      assertThat(token.value()).isNotBlank();
      assertThat(server.lastTokenRequest().authorizationScheme()).contains("Basic");
    }
  }

  @Test
  void getToken_withClientSecretPostAndSpecialCharacters_obtainsToken() {
    OAuthClient.Builder builder =
        server.client(
            ClientAuthentication.CLIENT_SECRET_POST,
            InteropClients.SPECIAL_POST_ID,
            InteropClients.SPECIAL_POST_SECRET);
    try (OAuthClient client = builder.build()) {

      AccessToken token = client.getToken();

      assertThat(token.value()).isNotBlank();
      // The server decoded the form back to exactly what the client was given.
      assertThat(server.lastTokenRequest().formValue("client_id"))
          .contains(InteropClients.SPECIAL_POST_ID);
      assertThat(server.lastTokenRequest().formValue("client_secret"))
          .contains(InteropClients.SPECIAL_POST_SECRET);
    }
  }
}

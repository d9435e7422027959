package io.tokenapi.interop;

import io.tokenapi.sdk.ClientAuthentication;
import io.tokenapi.sdk.OAuthClient;

/** OAuthClient builders pointed at the embedded server's token endpoint. */
final class SdkClients {

  private SdkClients() {
  }

  static OAuthClient.Builder builder(
      SpringAuthorizationServer server, String clientId, String clientSecret, ClientAuthentication method) {
    return OAuthClient.builder()
        .baseUrl(server.baseUrl()) // http://127.0.0.1: loopback, allowed without allowInsecureHttp()
        .tokenPath(SpringAuthorizationServer.TOKEN_PATH)
        .clientId(clientId)
        .clientSecret(clientSecret)
        .clientAuthentication(method);
  }
}

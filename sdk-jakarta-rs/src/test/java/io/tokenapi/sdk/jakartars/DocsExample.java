package io.tokenapi.sdk.jakartars;

import io.tokenapi.sdk.OAuthClient;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;

/** The code docs/http-clients.md shows for Jakarta REST, compiled. */
final class DocsExample {
  private DocsExample() {}

  static Client jakartaRs(OAuthClient oauthClient) {
    // README jakarta-rs: begin
    Client rest =
        ClientBuilder.newBuilder()
            .register(BearerTokenFilter.builder(oauthClient).allowHost("api.example.com").build())
            .build();
    // README jakarta-rs: end
    return rest;
  }
}

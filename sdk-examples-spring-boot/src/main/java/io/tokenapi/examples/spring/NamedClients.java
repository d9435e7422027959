package io.tokenapi.examples.spring;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.spring.BearerTokenClientHttpRequestInterceptor;
import io.tokenapi.sdk.spring.OAuthClients;
import org.springframework.web.client.RestClient;

/** The README's named-clients snippet, compiled (the example app itself uses one client). */
final class NamedClients {
  private NamedClients() {}

  // README spring-named: begin
  static RestClient paymentsApi(OAuthClients clients) {
    OAuthClient payments = clients.get("payments"); // tokenapi.clients.payments.*
    return RestClient.builder()
        .baseUrl("https://payments.example.com")
        .requestInterceptor(
            BearerTokenClientHttpRequestInterceptor.builder(payments)
                .allowHost("payments.example.com")
                .build())
        .build();
  }
  // README spring-named: end
}

package io.tokenapi.sdk.feign;

import feign.Feign;
import feign.RequestLine;
import feign.Retryer;
import feign.codec.ErrorDecoder;
import io.tokenapi.sdk.OAuthClient;

/** The code docs/http-clients.md shows for Feign, compiled. */
final class DocsExample {
  private DocsExample() {}

  /** A Feign interface as an application has one. */
  interface PaymentsApi {
    @RequestLine("GET /v1/payments")
    String payments();
  }

  static PaymentsApi feign(OAuthClient oauthClient) {
    // README feign: begin
    BearerTokenRequestInterceptor bearer =
        BearerTokenRequestInterceptor.builder(oauthClient).allowHost("api.example.com").build();
    PaymentsApi api =
        Feign.builder()
            .requestInterceptor(bearer)
            .errorDecoder(bearer.errorDecoder(new ErrorDecoder.Default()))
            .retryer(bearer.retryer(Retryer.NEVER_RETRY))
            .target(PaymentsApi.class, "https://api.example.com");
    // README feign: end
    return api;
  }
}

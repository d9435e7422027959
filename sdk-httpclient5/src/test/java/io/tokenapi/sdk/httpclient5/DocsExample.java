package io.tokenapi.sdk.httpclient5;

import io.tokenapi.sdk.OAuthClient;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;

/** The code docs/http-clients.md shows for HttpClient 5, compiled. */
final class DocsExample {
  private DocsExample() {}

  static CloseableHttpClient classic(OAuthClient oauthClient) {
    // README classic: begin
    CloseableHttpClient http =
        HttpClients.custom()
            .addExecInterceptorAfter(
                ChainElement.REDIRECT.name(),
                BearerTokenExecChainHandler.NAME,
                BearerTokenExecChainHandler.builder(oauthClient)
                    .allowHost("api.example.com")
                    .build())
            .build();
    // README classic: end
    return http;
  }

  static CloseableHttpAsyncClient async(OAuthClient oauthClient) {
    // README async: begin
    CloseableHttpAsyncClient http =
        HttpAsyncClients.custom()
            .addExecInterceptorAfter(
                ChainElement.REDIRECT.name(),
                BearerTokenAsyncExecChainHandler.NAME,
                BearerTokenAsyncExecChainHandler.builder(oauthClient)
                    .allowHost("api.example.com")
                    .build())
            .build();
    http.start();
    // README async: end
    return http;
  }
}

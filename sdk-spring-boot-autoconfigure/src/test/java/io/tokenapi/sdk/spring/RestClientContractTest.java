package io.tokenapi.sdk.spring;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.resourcecontract.Reply;
import io.tokenapi.sdk.resourcecontract.ResourceCallContract;
import io.tokenapi.sdk.resourcecontract.ResourceCaller;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.springframework.web.client.RestClient;

/**
 * The resource-call contract on a plain {@code RestClient} with the interceptor, on the request
 * factory {@code RestClient.builder()} picks (the JDK client here).
 */
class RestClientContractTest extends ResourceCallContract {

  @Override
  protected ResourceCaller newCaller(OAuthClient client) {
    BearerTokenClientHttpRequestInterceptor interceptor =
        BearerTokenClientHttpRequestInterceptor.builder(client).allowHost(ALLOWED_HOST).build();
    RestClient rest = RestClient.builder().requestInterceptor(interceptor).build();
    return new ResourceCaller() {
      @Override
      public Reply call(URI uri) {
        return rest.get()
            .uri(uri)
            .exchange(
                (request, response) ->
                    new Reply(
                        response.getStatusCode().value(),
                        new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8)));
      }

      @Override
      public Object integration() {
        return interceptor;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  protected Class<? extends Throwable> tokenFailureType() {
    return OAuthException.class;
  }
}

package io.tokenapi.sdk.spring;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.resourcecontract.Reply;
import io.tokenapi.sdk.resourcecontract.ResourceCallContract;
import io.tokenapi.sdk.resourcecontract.ResourceCaller;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.client.RestTemplate;

/**
 * The resource-call contract on a plain {@code new RestTemplate()} with the interceptor: its
 * default {@code SimpleClientHttpRequestFactory} ({@code HttpURLConnection}) follows redirects of a
 * GET.
 */
class RestTemplateContractTest extends ResourceCallContract {

  @Override
  protected ResourceCaller newCaller(OAuthClient client) {
    BearerTokenClientHttpRequestInterceptor interceptor =
        BearerTokenClientHttpRequestInterceptor.builder(client).allowHost(ALLOWED_HOST).build();
    RestTemplate rest = new RestTemplate();
    rest.getInterceptors().add(interceptor);
    return new ResourceCaller() {
      @Override
      public Reply call(URI uri) {
        try {
          ResponseEntity<String> response = rest.getForEntity(uri, String.class);
          return new Reply(
              response.getStatusCode().value(), response.hasBody() ? response.getBody() : "");
        } catch (RestClientResponseException e) {
          // RestTemplate reports 4xx and 5xx as exceptions; the contract reads them as answers.
          return new Reply(e.getStatusCode().value(), e.getResponseBodyAsString());
        }
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

package io.tokenapi.sdk.feign;

import feign.Feign;
import feign.FeignException;
import feign.RequestLine;
import feign.Retryer;
import feign.Target;
import feign.codec.ErrorDecoder;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.resourcecontract.Reply;
import io.tokenapi.sdk.resourcecontract.ResourceCallContract;
import io.tokenapi.sdk.resourcecontract.ResourceCaller;
import java.net.URI;

/**
 * The resource-call contract on Feign's default client ({@code HttpURLConnection}, redirects
 * followed), set up as the interceptor's Javadoc says. A 401 that Feign reports as a {@code
 * FeignException} is read as an answer.
 */
class FeignContractTest extends ResourceCallContract {

  /** Any resource, by its absolute URI. */
  interface Resource {
    @RequestLine("GET")
    String get(URI uri);
  }

  @Override
  protected ResourceCaller newCaller(OAuthClient client) {
    BearerTokenRequestInterceptor bearer =
        BearerTokenRequestInterceptor.builder(client).allowHost(ALLOWED_HOST).build();
    Resource resource =
        Feign.builder()
            .requestInterceptor(bearer)
            .errorDecoder(bearer.errorDecoder(new ErrorDecoder.Default()))
            .retryer(bearer.retryer(Retryer.NEVER_RETRY))
            .target(Target.EmptyTarget.create(Resource.class));
    return new ResourceCaller() {
      @Override
      public Reply call(URI uri) {
        try {
          return new Reply(200, resource.get(uri));
        } catch (FeignException e) {
          if (e.status() <= 0) {
            throw e;
          }
          return new Reply(e.status(), e.contentUTF8());
        }
      }

      @Override
      public Object integration() {
        return bearer;
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

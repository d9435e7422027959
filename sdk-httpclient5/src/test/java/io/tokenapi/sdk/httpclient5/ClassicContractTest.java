package io.tokenapi.sdk.httpclient5;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.resourcecontract.Reply;
import io.tokenapi.sdk.resourcecontract.ResourceCallContract;
import io.tokenapi.sdk.resourcecontract.ResourceCaller;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * The resource-call contract on the classic HttpClient 5, set up as the handler's Javadoc says
 * (after the redirect handler; redirects followed, HttpClient's default).
 */
class ClassicContractTest extends ResourceCallContract {

  @Override
  protected ResourceCaller newCaller(OAuthClient client) {
    BearerTokenExecChainHandler handler =
        BearerTokenExecChainHandler.builder(client).allowHost(ALLOWED_HOST).build();
    CloseableHttpClient http =
        HttpClients.custom()
            .addExecInterceptorAfter(
                ChainElement.REDIRECT.name(), BearerTokenExecChainHandler.NAME, handler)
            .build();
    return new ResourceCaller() {
      @Override
      public Reply call(URI uri) throws IOException {
        return http.execute(
            new HttpGet(uri),
            response ->
                new Reply(
                    response.getCode(),
                    response.getEntity() == null
                        ? ""
                        : EntityUtils.toString(response.getEntity())));
      }

      @Override
      public Object integration() {
        return handler;
      }

      @Override
      public void close() {
        try {
          http.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  @Override
  protected Class<? extends Throwable> tokenFailureType() {
    return TokenUnavailableIOException.class;
  }
}

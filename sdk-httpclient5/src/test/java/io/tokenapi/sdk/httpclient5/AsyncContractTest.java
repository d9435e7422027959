package io.tokenapi.sdk.httpclient5;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.resourcecontract.Reply;
import io.tokenapi.sdk.resourcecontract.ResourceCallContract;
import io.tokenapi.sdk.resourcecontract.ResourceCaller;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;

/**
 * The resource-call contract on the async HttpClient 5 with one I/O reactor thread, so that a
 * handler which blocked it would stall every other call of the client.
 */
class AsyncContractTest extends ResourceCallContract {

  @Override
  protected ResourceCaller newCaller(OAuthClient client) {
    BearerTokenAsyncExecChainHandler handler =
        BearerTokenAsyncExecChainHandler.builder(client).allowHost(ALLOWED_HOST).build();
    CloseableHttpAsyncClient http =
        HttpAsyncClients.custom()
            .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).build())
            .addExecInterceptorAfter(
                ChainElement.REDIRECT.name(), BearerTokenAsyncExecChainHandler.NAME, handler)
            .build();
    http.start();
    return new ResourceCaller() {
      @Override
      public Reply call(URI uri) throws Exception {
        try {
          return callAsync(uri).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          throw (Exception) e.getCause();
        } catch (TimeoutException e) {
          throw new AssertionError("no answer in 30 seconds", e);
        }
      }

      @Override
      public boolean hasAsync() {
        return true;
      }

      @Override
      public CompletableFuture<Reply> callAsync(URI uri) {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        SimpleHttpRequest request = SimpleRequestBuilder.get(uri).build();
        http.execute(
            request,
            new FutureCallback<SimpleHttpResponse>() {
              @Override
              public void completed(SimpleHttpResponse response) {
                String body = response.getBodyText();
                reply.complete(new Reply(response.getCode(), body == null ? "" : body));
              }

              @Override
              public void failed(Exception e) {
                reply.completeExceptionally(e);
              }

              @Override
              public void cancelled() {
                reply.cancel(false);
              }
            });
        return reply;
      }

      @Override
      public Object integration() {
        return handler;
      }

      @Override
      public void close() {
        http.close(CloseMode.IMMEDIATE);
      }
    };
  }

  @Override
  protected Class<? extends Throwable> tokenFailureType() {
    return TokenUnavailableIOException.class;
  }
}

package io.tokenapi.sdk.spring;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.resourcecontract.Reply;
import io.tokenapi.sdk.resourcecontract.ResourceCallContract;
import io.tokenapi.sdk.resourcecontract.ResourceCaller;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The resource-call contract on a plain {@code WebClient} with the filter, on the connector {@code
 * WebClient.builder()} picks. The synchronous call is the asynchronous one, blocked on by the test
 * thread.
 */
class WebClientContractTest extends ResourceCallContract {

  @Override
  protected ResourceCaller newCaller(OAuthClient client) {
    BearerTokenExchangeFilterFunction filter =
        BearerTokenExchangeFilterFunction.builder(client).allowHost(ALLOWED_HOST).build();
    WebClient web = WebClient.builder().filter(filter).build();
    return new ResourceCaller() {
      @Override
      public Reply call(URI uri) {
        return exchange(uri).block(Duration.ofSeconds(30));
      }

      @Override
      public boolean hasAsync() {
        return true;
      }

      @Override
      public CompletableFuture<Reply> callAsync(URI uri) {
        return exchange(uri).toFuture();
      }

      private reactor.core.publisher.Mono<Reply> exchange(URI uri) {
        return web.get()
            .uri(uri)
            .exchangeToMono(
                response ->
                    response
                        .bodyToMono(String.class)
                        .defaultIfEmpty("")
                        .map(body -> new Reply(response.statusCode().value(), body)));
      }

      @Override
      public Object integration() {
        return filter;
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

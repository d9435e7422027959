package io.tokenapi.sdk.jakartars;

import io.tokenapi.sdk.resourcecontract.Reply;
import io.tokenapi.sdk.resourcecontract.ResourceCaller;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.InvocationCallback;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/** The contract's caller on any Jakarta REST client with the filter registered. */
final class JakartaRsCallers {
  private JakartaRsCallers() {}

  static ResourceCaller of(Client rest, BearerTokenFilter filter, boolean async) {
    return new ResourceCaller() {
      @Override
      public Reply call(URI uri) {
        try (Response response = rest.target(uri).request().get()) {
          return reply(response);
        }
      }

      @Override
      public boolean hasAsync() {
        return async;
      }

      @Override
      public CompletableFuture<Reply> callAsync(URI uri) {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        rest.target(uri)
            .request()
            .async()
            .get(
                new InvocationCallback<Response>() {
                  @Override
                  public void completed(Response response) {
                    try (response) {
                      reply.complete(reply(response));
                    } catch (RuntimeException e) {
                      reply.completeExceptionally(e);
                    }
                  }

                  @Override
                  public void failed(Throwable failure) {
                    reply.completeExceptionally(failure);
                  }
                });
        return reply;
      }

      @Override
      public Object integration() {
        return filter;
      }

      @Override
      public void close() {
        rest.close();
      }
    };
  }

  private static Reply reply(Response response) {
    String body = response.hasEntity() ? response.readEntity(String.class) : "";
    return new Reply(response.getStatus(), body);
  }
}

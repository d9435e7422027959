package io.tokenapi.sdk.okhttp;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.resourcecontract.Reply;
import io.tokenapi.sdk.resourcecontract.ResourceCallContract;
import io.tokenapi.sdk.resourcecontract.ResourceCaller;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The resource-call contract on OkHttp: the interceptor added with {@code addInterceptor},
 * redirects followed (OkHttp's default). The asynchronous path is {@code Call.enqueue}: OkHttp runs
 * interceptors on its dispatcher's thread of that call, so the token wait occupies that call's
 * thread and no other (the contract checks that another call still completes).
 */
class BearerTokenInterceptorContractTest extends ResourceCallContract {

  @Override
  protected ResourceCaller newCaller(OAuthClient client) {
    BearerTokenInterceptor interceptor =
        BearerTokenInterceptor.builder(client).allowHost(ALLOWED_HOST).build();
    OkHttpClient http = new OkHttpClient.Builder().addInterceptor(interceptor).build();
    return new ResourceCaller() {
      @Override
      public Reply call(URI uri) throws IOException {
        try (Response response = http.newCall(request(uri)).execute()) {
          return new Reply(response.code(), response.body().string());
        }
      }

      @Override
      public boolean hasAsync() {
        return true;
      }

      @Override
      public CompletableFuture<Reply> callAsync(URI uri) {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        http.newCall(request(uri))
            .enqueue(
                new Callback() {
                  @Override
                  public void onFailure(Call call, IOException e) {
                    reply.completeExceptionally(e);
                  }

                  @Override
                  public void onResponse(Call call, Response response) throws IOException {
                    try (response) {
                      reply.complete(new Reply(response.code(), response.body().string()));
                    }
                  }
                });
        return reply;
      }

      @Override
      public Object integration() {
        return interceptor;
      }

      @Override
      public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
      }
    };
  }

  private static Request request(URI uri) {
    return new Request.Builder().url(uri.toString()).build();
  }

  @Override
  protected Class<? extends Throwable> tokenFailureType() {
    return TokenUnavailableIOException.class;
  }
}

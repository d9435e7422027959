package io.tokenapi.examples;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.testkit.FakeTokenServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@link OAuthClient#getTokenAsync()}: never blocks the caller, and concurrent callers share one
 * request. Failures arrive as the same typed exceptions, wrapped in the future's {@link
 * CompletionException}.
 */
public final class AsyncExample {
  private static final int CALLERS = 50;

  private AsyncExample() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    try (FakeTokenServer tokens = new FakeTokenServer().start()) {
      try (OAuthClient client = clientFor(tokens)) {
        List<CompletableFuture<AccessToken>> futures = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
          futures.add(client.getTokenAsync());
        }
        CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).join();
        long distinct = futures.stream().map(CompletableFuture::join).distinct().count();
        System.out.println(
            CALLERS
                + " async callers got "
                + distinct
                + " token from "
                + tokens.requestCount()
                + " token request");

        String header = client.getTokenAsync().thenApply(AccessToken::authorizationHeader).join();
        System.out.println(
            "thenApply(AccessToken::authorizationHeader) -> \"Bearer <"
                + (header.length() - "Bearer ".length())
                + " characters>\"");
      }

      tokens.enqueueConflict();
      try (OAuthClient client = clientFor(tokens)) {
        String outcome =
            client
                .getTokenAsync()
                .thenApply(token -> "token")
                .exceptionally(
                    e ->
                        "failed with "
                            + (e instanceof CompletionException ? e.getCause() : e)
                                .getClass()
                                .getSimpleName())
                .join();
        System.out.println("after a 409: " + outcome);
      }
    }
  }

  private static OAuthClient clientFor(FakeTokenServer tokens) {
    return OAuthClient.builder()
        .baseUrl(tokens.baseUrl())
        .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
        .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
        .build();
  }
}

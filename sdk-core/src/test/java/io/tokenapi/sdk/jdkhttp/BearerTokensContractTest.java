package io.tokenapi.sdk.jdkhttp;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.resourcecontract.Reply;
import io.tokenapi.sdk.resourcecontract.ResourceCallContract;
import io.tokenapi.sdk.resourcecontract.ResourceCaller;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The resource-call contract on {@code java.net.http}, used as {@link BearerTokens}'s Javadoc
 * shows: {@code authorize}, send, and once more after {@code invalidateIfRejected}; redirects left
 * at the default {@code NEVER}. There is no asynchronous path: {@code authorize} takes the token on
 * the caller's thread.
 */
class BearerTokensContractTest extends ResourceCallContract {

  @Override
  protected ResourceCaller newCaller(OAuthClient client) {
    HttpClient http = HttpClient.newHttpClient();
    return new ResourceCaller() {
      @Override
      public Reply call(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(client, uri), BodyHandlers.ofString());
        if (BearerTokens.invalidateIfRejected(client, response)) {
          response = http.send(request(client, uri), BodyHandlers.ofString());
        }
        return new Reply(response.statusCode(), response.body());
      }

      @Override
      public Object integration() {
        return http;
      }

      @Override
      public void close() {}
    };
  }

  private static HttpRequest request(OAuthClient client, URI uri) {
    return BearerTokens.authorize(client, HttpRequest.newBuilder(uri)).GET().build();
  }

  @Override
  protected Class<? extends Throwable> tokenFailureType() {
    return OAuthException.class;
  }

  @Test
  @Override
  @Disabled(
      "BearerTokens has no host allow-list yet: authorize() puts the token on whatever request it"
          + " is given; the builder with allowHost(...) is being added on another branch")
  protected void sendsNoToken_andFetchesNone_forAnotherHost() {}
}

package io.tokenapi.sdk.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.api.Test;

/**
 * The resource-call contract on {@code java.net.http} through {@link BearerTokens#send}, on an
 * {@code HttpClient} with the default {@code Redirect.NEVER} (send refuses one that follows
 * redirects). No asynchronous path. BearerTokens refuses a host off its list (an
 * IllegalArgumentException, before any token is fetched) instead of passing the request through:
 * that case is stated here.
 */
class BearerTokensContractTest extends ResourceCallContract {
  private BearerTokens tokens;

  @Override
  protected ResourceCaller newCaller(OAuthClient client) {
    tokens = BearerTokens.builder(client).allowHost(ALLOWED_HOST).build();
    HttpClient http = HttpClient.newHttpClient();
    return new ResourceCaller() {
      @Override
      public Reply call(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response =
            tokens.send(http, HttpRequest.newBuilder(uri).GET(), BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body());
      }

      @Override
      public Object integration() {
        return tokens;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  protected Class<? extends Throwable> tokenFailureType() {
    return OAuthException.class;
  }

  @Test
  @Override
  protected void sendsNoToken_andFetchesNone_forAnotherHost() throws Exception {
    ResourceCaller caller = newCaller(oauthClient());
    try {
      assertThatThrownBy(() -> caller.call(other.uri(OTHER_HOST)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(other.callCount()).isZero();
      assertThat(tokenServer.requestCount()).isZero();
    } finally {
      caller.close();
    }
  }
}

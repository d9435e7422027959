package io.tokenapi.sdk.jakartars;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.resourcecontract.ResourceCallContract;
import io.tokenapi.sdk.resourcecontract.ResourceCaller;
import jakarta.ws.rs.ProcessingException;
import org.glassfish.jersey.client.JerseyClientBuilder;

/**
 * The resource-call contract on Jersey's client with its default connector ({@code
 * HttpURLConnection}, redirects followed). Its {@code async()} path runs the filter on Jersey's
 * worker thread of that call; the contract checks that the caller returns at once and that other
 * calls still complete.
 */
class JerseyContractTest extends ResourceCallContract {

  @Override
  protected ResourceCaller newCaller(OAuthClient client) {
    BearerTokenFilter filter = BearerTokenFilter.builder(client).allowHost(ALLOWED_HOST).build();
    return JakartaRsCallers.of(new JerseyClientBuilder().register(filter).build(), filter, true);
  }

  @Override
  protected Class<? extends Throwable> tokenFailureType() {
    return ProcessingException.class;
  }
}

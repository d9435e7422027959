package io.tokenapi.sdk.jakartars;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.resourcecontract.ResourceCallContract;
import io.tokenapi.sdk.resourcecontract.ResourceCaller;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.ClientBuilder;

/**
 * The resource-call contract on RESTEasy's client (the only Jakarta REST implementation on this
 * execution's class path, so {@code ClientBuilder.newBuilder()} finds it), with its default engine.
 */
class ResteasyContractTest extends ResourceCallContract {

  @Override
  protected ResourceCaller newCaller(OAuthClient client) {
    BearerTokenFilter filter = BearerTokenFilter.builder(client).allowHost(ALLOWED_HOST).build();
    return JakartaRsCallers.of(ClientBuilder.newBuilder().register(filter).build(), filter, true);
  }

  @Override
  protected Class<? extends Throwable> tokenFailureType() {
    return ProcessingException.class;
  }
}

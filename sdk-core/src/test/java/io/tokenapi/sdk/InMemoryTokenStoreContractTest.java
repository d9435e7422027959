package io.tokenapi.sdk;

import io.tokenapi.sdk.storecontract.TokenStoreContract;

/** The shared {@link TokenStore} contract on {@link InMemoryTokenStore}. */
class InMemoryTokenStoreContractTest extends TokenStoreContract {
  private final InMemoryTokenStore store = new InMemoryTokenStore();

  @Override
  protected TokenStore store() {
    return store;
  }
}

package io.tokenapi.sdk.jdbc;

import io.tokenapi.sdk.TokenStore;
import io.tokenapi.sdk.storecontract.TestKeys;
import io.tokenapi.sdk.storecontract.TokenStoreContract;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The shared {@link TokenStore} contract on {@link JdbcTokenStore} over H2, a database per test.
 */
class H2JdbcTokenStoreContractTest extends TokenStoreContract {
  private final DataSource h2 = Databases.h2("contract-" + UUID.randomUUID());
  private final JdbcTokenStore store =
      JdbcTokenStore.builder(h2).encryptionKey("k1", TestKeys.aes256(1)).build();
  private final JdbcTokenStore other =
      JdbcTokenStore.builder(h2).encryptionKey("k2", TestKeys.aes256(2)).build();

  @Override
  protected TokenStore store() {
    return store;
  }

  @Override
  protected TokenStore storeWithAnotherKey() {
    return other;
  }
}

package io.tokenapi.sdk.jdbc;

import io.tokenapi.sdk.TokenStore;
import io.tokenapi.sdk.storecontract.TokenStoreContract;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The shared {@link TokenStore} contract on {@link JdbcTokenStore} over H2, a database per test.
 */
class H2JdbcTokenStoreContractTest extends TokenStoreContract {
  private final DataSource h2 = Databases.h2("contract-" + UUID.randomUUID());
  private final JdbcTokenStore store = JdbcStoreTesting.store(h2, "k1");
  private final JdbcTokenStore other = JdbcStoreTesting.store(h2, "k2");

  @Override
  protected TokenStore store() {
    return store;
  }

  @Override
  protected TokenStore storeWithAnotherKey() {
    return other;
  }
}

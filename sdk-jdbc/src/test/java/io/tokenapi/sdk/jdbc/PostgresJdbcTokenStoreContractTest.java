package io.tokenapi.sdk.jdbc;

import io.tokenapi.sdk.TokenStore;
import io.tokenapi.sdk.storecontract.TestKeys;
import io.tokenapi.sdk.storecontract.TokenStoreContract;
import javax.sql.DataSource;

/**
 * The shared {@link TokenStore} contract on {@link JdbcTokenStore} over a real PostgreSQL server
 * (keys are unique per test, so tests share the table).
 */
class PostgresJdbcTokenStoreContractTest extends TokenStoreContract {
  private final DataSource postgres = Databases.postgres();
  private final JdbcTokenStore store =
      JdbcTokenStore.builder(postgres).encryptionKey("k1", TestKeys.aes256(1)).build();
  private final JdbcTokenStore other =
      JdbcTokenStore.builder(postgres).encryptionKey("k2", TestKeys.aes256(2)).build();

  @Override
  protected TokenStore store() {
    return store;
  }

  @Override
  protected TokenStore storeWithAnotherKey() {
    return other;
  }
}

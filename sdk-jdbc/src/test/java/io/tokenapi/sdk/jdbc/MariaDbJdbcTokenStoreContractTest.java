package io.tokenapi.sdk.jdbc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tokenapi.sdk.TokenStore;
import io.tokenapi.sdk.storecontract.TestKeys;
import io.tokenapi.sdk.storecontract.TokenStoreContract;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared {@link TokenStore} contract on {@link JdbcTokenStore} over a real MariaDB server (the
 * MySQL dialect), with every connection in the session time zone Europe/Berlin: the store's clock
 * must not depend on it. Skipped where {@code mariadbd} is not installed.
 */
class MariaDbJdbcTokenStoreContractTest extends TokenStoreContract {
  private static DataSource mariadb;

  @BeforeAll
  static void server() {
    assumeTrue(
        MariaDbServer.available(), "mariadbd is not installed (apt-get install mariadb-server)");
    mariadb = MariaDbServer.dataSource("Europe/Berlin");
  }

  private final JdbcTokenStore store =
      JdbcTokenStore.builder(mariadb).encryptionKey("k1", TestKeys.aes256(1)).build();
  private final JdbcTokenStore other =
      JdbcTokenStore.builder(mariadb).encryptionKey("k2", TestKeys.aes256(2)).build();

  @Override
  protected TokenStore store() {
    return store;
  }

  @Override
  protected TokenStore storeWithAnotherKey() {
    return other;
  }
}

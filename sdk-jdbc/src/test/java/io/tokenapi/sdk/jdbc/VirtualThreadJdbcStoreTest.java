package io.tokenapi.sdk.jdbc;

import io.tokenapi.sdk.storecontract.TestKeys;
import io.tokenapi.sdk.virtualthreads.ColdClientScenario;
import io.tokenapi.testkit.FakeTokenServer;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * {@value ColdClientScenario#CALLERS} virtual-thread callers on cold clients sharing a {@link
 * JdbcTokenStore}, on H2 and on a real PostgreSQL server: one token request, the token for
 * everyone, no pinned virtual thread. The store's queries run on the clients' own threads, never on
 * the callers'. JDK 21 and later.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadJdbcStoreTest {
  private final FakeTokenServer server = new FakeTokenServer().start();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void tenThousandVirtualThreads_onColdClientsSharingAnH2Store_makeOneTokenRequest()
      throws Exception {
    run("JdbcTokenStore on H2", Databases.h2("virtual-threads"));
  }

  @Test
  void tenThousandVirtualThreads_onColdClientsSharingAPostgresStore_makeOneTokenRequest()
      throws Exception {
    run("JdbcTokenStore on PostgreSQL", Databases.postgres());
  }

  private void run(String name, DataSource database) throws Exception {
    JdbcTokenStore store =
        JdbcTokenStore.builder(database).encryptionKey("k1", TestKeys.aes256(1)).build();
    ColdClientScenario.run(
        name + ", " + ColdClientScenario.CLIENTS_PER_STORE + " clients",
        server,
        ColdClientScenario.CLIENTS_PER_STORE,
        store);
  }
}

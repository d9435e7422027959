package io.tokenapi.sdk.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.storecontract.TestKeys;
import io.tokenapi.testkit.FakeTokenServer;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A database that hangs the store's statements (another session holds the table lock, as a stuck
 * migration would): each client call is bypassed after {@code tokenStoreTimeout}, each statement
 * ends at the store's query timeout, and close() leaves no thread of the client.
 */
class JdbcTokenStoreHungDatabaseTest {
  @Test
  void aTableLockedByAnotherSession_theClientFetchesOnItsOwn_andLeavesNoThread() throws Exception {
    DataSource pg = Databases.postgres();
    JdbcTokenStore store =
        JdbcTokenStore.builder(pg)
            .encryptionKey("k1", TestKeys.aes256(1))
            .queryTimeout(Duration.ofSeconds(1))
            .build();
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    try (FakeTokenServer tokens = new FakeTokenServer().start();
        Connection blocker = pg.getConnection()) {
      blocker.setAutoCommit(false);
      try (Statement lock = blocker.createStatement()) {
        lock.execute("LOCK TABLE tokenapi_token_store IN ACCESS EXCLUSIVE MODE");
      }
      try {
        try (OAuthClient client =
            OAuthClient.builder()
                .baseUrl(tokens.baseUrl())
                .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
                .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
                .tokenStore(store)
                .tokenStoreTimeout(Duration.ofMillis(300))
                .build()) {
          assertThat(client.getToken().value()).isEqualTo(tokens.issuedTokens().get(0));
        }
        assertThat(tokens.requestCount()).isEqualTo(1);
        // The abandoned statement ends at the query timeout (1 s), not with the lock (held on).
        for (Thread t : clientThreads(before)) {
          t.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertThat(clientThreads(before)).as("client threads left after close()").isEmpty();
      } finally {
        blocker.rollback();
      }
    }
  }

  private static List<Thread> clientThreads(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t))
        .filter(t -> t.getName().startsWith("tokenapi-"))
        .filter(Thread::isAlive)
        .collect(Collectors.toList());
  }
}

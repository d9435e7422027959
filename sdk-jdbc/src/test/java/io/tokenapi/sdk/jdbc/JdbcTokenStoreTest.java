package io.tokenapi.sdk.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.storecontract.TestKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** What the contract suite does not cover: the database's clock, rows at rest, configuration. */
class JdbcTokenStoreTest {
  private static final String KEY = "tokenapi:token:0123456789abcdef";
  private final DataSource postgres = Databases.postgres();

  private JdbcTokenStore store(DataSource ds, Clock clock) {
    return JdbcTokenStore.builder(ds).encryptionKey("k1", TestKeys.aes256(1)).clock(clock).build();
  }

  @Test
  void writerTwoMinutesFast_readerSeesTheProvidersExpiry() {
    Databases.execute(postgres, "DELETE FROM tokenapi_token_store");
    Clock fast = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2));
    JdbcTokenStore writer = store(postgres, fast);
    JdbcTokenStore reader = store(postgres, Clock.systemUTC());
    // The writer fetched a 10-minute token: on its clock it expires 10 minutes after its "now".
    writer.save(KEY, AccessToken.of("tok-skew", fast.instant().plus(Duration.ofMinutes(10))));

    AccessToken read = reader.load(KEY).orElseThrow();

    Instant providersExpiry = Instant.now().plus(Duration.ofMinutes(10));
    assertThat(Duration.between(read.expiresAt(), providersExpiry).abs())
        .isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void readerClockSteppedBackAnHour_stillGetsTheRemainingLifetimeOnItsClock() {
    Databases.execute(postgres, "DELETE FROM tokenapi_token_store");
    Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofHours(-1));
    store(postgres, Clock.systemUTC())
        .save(KEY, AccessToken.of("tok-step", Instant.now().plus(Duration.ofMinutes(5))));

    AccessToken read = store(postgres, behind).load(KEY).orElseThrow();

    Duration remaining = Duration.between(behind.instant(), read.expiresAt());
    assertThat(remaining).isBetween(Duration.ofMinutes(4), Duration.ofMinutes(5));
  }

  @Test
  void save_storesNoTokenValueOrScopeInTheRow() throws Exception {
    Databases.execute(postgres, "DELETE FROM tokenapi_token_store");
    store(postgres, Clock.systemUTC())
        .save(
            KEY,
            new AccessToken(
                "tok-secret-value", "Bearer", Instant.now().plusSeconds(600), "payments", null));

    try (Connection c = postgres.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT sealed_token, token_expires_ms FROM tokenapi_token_store WHERE store_key = ?")) {
      ps.setString(1, KEY);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).doesNotContain("tok-secret-value").doesNotContain("payments");
        assertThat(rs.getLong(2)).isPositive();
      }
    }
  }

  @Test
  void aRowCopiedUnderAnotherKey_readsAsAbsent() {
    DataSource h2 = Databases.h2("copied-" + UUID.randomUUID());
    JdbcTokenStore store = store(h2, Clock.systemUTC());
    store.save(KEY, AccessToken.of("tok-bound", Instant.now().plusSeconds(600)));
    Databases.execute(
        h2,
        "INSERT INTO tokenapi_token_store (store_key, sealed_token, fence) SELECT"
            + " 'tokenapi:token:other', sealed_token, fence FROM tokenapi_token_store");

    assertThat(store.load("tokenapi:token:other")).isEmpty();
    assertThat(store.load(KEY)).isPresent();
  }

  @Test
  void rotation_anInstanceOnTheNewKeyReadsRowsOfTheOldOne() {
    DataSource h2 = Databases.h2("rotation-" + UUID.randomUUID());
    JdbcTokenStore old =
        JdbcTokenStore.builder(h2).encryptionKey("2026-06", TestKeys.aes256(1)).build();
    JdbcTokenStore rotated =
        JdbcTokenStore.builder(h2)
            .encryptionKey("2026-12", TestKeys.aes256(2))
            .decryptionKey("2026-06", TestKeys.aes256(1))
            .build();
    old.save(KEY, AccessToken.of("tok-old-key", Instant.now().plusSeconds(600)));

    assertThat(rotated.load(KEY).map(AccessToken::value)).contains("tok-old-key");
  }

  @Test
  void build_withoutTheTable_namesTheDdlToRun() {
    JdbcDataSource empty = new JdbcDataSource();
    empty.setURL("jdbc:h2:mem:empty-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");

    assertThatThrownBy(
            () -> JdbcTokenStore.builder(empty).encryptionKey(TestKeys.aes256(1)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tokenapi_token_store")
        .hasMessageContaining("io/tokenapi/sdk/jdbc/h2.sql");
  }

  @Test
  void build_withoutAKey_namesTheSetter() {
    assertThatThrownBy(() -> JdbcTokenStore.builder(postgres).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("encryptionKey");
  }

  @Test
  void builder_rejectsBadArguments() {
    assertThatThrownBy(() -> JdbcTokenStore.builder(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dataSource == null");
    assertThatThrownBy(() -> JdbcTokenStore.builder(postgres).tableName("tokens; DROP TABLE x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tableName");
    assertThatThrownBy(() -> JdbcTokenStore.builder(postgres).queryTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queryTimeout");
  }

  @Test
  void toString_namesTableDatabaseAndKeyIds_neverKeyMaterial() {
    String described = store(postgres, Clock.systemUTC()).toString();

    assertThat(described).contains("tokenapi_token_store").contains("POSTGRESQL").contains("k1");
    assertThat(described)
        .doesNotContain(java.util.HexFormat.of().formatHex(TestKeys.aes256(1).getEncoded()));
  }

  @Test
  void clockOfTheReader_isUsedForTheLocalExpiry() {
    Databases.execute(postgres, "DELETE FROM tokenapi_token_store");
    Instant fixed = Instant.parse("2030-01-01T00:00:00Z");
    store(postgres, Clock.systemUTC())
        .save(KEY, AccessToken.of("tok-fixed", Instant.now().plusSeconds(300)));

    AccessToken read = store(postgres, Clock.fixed(fixed, ZoneOffset.UTC)).load(KEY).orElseThrow();

    assertThat(Duration.between(fixed, read.expiresAt()))
        .isBetween(Duration.ofSeconds(290), Duration.ofSeconds(300));
  }
}

package io.tokenapi.sdk.jdbc;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.StoredToken;
import io.tokenapi.sdk.TokenStore;
import io.tokenapi.sdk.internal.Keyring;
import io.tokenapi.sdk.internal.TokenEnvelope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TokenStore} in one table of the application's relational database, through plain JDBC on
 * a {@link DataSource}: the token survives restarts and every instance of the service shares it,
 * for shops whose shared infrastructure is a database rather than Redis. Token values are encrypted
 * at rest with the application's AES key.
 *
 * <pre>{@code
 * SecretKey key = new SecretKeySpec(Base64.getDecoder().decode(System.getenv("TOKEN_STORE_KEY")), "AES");
 * OAuthClient client = OAuthClient.builder()
 *     .baseUrl("https://api.example.com")
 *     .clientId("my-id")
 *     .clientSecret("my-secret")
 *     .tokenStore(JdbcTokenStore.builder(dataSource).encryptionKey(key).build())
 *     .build();
 * }</pre>
 *
 * <p><b>The table.</b> Create it once with the DDL shipped beside this class, {@code
 * io/tokenapi/sdk/jdbc/postgresql.sql}, {@code mysql.sql} or {@code h2.sql} (PostgreSQL, MySQL 8 or
 * MariaDB, H2 2.x), for example from a Flyway or Liquibase migration: {@code tokenapi_token_store
 * (store_key PRIMARY KEY, sealed_token, token_expires_ms, fence, lock_owner, lock_expires_ms)}, one
 * row per client. The store never creates or alters tables.
 *
 * <ul>
 *   <li><b>The database's clock.</b> Expiry times and lock leases are epoch milliseconds on the
 *       database's clock, read in the same statement that uses them; each reader converts a token's
 *       remaining lifetime to its own clock, so instances whose clocks disagree agree on when a
 *       token expires.
 *   <li><b>The refresh lock is a row lease:</b> an owner id and a lease end, taken with one
 *       conditional {@code UPDATE} (or an {@code INSERT} for a new row), renewed by its holder
 *       while it works ({@link #renewLock}), released only by its owner. A holder that died frees
 *       it when the lease ends. {@link #saveIfLocked} saves only while the lease is held, in the
 *       same statement, so a holder that lost its lease cannot overwrite a newer token.
 *   <li><b>Encrypted values:</b> the token is sealed with AES-GCM under the application's key and
 *       bound to its row's store key. A row that does not open (another key, tampered with, copied
 *       from another row) is treated as absent and overwritten by the next token.
 * </ul>
 *
 * <p>Every call takes a connection from the data source and returns it; statements are prepared,
 * autocommitted (or committed by the store when the pool hands out connections without autocommit),
 * and time out after {@link Builder#queryTimeout} (default 2 s). Use a pool with a short connection
 * timeout (HikariCP's {@code connectionTimeout}, a few hundred milliseconds): while the database is
 * down each call fails after that, and the client fetches on its own with a WARN. Database errors
 * are thrown as {@link IllegalStateException}s naming the operation and SQL state, never a token.
 * Thread-safe.
 */
public final class JdbcTokenStore implements TokenStore {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcTokenStore.class);

  /** The table name the shipped DDL creates: {@value}. */
  public static final String DEFAULT_TABLE = "tokenapi_token_store";

  /** Default statement timeout: 2 seconds. */
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(2);

  private static final Pattern TABLE_NAME =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

  /**
   * Rows whose {@code sealed_token} is longer than this are not ours (a sealed token is a few
   * kilobytes) and never leave the database: the query returns only their length.
   */
  static final int MAX_SEALED_BYTES = 1 << 20;

  /** Saves retry a lost compare-and-set on the fence this many times. */
  private static final int SAVE_ATTEMPTS = 5;

  private final DataSource dataSource;
  private final TokenEnvelope envelope;
  private final Clock clock;
  private final String table;
  private final Dialect dialect;
  private final int queryTimeoutSeconds;

  /** Store key to the length of the oversized row already reported, for one WARN each. */
  private final ConcurrentMap<String, Long> oversized = new ConcurrentHashMap<>();

  private final String selectEntry;
  private final String selectFence;
  private final String selectNow;
  private final String updateToken;
  private final String updateTokenIfLocked;
  private final String insertToken;
  private final String takeLock;
  private final String insertLock;
  private final String renew;
  private final String release;

  private JdbcTokenStore(Builder b, TokenEnvelope envelope, Dialect dialect) {
    this.dataSource = b.dataSource;
    this.envelope = envelope;
    this.clock = b.clock;
    this.table = b.table;
    this.dialect = dialect;
    this.queryTimeoutSeconds =
        (int) Math.max(1, Math.min(Integer.MAX_VALUE, ceilSeconds(b.timeout)));
    String now = dialect.nowMillis;
    String t = table;
    // The length is checked in the query: an oversized value is never transferred, let alone held.
    // OCTET_LENGTH, not CHAR_LENGTH: PostgreSQL answers it from the TOAST header without reading
    // the value (CHAR_LENGTH of 160 MB outlived the query timeout); the envelope is ASCII.
    this.selectEntry =
        "SELECT CASE WHEN OCTET_LENGTH(sealed_token) <= "
            + MAX_SEALED_BYTES
            + " THEN sealed_token END, OCTET_LENGTH(sealed_token), "
            + now
            + " FROM "
            + t
            + " WHERE store_key = ?";
    this.selectFence = "SELECT fence, " + now + " FROM " + t + " WHERE store_key = ?";
    this.selectNow = "SELECT " + now;
    this.updateToken =
        "UPDATE "
            + t
            + " SET sealed_token = ?, token_expires_ms = ?, fence = ? WHERE store_key = ? AND fence = ?";
    this.updateTokenIfLocked = updateToken + " AND lock_owner = ? AND lock_expires_ms > " + now;
    this.insertToken =
        "INSERT INTO "
            + t
            + " (store_key, sealed_token, token_expires_ms, fence) VALUES (?, ?, ?, ?)";
    this.takeLock =
        "UPDATE "
            + t
            + " SET lock_owner = ?, lock_expires_ms = "
            + now
            + " + ? WHERE store_key = ? AND (lock_owner IS NULL OR lock_expires_ms <= "
            + now
            + ")";
    this.insertLock =
        "INSERT INTO "
            + t
            + " (store_key, fence, lock_owner, lock_expires_ms) VALUES (?, 0, ?, "
            + now
            + " + ?)";
    this.renew =
        "UPDATE "
            + t
            + " SET lock_expires_ms = "
            + now
            + " + ? WHERE store_key = ? AND lock_owner = ? AND lock_expires_ms > "
            + now;
    this.release =
        "UPDATE "
            + t
            + " SET lock_owner = NULL, lock_expires_ms = NULL WHERE store_key = ? AND lock_owner = ?";
  }

  /**
   * A builder for a store on {@code dataSource}, for example a HikariCP pool. An encryption key is
   * required, and the table must exist (see the class documentation).
   *
   * @param dataSource the data source; the store borrows a connection per call and never closes the
   *     data source
   * @return a new builder
   * @throws IllegalArgumentException if {@code dataSource} is null
   */
  public static Builder builder(DataSource dataSource) {
    if (dataSource == null) {
      throw new IllegalArgumentException("dataSource == null");
    }
    return new Builder(dataSource);
  }

  /**
   * The token stored under {@code key}, its expiry converted from the database's clock to this
   * client's. A row that does not open or whose token has expired by the database's clock is
   * reported as empty (logged at DEBUG, never its content); so is a row whose value is longer than
   * 1 MiB, which is never fetched (one WARN with its length).
   *
   * @param key the client's store key
   * @return the token, or empty
   * @throws IllegalStateException when the database fails
   */
  @Override
  public Optional<AccessToken> load(String key) {
    return read(key).map(StoredToken::token);
  }

  /**
   * The token stored under {@code key} with its issue time and fence, times converted from the
   * database's clock (read in the same statement as the row) to this client's, counted from before
   * the query so the round trip shortens the token's life rather than stretching it.
   *
   * @param key the client's store key
   * @return the token and its metadata, or empty
   * @throws IllegalStateException when the database fails
   */
  @Override
  public Optional<StoredToken> read(String key) {
    Instant before = clock.instant();
    return run(
        "read",
        c -> {
          try (PreparedStatement ps = prepare(c, selectEntry)) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              String sealed = rs.getString(1);
              long length = rs.getLong(2);
              long dbNow = rs.getLong(3);
              if (sealed == null && length > MAX_SEALED_BYTES) {
                reportOversized(key, length);
                return Optional.empty();
              }
              TokenEnvelope.Entry entry = sealed == null ? null : open(key, sealed);
              return entry == null ? Optional.empty() : entry.toStoredToken(dbNow, before);
            }
          }
        });
  }

  /**
   * Seals {@code token} and stores it under {@code key}, its expiry converted to the database's
   * clock; a token that has already expired is not stored.
   *
   * @param key the client's store key
   * @param token the token
   * @throws IllegalStateException when the database fails
   */
  @Override
  public void save(String key, AccessToken token) {
    write(key, null, token);
  }

  /**
   * Saves {@code token} like {@link #save} only while {@code owner} holds the refresh lock for
   * {@code key}, checked in the same {@code UPDATE} that writes it: a holder whose lease ended
   * cannot overwrite the token of the one that took over.
   *
   * @param key the client's store key
   * @param owner the owner id {@link #tryLock} returned
   * @param token the token
   * @return true when saved, false when {@code owner} no longer holds the lock
   * @throws IllegalStateException when the database fails
   */
  @Override
  public boolean saveIfLocked(String key, String owner, AccessToken token) {
    if (owner == null) {
      return false;
    }
    return write(key, owner, token);
  }

  /**
   * Takes the refresh lock for {@code key}: a lease on its row until the database's clock passes
   * {@code ttl} from now, if the row is free or its lease has ended.
   *
   * @param key the client's store key
   * @param ttl the lease; at least 1 ms is used
   * @return the owner id, or empty when another owner holds the lease
   * @throws IllegalStateException when the database fails
   */
  @Override
  public Optional<String> tryLock(String key, Duration ttl) {
    String owner = UUID.randomUUID().toString();
    long ttlMillis = Math.max(1, ttl.toMillis());
    return run(
        "tryLock",
        c -> {
          try (PreparedStatement ps = prepare(c, takeLock)) {
            ps.setString(1, owner);
            ps.setLong(2, ttlMillis);
            ps.setString(3, key);
            if (ps.executeUpdate() == 1) {
              return Optional.of(owner);
            }
          }
          if (!insert(c, insertLock, key, owner, ttlMillis)) {
            return Optional.empty();
          }
          return Optional.of(owner);
        });
  }

  /**
   * Extends the refresh lock's lease for {@code key} to {@code ttl} from now (database clock) if
   * {@code owner} still holds it.
   *
   * @param key the client's store key
   * @param owner the owner id {@link #tryLock} returned
   * @param ttl the new lease; at least 1 ms is used
   * @return true when extended, false when {@code owner} no longer holds the lock
   * @throws IllegalStateException when the database fails
   */
  @Override
  public boolean renewLock(String key, String owner, Duration ttl) {
    long ttlMillis = Math.max(1, ttl.toMillis());
    return run(
        "renewLock",
        c -> {
          try (PreparedStatement ps = prepare(c, renew)) {
            ps.setLong(1, ttlMillis);
            ps.setString(2, key);
            ps.setString(3, owner);
            return ps.executeUpdate() == 1;
          }
        });
  }

  /**
   * Releases the refresh lock for {@code key} if {@code owner} still holds it; a lease that ended
   * and was taken by another owner is left alone.
   *
   * @param key the client's store key
   * @param owner the owner id {@link #tryLock} returned
   * @throws IllegalStateException when the database fails
   */
  @Override
  public void unlock(String key, String owner) {
    run(
        "unlock",
        c -> {
          try (PreparedStatement ps = prepare(c, release)) {
            ps.setString(1, key);
            ps.setString(2, owner);
            return ps.executeUpdate();
          }
        });
  }

  /**
   * Describes the store by table, database and encryption, never tokens or key material.
   *
   * @return a description that is safe to log
   */
  @Override
  public String toString() {
    return "JdbcTokenStore[table="
        + table
        + ", database="
        + dialect
        + ", encryption="
        + envelope.keys()
        + "]";
  }

  private boolean write(String key, String owner, AccessToken token) {
    long remaining = token.expiresAt().toEpochMilli() - clock.millis();
    if (remaining <= 0) {
      return owner == null;
    }
    return run(
        owner == null ? "save" : "saveIfLocked",
        c -> {
          for (int attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
            Long previousFence = null;
            long dbNow;
            try (PreparedStatement ps = prepare(c, selectFence)) {
              ps.setString(1, key);
              try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                  previousFence = rs.getLong(1);
                  dbNow = rs.getLong(2);
                } else {
                  dbNow = databaseNow(c);
                }
              }
            }
            if (previousFence == null && owner != null) {
              return false; // no row, so no lease
            }
            // The fence grows with every save: the database's clock, or one more than the last.
            long fence = previousFence == null ? dbNow : Math.max(dbNow, previousFence + 1);
            long expiresAt = dbNow + remaining;
            String sealed = envelope.seal(key, token, dbNow, expiresAt, fence);
            if (previousFence == null) {
              if (insert(c, insertToken, key, sealed, expiresAt, fence)) {
                return true;
              }
              continue; // another instance inserted the row first: update it
            }
            try (PreparedStatement ps =
                prepare(c, owner == null ? updateToken : updateTokenIfLocked)) {
              ps.setString(1, sealed);
              ps.setLong(2, expiresAt);
              ps.setLong(3, fence);
              ps.setString(4, key);
              ps.setLong(5, previousFence);
              if (owner != null) {
                ps.setString(6, owner);
              }
              if (ps.executeUpdate() == 1) {
                return true;
              }
            }
            if (owner != null && !holds(c, key, owner)) {
              return false;
            }
            // Another save changed the fence between our read and our write: read it again.
          }
          throw new SQLException(
              "the row kept changing under " + SAVE_ATTEMPTS + " attempts to save", "40001");
        });
  }

  private boolean holds(Connection c, String key, String owner) throws SQLException {
    try (PreparedStatement ps =
        prepare(
            c,
            "SELECT 1 FROM "
                + table
                + " WHERE store_key = ? AND lock_owner = ? AND lock_expires_ms > "
                + dialect.nowMillis)) {
      ps.setString(1, key);
      ps.setString(2, owner);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private long databaseNow(Connection c) throws SQLException {
    try (PreparedStatement ps = prepare(c, selectNow);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Runs an {@code INSERT}; false when the row exists already (another instance was first). In a
   * transaction of the caller's pool a failed statement would poison the rest, so it runs under a
   * savepoint there.
   */
  private boolean insert(Connection c, String sql, Object... args) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    java.sql.Savepoint savepoint = autoCommit ? null : c.setSavepoint();
    try (PreparedStatement ps = prepare(c, sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
      return true;
    } catch (SQLException e) {
      if (!isDuplicateKey(e)) {
        throw e;
      }
      if (savepoint != null) {
        c.rollback(savepoint);
      }
      return false;
    }
  }

  private static boolean isDuplicateKey(SQLException e) {
    String state = e.getSQLState();
    return e instanceof java.sql.SQLIntegrityConstraintViolationException
        || (state != null && state.startsWith("23"));
  }

  private TokenEnvelope.Entry open(String key, String sealed) {
    try {
      return envelope.open(key, sealed);
    } catch (TokenEnvelope.UnreadableEntryException e) {
      // The reason only: never the row, which may hold a token sealed under another key.
      LOG.debug("Token store row {} is treated as absent: {}", key, e.getMessage());
      return null;
    }
  }

  private void reportOversized(String key, long length) {
    if (!Long.valueOf(length).equals(oversized.put(key, length))) {
      // The length only: the value never left the database.
      LOG.warn(
          "Token store row {} in {} holds {} bytes, larger than {}: not a token this store"
              + " wrote; treating it as absent, the next token replaces it",
          key,
          table,
          length,
          MAX_SEALED_BYTES);
    }
  }

  private PreparedStatement prepare(Connection c, String sql) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    ps.setQueryTimeout(queryTimeoutSeconds);
    return ps;
  }

  private <T> T run(String operation, SqlWork<T> work) {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      try {
        T result = work.run(c);
        if (!autoCommit) {
          c.commit();
        }
        return result;
      } catch (SQLException | RuntimeException e) {
        if (!autoCommit) {
          c.rollback();
        }
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "JdbcTokenStore "
              + operation
              + " failed on table "
              + table
              + " (SQLState "
              + e.getSQLState()
              + ", error "
              + e.getErrorCode()
              + ")",
          e);
    }
  }

  private static long ceilSeconds(Duration d) {
    long seconds = d.getSeconds();
    return d.getNano() > 0 ? seconds + 1 : seconds;
  }

  @FunctionalInterface
  private interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /** Builds a {@link JdbcTokenStore}; {@link #encryptionKey} is required. */
  public static final class Builder {
    private final DataSource dataSource;
    private final Keyring.Builder keys = Keyring.builder();
    private String table = DEFAULT_TABLE;
    private Duration timeout = DEFAULT_QUERY_TIMEOUT;
    private Clock clock = Clock.systemUTC();

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * The AES key that encrypts new rows (AES-GCM), with an id derived from the key. Every instance
     * needs the same key, so take it from the application's secret store, for example {@code new
     * SecretKeySpec(Base64.getDecoder().decode(secret), "AES")} with a 32-byte secret. Prefer
     * {@link #encryptionKey(String, SecretKey)}, whose id you choose, to rotate keys later.
     *
     * @param key an AES key of 128, 192 or 256 bits (algorithm {@code "AES"})
     * @return this builder
     * @throws IllegalArgumentException if {@code key} is null, not an AES key, not 16, 24 or 32
     *     bytes long, or does not export its bytes (then pass a key id)
     */
    public Builder encryptionKey(SecretKey key) {
      keys.encryptionKey(key);
      return this;
    }

    /**
     * The AES key that encrypts new rows, and its id, which every row carries so that instances on
     * the old and the new key share the token during a rotation.
     *
     * @param keyId 1 to 64 characters of {@code A-Z a-z 0-9 . _ : -}, for example {@code "2026-12"}
     * @param key an AES key of 128, 192 or 256 bits
     * @return this builder
     * @throws IllegalArgumentException if an argument is null or invalid, or another key has the
     *     same id
     */
    public Builder encryptionKey(String keyId, SecretKey key) {
      keys.encryptionKey(keyId, key);
      return this;
    }

    /**
     * A key that only decrypts rows carrying {@code keyId}: the old key after a rotation, or the
     * new one before it starts encrypting. Repeatable.
     *
     * @param keyId the id the rows carry
     * @param key an AES key of 128, 192 or 256 bits
     * @return this builder
     * @throws IllegalArgumentException if an argument is null or invalid, or another key has the
     *     same id
     */
    public Builder decryptionKey(String keyId, SecretKey key) {
      keys.decryptionKey(keyId, key);
      return this;
    }

    /**
     * A key that only decrypts, with the id derived from the key as {@link
     * #encryptionKey(SecretKey)} derives it.
     *
     * @param key an AES key of 128, 192 or 256 bits
     * @return this builder
     * @throws IllegalArgumentException as {@link #encryptionKey(SecretKey)}
     */
    public Builder decryptionKey(SecretKey key) {
      keys.decryptionKey(key);
      return this;
    }

    /**
     * The table, optionally schema-qualified ({@code schema.table}). Default {@value
     * #DEFAULT_TABLE}, as the shipped DDL creates it.
     *
     * @param table a plain SQL identifier, or two joined by a dot
     * @return this builder
     * @throws IllegalArgumentException if {@code table} is null or not a plain identifier
     */
    public Builder tableName(String table) {
      if (table == null) {
        throw new IllegalArgumentException("tableName == null");
      }
      if (!TABLE_NAME.matcher(table).matches()) {
        throw new IllegalArgumentException(
            "tableName must be an SQL identifier (letters, digits, underscores), optionally"
                + " schema-qualified, not \""
                + table
                + "\"");
      }
      this.table = table;
      return this;
    }

    /**
     * How long one statement may run before the driver cancels it (rounded up to whole seconds).
     * Default 2 seconds ({@link #DEFAULT_QUERY_TIMEOUT}). The wait for a pooled connection is the
     * pool's setting.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
     */
    public Builder queryTimeout(Duration timeout) {
      if (timeout == null || timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("queryTimeout must be positive, not " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * This instance's clock: a token read from the table expires on it when the database's clock
     * says it does. Default: the system UTC clock.
     *
     * @param clock the clock
     * @return this builder
     * @throws IllegalArgumentException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      if (clock == null) {
        throw new IllegalArgumentException("clock == null");
      }
      this.clock = clock;
      return this;
    }

    /**
     * Builds the store, checking on one connection that the database is supported and the table
     * exists with the expected columns.
     *
     * @return the store
     * @throws IllegalStateException if no encryption key was set (or a key cannot be used for
     *     AES-GCM in this JVM), the database is not PostgreSQL, MySQL, MariaDB or H2, the table is
     *     missing, or the database cannot be reached
     */
    public JdbcTokenStore build() {
      TokenEnvelope sealing = new TokenEnvelope(keys.build());
      Dialect dialect;
      try (Connection c = dataSource.getConnection()) {
        String product = c.getMetaData().getDatabaseProductName();
        dialect = Dialect.of(product);
        if (dialect == null) {
          throw new IllegalStateException(
              "JdbcTokenStore supports PostgreSQL, MySQL, MariaDB and H2, not " + product);
        }
        try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT store_key, sealed_token, token_expires_ms, fence, lock_owner,"
                        + " lock_expires_ms, "
                        + dialect.nowMillis
                        + " FROM "
                        + table
                        + " WHERE 1 = 0");
            ResultSet rs = ps.executeQuery()) {
          rs.next();
        } catch (SQLException e) {
          throw new IllegalStateException(
              "Token store table "
                  + table
                  + " is missing or lacks columns (SQLState "
                  + e.getSQLState()
                  + "): create it with io/tokenapi/sdk/jdbc/"
                  + dialect.ddl
                  + " from tokenapi-sdk-jdbc, or pass its name to tableName",
              e);
        }
        if (!c.getAutoCommit()) {
          c.rollback();
        }
      } catch (SQLException e) {
        throw new IllegalStateException(
            "Cannot reach the token store database (SQLState "
                + e.getSQLState()
                + "): check the DataSource passed to JdbcTokenStore.builder",
            e);
      }
      return new JdbcTokenStore(this, sealing, dialect);
    }
  }
}

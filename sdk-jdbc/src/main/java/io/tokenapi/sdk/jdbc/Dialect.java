package io.tokenapi.sdk.jdbc;

import java.util.Locale;

/**
 * What differs between the supported databases: only how to read the database's clock as epoch
 * milliseconds (the store keeps every time as a BIGINT on that clock) and which DDL to show.
 */
enum Dialect {
  POSTGRESQL("CAST(EXTRACT(EPOCH FROM CLOCK_TIMESTAMP()) * 1000 AS BIGINT)", "postgresql.sql"),
  /**
   * UTC_TIMESTAMP minus the epoch, both plain DATETIMEs: no conversion through the session's time
   * zone, whose repeated hour after a DST change made {@code UNIX_TIMESTAMP(CURRENT_TIMESTAMP(3))}
   * an hour off.
   */
  MYSQL(
      "CAST(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(3)) DIV 1000 AS SIGNED)",
      "mysql.sql"),
  H2("CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT)", "h2.sql");

  /** An SQL expression: the database's clock, epoch milliseconds. */
  final String nowMillis;

  /** The DDL resource beside {@link JdbcTokenStore}. */
  final String ddl;

  Dialect(String nowMillis, String ddl) {
    this.nowMillis = nowMillis;
    this.ddl = ddl;
  }

  /** The dialect for a JDBC product name, or null when the database is not supported. */
  static Dialect of(String productName) {
    String name = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
    if (name.contains("postgresql")) {
      return POSTGRESQL;
    }
    if (name.contains("mysql") || name.contains("mariadb")) {
      return MYSQL;
    }
    if (name.equals("h2")) {
      return H2;
    }
    return null;
  }
}

/**
 * A JDBC token store for the tokenapi SDK: plain JDBC on a {@code javax.sql.DataSource}. Only
 * {@code io.tokenapi.sdk.jdbc} is exported.
 */
module io.tokenapi.sdk.jdbc {
  requires transitive io.tokenapi.sdk;
  requires transitive java.sql;
  requires org.slf4j;

  exports io.tokenapi.sdk.jdbc;
}

package io.tokenapi.sdk.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 22: the MySQL dialect read its clock as {@code UNIX_TIMESTAMP(CURRENT_TIMESTAMP(3))}, which
 * goes through the session's local time and back, so in the repeated hour after a DST change it is
 * an hour off. The clock is now taken in UTC, whatever the session zone. Checked on a real MariaDB
 * with the session clock pinned ({@code SET timestamp}) on each side of Berlin's change back on 25
 * October 2026 (03:00 CEST to 02:00 CET): 02:30 local happens twice.
 */
class MariaDbClockTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-10-25T00:30:00.123Z", // 02:30:00.123 CEST, the first 02:30
        "2026-10-25T01:30:00.456Z", // 02:30:00.456 CET, the second
        "2026-03-29T01:30:00.789Z", // 03:30 CEST, just after the change forward
        "2026-12-06T12:00:00.001Z"
      })
  void nowMillis_isTheEpochInUtc_inABerlinSession_aroundDstChanges(String at) throws Exception {
    assumeTrue(MariaDbServer.available(), "mariadbd is not installed");
    Instant instant = Instant.parse(at);
    try (Connection c = MariaDbServer.dataSource("Europe/Berlin").getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "SET timestamp = "
              + instant.getEpochSecond()
              + "."
              + String.format("%03d", instant.getNano() / 1_000_000));
      try (ResultSet rs =
          s.executeQuery("SELECT @@session.time_zone, " + Dialect.MYSQL.nowMillis)) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("Europe/Berlin");
        assertThat(rs.getLong(2)).isEqualTo(instant.toEpochMilli());
      }
    }
  }
}

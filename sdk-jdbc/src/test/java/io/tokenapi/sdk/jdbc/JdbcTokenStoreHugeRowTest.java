package io.tokenapi.sdk.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.logcapture.CapturingLogs;
import io.tokenapi.sdk.storecontract.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/**
 * Issue 22, defect 5: a row of any size was read whole, so a 160 MB {@code sealed_token} ended a
 * 256 MB JVM in OutOfMemoryError with no fallback. The length is now checked in the query and an
 * oversized value never leaves the database: the row is absent, with one WARN.
 */
class JdbcTokenStoreHugeRowTest {
  private static final String KEY = "tokenapi:token:huge-row";
  private static final int OVER_THE_BOUND = JdbcTokenStore.MAX_SEALED_BYTES + 1;

  @TempDir Path dir;
  private CapturingLogs logs;

  @BeforeEach
  void startCapturingLogs() {
    logs = CapturingLogs.start();
  }

  @AfterEach
  void stopCapturingLogs() {
    logs.close();
  }

  private static JdbcTokenStore store(DataSource ds) {
    return JdbcTokenStore.builder(ds).encryptionKey("restart", TestKeys.aes256(9)).build();
  }

  private static void plant(DataSource ds, String key, String repeat, int chars) {
    Databases.execute(ds, "DELETE FROM tokenapi_token_store WHERE store_key = '" + key + "'");
    Databases.execute(
        ds,
        "INSERT INTO tokenapi_token_store (store_key, sealed_token, fence) VALUES ('"
            + key
            + "', "
            + repeat
            + "('A', "
            + chars
            + "), 1)");
  }

  @Test
  void h2_aRowOverTheBound_isAbsentWithOneWarn_andTheNextSaveReplacesIt() {
    DataSource h2 = Databases.h2("huge-row");
    JdbcTokenStore store = store(h2);
    plant(h2, KEY, "REPEAT", OVER_THE_BOUND);

    assertThat(store.read(KEY)).isEmpty();
    assertThat(store.read(KEY)).isEmpty();
    assertThat(logs.messages(Level.WARN)).hasSize(1);
    assertThat(logs.messages(Level.WARN).get(0)).contains("larger than").doesNotContain("AAAA");

    store.save(KEY, AccessToken.of("tok-after", Instant.now().plusSeconds(600)));
    assertThat(store.read(KEY)).map(t -> t.token().value()).contains("tok-after");
  }

  @Test
  void postgres_aRowOverTheBound_isAbsentWithOneWarn() {
    DataSource pg = Databases.postgres();
    JdbcTokenStore store = store(pg);
    plant(pg, KEY, "repeat", OVER_THE_BOUND);

    assertThat(store.read(KEY)).isEmpty();
    assertThat(store.read(KEY)).isEmpty();
    assertThat(logs.messages(Level.WARN)).hasSize(1);
  }

  @Test
  void mariadb_aRowOverTheBound_isAbsentWithOneWarn() {
    assumeTrue(MariaDbServer.available(), "mariadbd is not installed");
    DataSource mariadb = MariaDbServer.dataSource(null);
    JdbcTokenStore store = store(mariadb);
    plant(mariadb, KEY, "REPEAT", OVER_THE_BOUND);

    assertThat(store.read(KEY)).isEmpty();
    assertThat(store.read(KEY)).isEmpty();
    assertThat(logs.messages(Level.WARN)).hasSize(1);
  }

  @Test
  void postgres_a160MbRow_isAbsentInAJvmWith64MbOfHeap() throws Exception {
    DataSource pg = Databases.postgres();
    String key = "tokenapi:token:huge-row-160mb";
    plant(pg, key, "repeat", 160_000_000);
    try {
      Process worker =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-XX:TieredStopAtLevel=1",
                  "-XX:+UseSerialGC",
                  "-Xmx64m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  StoreWorker.class.getName(),
                  "store=postgres",
                  "port=" + Databases.postgresPort(),
                  "mode=read",
                  "key=" + key)
              .redirectOutput(dir.resolve("read.out").toFile())
              .redirectError(dir.resolve("read.err").toFile())
              .start();
      if (!worker.waitFor(120, TimeUnit.SECONDS)) {
        worker.destroyForcibly();
      }
      List<String> out = Files.readAllLines(dir.resolve("read.out"));

      assertThat(out).as(Files.readString(dir.resolve("read.err"))).contains("EMPTY");
    } finally {
      Databases.execute(pg, "DELETE FROM tokenapi_token_store WHERE store_key = '" + key + "'");
    }
  }
}

package io.tokenapi.sdk.jdbc;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * A real MariaDB server for the store's tests: the system's {@code mariadbd} (Debian's {@code
 * mariadb-server}), started once per test JVM on a loopback port with a temporary data directory,
 * and stopped when the JVM exits. Absent binaries mean no server: the tests that need it skip.
 */
final class MariaDbServer {
  static final String DATABASE = "tokenapi";

  private static boolean tried;
  private static int port;

  private MariaDbServer() {}

  /** Whether a server runs (starting it on first use); false when mariadbd is not installed. */
  static synchronized boolean available() {
    if (!tried) {
      tried = true;
      port = start();
    }
    return port > 0;
  }

  /**
   * A data source on the server's database with the table, each connection in session {@code
   * timeZone} (null: the server's).
   */
  static DataSource dataSource(String timeZone) {
    if (!available()) {
      throw new IllegalStateException("no mariadbd");
    }
    try {
      MariaDbDataSource ds = new MariaDbDataSource();
      ds.setUrl(
          "jdbc:mariadb://127.0.0.1:"
              + port
              + "/"
              + DATABASE
              + "?user=root&connectTimeout=5000&socketTimeout=10000"
              + (timeZone == null ? "" : "&sessionVariables=time_zone='" + timeZone + "'"));
      return ds;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path binary(String name) {
    for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  private static int start() {
    Path mariadbd = binary("mariadbd");
    Path installDb = binary("mariadb-install-db");
    Path tzinfo = binary("mariadb-tzinfo-to-sql");
    Path client = binary("mariadb");
    if (mariadbd == null || installDb == null || tzinfo == null || client == null) {
      return -1;
    }
    try {
      Path base = Files.createTempDirectory("tokenapi-mariadb-");
      Path data = base.resolve("data");
      Path log = base.resolve("server.log");
      run(
          log,
          installDb.toString(),
          "--no-defaults",
          "--auth-root-authentication-method=normal",
          "--skip-test-db",
          "--user=" + System.getProperty("user.name"),
          "--datadir=" + data);
      int p;
      try (ServerSocket free = new ServerSocket(0)) {
        p = free.getLocalPort();
      }
      Process server =
          new ProcessBuilder(
                  mariadbd.toString(),
                  "--no-defaults",
                  "--user=" + System.getProperty("user.name"),
                  "--datadir=" + data,
                  "--socket=" + base.resolve("mysqld.sock"),
                  "--pid-file=" + base.resolve("mysqld.pid"),
                  "--bind-address=127.0.0.1",
                  "--port=" + p,
                  "--skip-grant-tables",
                  "--innodb-buffer-pool-size=16M",
                  "--skip-log-bin")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    server.destroy();
                    try {
                      if (!server.waitFor(20, TimeUnit.SECONDS)) {
                        server.destroyForcibly();
                      }
                    } catch (InterruptedException e) {
                      server.destroyForcibly();
                    }
                  }));
      DataSource root = rootDataSource(p);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        try {
          root.getConnection().close();
          break;
        } catch (SQLException e) {
          if (!server.isAlive() || System.nanoTime() > deadline) {
            throw new IllegalStateException("mariadbd did not start: " + Files.readString(log), e);
          }
          Thread.sleep(100);
        }
      }
      Databases.execute(root, "CREATE DATABASE " + DATABASE);
      // Named zones for the session time zone tests: Europe/Berlin only, to keep it quick.
      Path sql = base.resolve("tz.sql");
      run(sql, tzinfo.toString(), "/usr/share/zoneinfo/Europe/Berlin", "Europe/Berlin");
      Process load =
          new ProcessBuilder(
                  client.toString(),
                  "--no-defaults",
                  "--protocol=tcp",
                  "-h127.0.0.1",
                  "-P" + p,
                  "-uroot",
                  "mysql")
              .redirectInput(sql.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      if (!load.waitFor(60, TimeUnit.SECONDS) || load.exitValue() != 0) {
        load.destroyForcibly();
        throw new IOException("loading Europe/Berlin failed: " + Files.readString(log));
      }
      port = p;
      Databases.createTable(dataSource(null), Dialect.MYSQL);
      return p;
    } catch (IOException | InterruptedException | RuntimeException | SQLException e) {
      throw new IllegalStateException("MariaDB is installed but could not be started", e);
    }
  }

  private static DataSource rootDataSource(int p) throws SQLException {
    return rootDataSource(p, "");
  }

  private static DataSource rootDataSource(int p, String database) throws SQLException {
    MariaDbDataSource ds = new MariaDbDataSource();
    ds.setUrl("jdbc:mariadb://127.0.0.1:" + p + "/" + database + "?user=root&connectTimeout=2000");
    return ds;
  }

  private static void run(Path output, String... command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(command));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(cmd.get(0) + " did not finish");
    }
    if (p.exitValue() != 0) {
      throw new IOException(cmd.get(0) + " failed: " + Files.readString(output));
    }
  }
}

package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tokenapi.sdk.logcapture.CapturingLogs;
import io.tokenapi.sdk.storecontract.TestKeys;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/**
 * Hostile files in and around a {@link FileTokenStore}'s directory (issue 22, defects 2, 3, 4 and
 * 7): links, devices, pipes, directories and huge files in place of the store's files, and
 * directories that others can write. Each one is absent with one WARN (the client asks the
 * provider), refused at build(), or never followed; none leaves a thread behind.
 */
class FileTokenStoreHostileFilesTest {
  private static final String KEY = "tokenapi:token:0123456789abcdef";

  @TempDir Path tmp;
  private Path dir;
  private FileTokenStore store;
  private CapturingLogs logs;
  private final FakeTokenServer tokens = new FakeTokenServer();

  @BeforeEach
  void setUp() {
    dir = tmp.resolve("tokens");
    store = FileTokenStore.builder(dir).encryptionKey("k1", TestKeys.aes256(1)).build();
    tokens.start();
    logs = CapturingLogs.start();
  }

  @AfterEach
  void tearDown() {
    logs.close();
    tokens.close();
  }

  private OAuthClient client() {
    return OAuthClient.builder()
        .baseUrl(tokens.baseUrl())
        .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
        .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
        .tokenStore(store)
        .tokenStoreTimeout(Duration.ofMillis(500))
        .build();
  }

  /** The store key the client above uses, and so the name of its token and lock files. */
  private String clientKey() {
    return SharedTokenFetcher.key(
        okhttp3.HttpUrl.get(tokens.tokenUrl()), FakeTokenServer.DEFAULT_CLIENT_ID, null);
  }

  private List<String> warns() {
    return logs.messages(Level.WARN);
  }

  // Defect 2: the 1 MiB bound used Files.size, which is 0 for a link to /dev/zero.

  @Test
  void aLinkToDevZero_readsAsAbsentWithOneWarn_notUntilTheHeapIsGone() throws Exception {
    assumeTrue(Files.exists(Path.of("/dev/zero")));
    Files.createSymbolicLink(store.tokenFile(KEY), Path.of("/dev/zero"));

    assertThat(store.read(KEY)).isEmpty();
    assertThat(store.read(KEY)).isEmpty();

    assertThat(warns()).hasSize(1);
    assertThat(warns().get(0)).contains(store.tokenFile(KEY).getFileName().toString());
  }

  @Test
  void aLinkToDevZero_theClientAsksTheProvider() throws Exception {
    assumeTrue(Files.exists(Path.of("/dev/zero")));
    Files.createSymbolicLink(store.tokenFile(clientKey()), Path.of("/dev/zero"));

    try (OAuthClient client = client()) {
      assertThat(client.getToken().value()).isEqualTo(tokens.issuedTokens().get(0));
    }
    assertThat(tokens.requestCount()).isEqualTo(1);
  }

  @Test
  void aLinkToAGoodTokenFile_isNotFollowed() throws Exception {
    store.save(KEY, AccessToken.of("tok-linked", Instant.now().plusSeconds(600)));
    Path elsewhere = tmp.resolve("elsewhere.token");
    Files.move(store.tokenFile(KEY), elsewhere);
    Files.createSymbolicLink(store.tokenFile(KEY), elsewhere);

    assertThat(store.read(KEY)).isEmpty();
    assertThat(warns()).singleElement().asString().contains("link");
  }

  @Test
  void aSymlinkLoop_asTokenAndLockFile_isAbsentAndRefused() throws Exception {
    Files.createSymbolicLink(store.tokenFile(KEY), store.tokenFile(KEY).getFileName());
    Path lock =
        dir.resolve(store.tokenFile(KEY).getFileName().toString().replace(".token", ".lock"));
    Files.createSymbolicLink(lock, lock.getFileName());

    assertThat(store.read(KEY)).isEmpty();
    assertThatThrownBy(() -> store.tryLock(KEY, Duration.ofSeconds(5)))
        .isInstanceOf(RuntimeException.class);
    assertThat(warns()).hasSize(2);
  }

  @Test
  void aLockFileFullOfGarbage_isOverwrittenByTheNextHolder() throws Exception {
    Path lock =
        dir.resolve(store.tokenFile(KEY).getFileName().toString().replace(".token", ".lock"));
    Files.writeString(
        lock,
        "tokenapi-lease-1 L 00000000-0000-0000-0000-000000000000 9999999999999999999\n"
            + "x".repeat(10_000));

    String owner = store.tryLock(KEY, Duration.ofSeconds(5)).orElseThrow();

    assertThat(store.renewLock(KEY, owner, Duration.ofSeconds(5))).isTrue();
    store.unlock(KEY, owner);
    assertThat(store.tryLock(KEY, Duration.ofSeconds(5))).isPresent();
  }

  @Test
  void aDirectoryInPlaceOfTheTokenFile_readsAsAbsentWithOneWarn() throws Exception {
    Files.createDirectory(store.tokenFile(KEY));

    assertThat(store.read(KEY)).isEmpty();
    assertThat(store.read(KEY)).isEmpty();

    assertThat(warns()).hasSize(1);
  }

  @Test
  void aCharacterDeviceInPlaceOfTheTokenFile_readsAsAbsent() throws Exception {
    Path file = store.tokenFile(KEY);
    assumeTrue(run("mknod", file.toString(), "c", "1", "5") == 0, "mknod needs CAP_MKNOD");

    assertThat(store.read(KEY)).isEmpty();
    assertThat(warns()).hasSize(1);
  }

  @Test
  void aHugeSparseTokenFile_readsAsAbsentWithoutReadingIt() throws Exception {
    try (RandomAccessFile huge = new RandomAccessFile(store.tokenFile(KEY).toFile(), "rw")) {
      huge.setLength(8L << 30);
    }

    assertThat(store.read(KEY)).isEmpty();
    assertThat(warns()).singleElement().asString().contains("larger than");
  }

  @Test
  void aTokenFileJustOverTheBound_readsAsAbsent_andOneAtTheBoundIsOpened() throws Exception {
    Files.write(store.tokenFile(KEY), new byte[(1 << 20) + 1]);
    assertThat(store.read(KEY)).isEmpty();
    assertThat(warns()).singleElement().asString().contains("larger than");

    Files.write(store.tokenFile(KEY), new byte[1 << 20]);
    assertThat(store.read(KEY)).isEmpty(); // read, then refused as not a token
    assertThat(warns()).hasSize(2).last().asString().doesNotContain("larger than");
  }

  @Test
  void save_overAPlantedLink_replacesTheLinkNotItsTarget() throws Exception {
    Path victim = tmp.resolve("victim.txt");
    Files.writeString(victim, "keep me");
    Files.createSymbolicLink(store.tokenFile(KEY), victim);

    store.save(KEY, AccessToken.of("tok-new", Instant.now().plusSeconds(600)));

    assertThat(Files.readString(victim)).isEqualTo("keep me");
    assertThat(Files.isSymbolicLink(store.tokenFile(KEY))).isFalse();
    assertThat(store.read(KEY)).map(t -> t.token().value()).contains("tok-new");
  }

  // Defect 3: a directory others can write (or own) lets them plant the files above.

  @Test
  void build_refusesADirectoryOthersCanWrite_withTheFix() throws Exception {
    Path shared = Files.createDirectory(tmp.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> build(shared))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("writable by group or others")
        .hasMessageContaining("chmod 700 " + shared.toRealPath());
  }

  @Test
  void build_refusesADirectoryItsGroupCanWrite() throws Exception {
    Path shared = Files.createDirectory(tmp.resolve("group"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwx---"));

    assertThatThrownBy(() -> build(shared))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("chmod 700");
  }

  @Test
  void build_refusesADirectoryOwnedByAnotherUser_withTheFix() throws Exception {
    Path theirs = Files.createDirectory(tmp.resolve("theirs"));
    Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rwx------"));
    assumeTrue(run("chown", "65534", theirs.toString()) == 0, "chown needs root");

    assertThatThrownBy(() -> build(theirs))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("owned by")
        .hasMessageContaining("chown");
  }

  @Test
  void build_refusesADirectoryUnderAParentOthersCanWrite() throws Exception {
    Path open = Files.createDirectory(tmp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> build(open.resolve("tokens")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(open.toRealPath().toString())
        .hasMessageContaining("chmod");
  }

  @Test
  void build_acceptsADirectoryUnderAStickyParent_likeTmp() throws Exception {
    Path sticky = Files.createDirectory(tmp.resolve("sticky"));
    assumeTrue(run("chmod", "1777", sticky.toString()) == 0);

    FileTokenStore s = build(sticky.resolve("tokens"));

    assertThat(s).isNotNull();
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(sticky.resolve("tokens"))))
        .isEqualTo("rwx------");
  }

  @Test
  void build_acceptsAnExistingDirectoryOthersCanOnlyRead() throws Exception {
    Path readable = Files.createDirectory(tmp.resolve("readable"));
    Files.setPosixFilePermissions(readable, PosixFilePermissions.fromString("rwxr-xr-x"));

    assertThat(build(readable)).isNotNull();
  }

  // Defect 4: the lock file's name is computable; a link planted there must not be followed.

  @Test
  void aLinkPlantedAsTheLockFile_isNeverFollowed() throws Exception {
    Path target = tmp.resolve("created-through-the-link");
    Path lock =
        dir.resolve(store.tokenFile(KEY).getFileName().toString().replace(".token", ".lock"));
    Files.createSymbolicLink(lock, target);

    assertThatThrownBy(() -> store.tryLock(KEY, Duration.ofSeconds(5)))
        .isInstanceOf(RuntimeException.class);

    assertThat(Files.exists(target, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(warns()).singleElement().asString().contains(lock.getFileName().toString());
  }

  @Test
  void aLinkPlantedAsTheLockFile_onAnExistingFile_neitherLocksNorTouchesIt() throws Exception {
    Path target = tmp.resolve("someone-elses-file");
    Files.writeString(target, "unchanged");
    Path lock =
        dir.resolve(store.tokenFile(KEY).getFileName().toString().replace(".token", ".lock"));
    Files.createSymbolicLink(lock, target);

    assertThatThrownBy(() -> store.tryLock(KEY, Duration.ofSeconds(5)))
        .isInstanceOf(RuntimeException.class);

    assertThat(Files.readString(target)).isEqualTo("unchanged");
    try (var channel =
            java.nio.channels.FileChannel.open(target, java.nio.file.StandardOpenOption.WRITE);
        var lockOnTarget = channel.tryLock()) {
      assertThat(lockOnTarget).isNotNull(); // this JVM holds no lock on it
    }
  }

  @Test
  void aLinkPlantedAsTheLockFile_theClientFetchesOnItsOwn() throws Exception {
    Path target = tmp.resolve("created-through-the-link");
    String name = store.tokenFile(clientKey()).getFileName().toString().replace(".token", ".lock");
    Files.createSymbolicLink(dir.resolve(name), target);

    try (OAuthClient client = client()) {
      assertThat(client.getToken().value()).isEqualTo(tokens.issuedTokens().get(0));
    }
    assertThat(tokens.requestCount()).isEqualTo(1);
    assertThat(Files.exists(target, LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  @Test
  void aFifoPlantedAsTheLockFile_isRefusedWithoutBlocking() throws Exception {
    Path lock =
        dir.resolve(store.tokenFile(KEY).getFileName().toString().replace(".token", ".lock"));
    assumeTrue(run("mkfifo", lock.toString()) == 0);

    assertThatThrownBy(() -> store.tryLock(KEY, Duration.ofSeconds(5)))
        .isInstanceOf(RuntimeException.class);
  }

  // Defect 7: a FIFO as the token file blocked a store thread in open(2) for good, one per call.

  @Test
  void aFifoInPlaceOfTheTokenFile_readsAsAbsent_andLeavesNoThread() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    assumeTrue(run("mkfifo", store.tokenFile(clientKey()).toString()) == 0);

    List<OAuthClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 12; i++) {
        OAuthClient client = client();
        clients.add(client);
        assertThat(client.getToken().value()).startsWith("");
      }
      assertThat(newTokenApiThreads(before).stream().filter(FileTokenStoreHostileFilesTest::inOpen))
          .as("store threads blocked in open(2)")
          .isEmpty();
    } finally {
      clients.forEach(OAuthClient::close);
    }
    List<Thread> left = newTokenApiThreads(before);
    for (Thread t : left) {
      t.join(TimeUnit.SECONDS.toMillis(10));
    }
    assertThat(newTokenApiThreads(before)).as("threads left after close()").isEmpty();
  }

  @Test
  void aFifoInPlaceOfTheTokenFile_storeReadReturnsAtOnce() throws Exception {
    assumeTrue(run("mkfifo", store.tokenFile(KEY).toString()) == 0);
    Thread reader =
        new Thread(
            () -> {
              store.read(KEY);
            },
            "fifo-reader");
    reader.setDaemon(true);
    reader.start();
    reader.join(TimeUnit.SECONDS.toMillis(10));
    boolean blocked = reader.isAlive();
    if (blocked) {
      // Unblock the old code's open(2) so the test leaves nothing behind.
      try (var unblock =
          java.nio.channels.FileChannel.open(
              store.tokenFile(KEY), java.nio.file.StandardOpenOption.WRITE)) {
        unblock.write(java.nio.ByteBuffer.wrap("x".getBytes(StandardCharsets.US_ASCII)));
      }
    }
    assertThat(blocked).as("store.read blocked on a FIFO").isFalse();
    assertThat(warns()).hasSize(1);
  }

  private static boolean inOpen(Thread t) {
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getMethodName().startsWith("open")
          && e.getClassName().startsWith("sun.nio.fs")
          && e.isNativeMethod()) {
        return true;
      }
    }
    return false;
  }

  private static List<Thread> newTokenApiThreads(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t))
        .filter(t -> t.getName().startsWith("tokenapi-"))
        .filter(Thread::isAlive)
        .collect(Collectors.toList());
  }

  private FileTokenStore build(Path directory) {
    return FileTokenStore.builder(directory).encryptionKey("k1", TestKeys.aes256(1)).build();
  }

  static int run(String... command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return -1; // the command is missing here
    }
    p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }
}

package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.jdkhttp.BearerTokens;
import io.tokenapi.sdk.logcapture.CapturingLogs;
import io.tokenapi.testkit.FakeTokenServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/**
 * Review (issue #22): what a {@link TokenStore} returns is checked in core like a provider's
 * answer. A token the provider's parser would refuse (a type other than Bearer, a value longer than
 * any answer could hold, an expiry past the parser's cap or beyond {@link Instant}'s millisecond
 * range) is absent: one WARN naming the store, never the token, and the provider is asked.
 */
class StoredTokenReviewTest {
  private final FakeTokenServer server = new FakeTokenServer();

  @BeforeEach
  void start() {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Holds whatever {@code token} gives, and lets this client take its lock. */
  static final class HostileStore implements TokenStore {
    private final Supplier<AccessToken> token;

    HostileStore(Supplier<AccessToken> token) {
      this.token = token;
    }

    @Override
    public Optional<AccessToken> load(String key) {
      return Optional.of(token.get());
    }

    @Override
    public void save(String key, AccessToken token) {}

    @Override
    public Optional<String> tryLock(String key, Duration ttl) {
      return Optional.of("owner");
    }

    @Override
    public void unlock(String key, String owner) {}
  }

  private OAuthClient client(TokenStore store) {
    return OAuthClient.builder()
        .baseUrl(server.baseUrl())
        .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
        .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
        .tokenStore(store)
        .retryPolicy(RetryPolicy.none())
        .build();
  }

  private static AccessToken token(String value, String type, Instant expiresAt) {
    return new AccessToken(value, type, expiresAt, null, null);
  }

  private void assertAbsent(String what, AccessToken stored) {
    assertAbsent(what, new HostileStore(() -> stored));
  }

  private void assertAbsent(String what, TokenStore store) {
    server.reset();
    try (CapturingLogs logs = CapturingLogs.start();
        OAuthClient client = client(store)) {
      AccessToken token = client.getToken();

      assertThat(token.value()).as(what).startsWith("fake-token-");
      assertThat(server.requestCount()).as(what).isOne();
      assertThat(logs.messages(Level.WARN, store.getClass().getName()))
          .as(what + ": one WARN naming the store")
          .hasSize(1);
      assertThat(logs.messages(Level.WARN, "Token store failed"))
          .as(what + ": not a store outage")
          .isEmpty();
      assertThat(logs.allText()).as(what).doesNotContain("SECRETVALUE");
    }
  }

  @Test
  void storedTokenOfAnotherType_isAbsent_likeTheParserRefusesIt() {
    Instant hour = Instant.now().plus(Duration.ofHours(1));
    assertAbsent("DPoP", token("tok-SECRETVALUE", "DPoP", hour));
    assertAbsent("mac", token("tok-SECRETVALUE", "mac", hour));
    assertAbsent("Bearer2", token("tok-SECRETVALUE", "Bearer2", hour));
  }

  @Test
  void aFileTokenStoreEntryOfAnotherType_orPastTheCap_isAbsent(@TempDir Path dir) {
    FileTokenStore files =
        FileTokenStore.builder(dir).encryptionKey(new SecretKeySpec(new byte[32], "AES")).build();
    String key =
        SharedTokenFetcher.key(
            HttpUrl.get(server.tokenUrl()), FakeTokenServer.DEFAULT_CLIENT_ID, null, null);
    // Written by something holding the key (another SDK version, a tool): sealed, so well formed.
    files.save(key, token("tok-SECRETVALUE", "DPoP", Instant.now().plus(Duration.ofHours(1))));
    assertAbsent("DPoP in a file", files);
    files.save(
        key, token("tok-SECRETVALUE", "Bearer", Instant.now().plus(Duration.ofDays(36_500))));
    assertAbsent("100 years in a file", files);
  }

  @Test
  void storedTokenOfAnyBearerCase_isUsed() {
    server.reset();
    AccessToken stored = token("tok-stored", "bearer", Instant.now().plus(Duration.ofHours(1)));
    try (OAuthClient client = client(new HostileStore(() -> stored))) {
      assertThat(client.getToken().value()).isEqualTo("tok-stored");
      assertThat(server.requestCount()).isZero();
    }
  }

  @Test
  void storedTokenOfOneMegabyte_isAbsent_andNeverReachesAJdkRequest() {
    String huge = "tok-SECRETVALUE" + "a".repeat(1 << 20);
    AccessToken stored = token(huge, "Bearer", Instant.now().plus(Duration.ofHours(1)));
    assertAbsent("1 MiB", stored);
    try (OAuthClient client = client(new HostileStore(() -> stored))) {
      HttpRequest request =
          BearerTokens.builder(client)
              .allowHost("localhost")
              .build()
              .authorize(HttpRequest.newBuilder(URI.create("http://localhost:1/x")))
              .build();
      assertThat(request.headers().firstValue("Authorization").orElseThrow())
          .startsWith("Bearer fake-token-");
    }
  }

  @Test
  void storedTokenWithAnExpiryPastTheParsersCap_isAbsent() {
    assertAbsent(
        "100 years", token("tok-SECRETVALUE", null, Instant.now().plus(Duration.ofDays(36_500))));
    assertAbsent("Instant.MAX", token("tok-SECRETVALUE", null, Instant.MAX));
  }

  @Test
  void storedTokenWithAnExpiryBeforeTheEpochsRange_isAbsent() {
    assertAbsent("Instant.MIN", token("tok-SECRETVALUE", null, Instant.MIN));
  }
}

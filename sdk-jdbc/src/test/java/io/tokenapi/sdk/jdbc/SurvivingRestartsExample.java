package io.tokenapi.sdk.jdbc;

import io.tokenapi.sdk.FileTokenStore;
import io.tokenapi.sdk.OAuthClient;
import java.nio.file.Path;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;

/**
 * The code of docs/stores.md's "Surviving restarts", compiled and run by {@link ReadmeStoresTest}:
 * the regions between the markers are copied verbatim into the docs.
 */
final class SurvivingRestartsExample {
  private SurvivingRestartsExample() {}

  static OAuthClient withFileStore(
      Path stateDirectory,
      String tokenStoreKey,
      String baseUrl,
      String clientId,
      String clientSecret) {
    // README file-store: begin
    // 32 random bytes, base64, from your secret store (not from the directory it protects).
    SecretKey key = new SecretKeySpec(Base64.getDecoder().decode(tokenStoreKey), "AES");
    FileTokenStore store =
        FileTokenStore.builder(stateDirectory.resolve("tokens"))
            .encryptionKey("2026-12", key)
            .build();

    OAuthClient client =
        OAuthClient.builder()
            .baseUrl(baseUrl)
            .clientId(clientId)
            .clientSecret(clientSecret)
            .tokenStore(store)
            .build();
    // README file-store: end
    return client;
  }

  static OAuthClient withJdbcStore(
      DataSource dataSource,
      String tokenStoreKey,
      String baseUrl,
      String clientId,
      String clientSecret) {
    // README jdbc-store: begin
    SecretKey key = new SecretKeySpec(Base64.getDecoder().decode(tokenStoreKey), "AES");
    // Your pool (HikariCP, ...) with a short connectionTimeout; the table from the shipped DDL.
    JdbcTokenStore store = JdbcTokenStore.builder(dataSource).encryptionKey("2026-12", key).build();

    OAuthClient client =
        OAuthClient.builder()
            .baseUrl(baseUrl)
            .clientId(clientId)
            .clientSecret(clientSecret)
            .tokenStore(store)
            .build();
    // README jdbc-store: end
    return client;
  }
}

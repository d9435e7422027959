package io.tokenapi.sdk.jdbc;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.storecontract.TestEnvelope;
import java.security.GeneralSecurityException;
import javax.sql.DataSource;

/** JDBC stores for tests, sealed with the test envelope until the shared one is in this build. */
final class JdbcStoreTesting {
  private JdbcStoreTesting() {}

  static JdbcTokenStore store(DataSource ds, String keyId) {
    return JdbcTokenStore.builder(ds).envelope(envelope(keyId)).build();
  }

  static JdbcEnvelope envelope(String keyId) {
    TestEnvelope test = new TestEnvelope(keyId);
    return new JdbcEnvelope() {
      @Override
      public String seal(
          String storeKey, AccessToken token, long issuedAt, long expiresAt, long fence) {
        return test.seal(storeKey, token, issuedAt, expiresAt, fence);
      }

      @Override
      public Opened open(String storeKey, String sealed) throws GeneralSecurityException {
        TestEnvelope.Entry entry = test.open(storeKey, sealed);
        return new Opened() {
          @Override
          public AccessToken token() {
            return entry.token();
          }

          @Override
          public long issuedAt() {
            return entry.issuedAt();
          }

          @Override
          public long expiresAt() {
            return entry.expiresAt();
          }

          @Override
          public long fence() {
            return entry.fence();
          }
        };
      }

      @Override
      public String describe() {
        return "test envelope, key id " + keyId;
      }
    };
  }
}

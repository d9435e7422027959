package io.tokenapi.sdk;

import io.tokenapi.sdk.storecontract.TestEnvelope;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/** File stores for tests, sealed with the test envelope until the shared one is in this build. */
final class FileStoreTesting {
  private FileStoreTesting() {}

  static FileTokenStore store(Path dir, String keyId) {
    return FileTokenStore.builder(dir).envelope(envelope(keyId)).build();
  }

  static StoreEnvelope envelope(String keyId) {
    TestEnvelope test = new TestEnvelope(keyId);
    return new StoreEnvelope() {
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

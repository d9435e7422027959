package io.tokenapi.sdk;

import io.tokenapi.sdk.storecontract.TestKeys;
import io.tokenapi.sdk.storecontract.TokenStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The shared {@link TokenStore} contract on {@link FileTokenStore}, in a fresh directory. */
class FileTokenStoreContractTest extends TokenStoreContract {
  @TempDir Path dir;
  private FileTokenStore store;
  private FileTokenStore other;

  @Override
  protected TokenStore store() {
    if (store == null) {
      store = FileTokenStore.builder(dir).encryptionKey("k1", TestKeys.aes256(1)).build();
    }
    return store;
  }

  @Override
  protected TokenStore storeWithAnotherKey() {
    if (other == null) {
      other = FileTokenStore.builder(dir).encryptionKey("k2", TestKeys.aes256(2)).build();
    }
    return other;
  }
}

package io.tokenapi.sdk.spring;

import io.tokenapi.sdk.TokenStore;
import io.tokenapi.sdk.internal.Keyring;

/** Makes the Redis token store of a client with {@code token-store=redis}, on the app's Redis. */
@FunctionalInterface
interface RedisTokenStores {
  TokenStore create(Keyring keys);
}

/**
 * {@link io.tokenapi.sdk.redis.RedisTokenStore}: shares one token between every instance of a
 * service through Redis, encrypted at rest, with a refresh lock so the fleet makes one token
 * request per token lifetime.
 */
package io.tokenapi.sdk.redis;

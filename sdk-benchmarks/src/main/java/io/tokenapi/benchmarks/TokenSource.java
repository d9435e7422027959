package io.tokenapi.benchmarks;

import io.tokenapi.testkit.FakeTokenServer;

/**
 * One contender's "give me the token" call, for the harnesses that compare libraries outside JMH.
 */
interface TokenSource extends AutoCloseable {

  /** The current token, fetched if the cache is cold. */
  Object token() throws Exception;

  @Override
  default void close() {}

  /** Creates a cold token source (empty cache) against a server. */
  @FunctionalInterface
  interface Factory {
    TokenSource create(FakeTokenServer server) throws Exception;
  }
}

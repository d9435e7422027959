package io.tokenapi.benchmarks;

/** The client credentials every benchmark presents to its loopback token server. */
final class Credentials {

  static final String CLIENT_ID = "benchmark-client";
  static final String CLIENT_SECRET = "benchmark-secret";

  private Credentials() {}
}

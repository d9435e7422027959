package io.tokenapi.sdk;

/** The SDK version, for the User-Agent header. */
final class Version {
  static final String VERSION = "1.0.0";

  private Version() {}
}

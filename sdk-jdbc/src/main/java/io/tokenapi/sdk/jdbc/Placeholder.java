package io.tokenapi.sdk.jdbc;

final class Placeholder {
  private Placeholder() {}
}

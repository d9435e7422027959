/**
 * OpenTelemetry spans and metrics for a tokenapi {@code OAuthClient}, on the OpenTelemetry API
 * alone. Only {@code io.tokenapi.sdk.opentelemetry} is exported.
 */
module io.tokenapi.sdk.opentelemetry {
  requires transitive io.tokenapi.sdk;
  requires transitive io.opentelemetry.api;
  requires transitive io.opentelemetry.context;

  exports io.tokenapi.sdk.opentelemetry;
}

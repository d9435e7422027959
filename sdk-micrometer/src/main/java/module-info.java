/**
 * Micrometer metrics and Observations for a tokenapi {@code OAuthClient}. Only {@code
 * io.tokenapi.sdk.micrometer} is exported.
 */
module io.tokenapi.sdk.micrometer {
  requires transitive io.tokenapi.sdk;
  requires transitive micrometer.core;
  requires transitive micrometer.observation;
  requires transitive micrometer.commons;

  exports io.tokenapi.sdk.micrometer;
}

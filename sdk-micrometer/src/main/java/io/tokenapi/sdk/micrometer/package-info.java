/**
 * Micrometer for the tokenapi SDK: {@link io.tokenapi.sdk.micrometer.TokenClientMetrics} records an
 * {@link io.tokenapi.sdk.OAuthClient}'s token requests, retries, closures and token expiry in a
 * {@link io.micrometer.core.instrument.MeterRegistry}, and emits Observations when an {@link
 * io.micrometer.observation.ObservationRegistry} is given.
 */
package io.tokenapi.sdk.micrometer;

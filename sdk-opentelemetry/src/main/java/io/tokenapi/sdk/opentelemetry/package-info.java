/**
 * OpenTelemetry for the tokenapi SDK: {@link io.tokenapi.sdk.opentelemetry.TokenClientTelemetry}
 * traces an {@link io.tokenapi.sdk.OAuthClient}'s token fetches (a span per fetch, a client span
 * per HTTP attempt) and records its metrics as OpenTelemetry instruments.
 */
package io.tokenapi.sdk.opentelemetry;

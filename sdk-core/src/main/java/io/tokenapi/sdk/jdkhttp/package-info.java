/**
 * {@code java.net.http} integration: {@link io.tokenapi.sdk.jdkhttp.BearerTokens} puts the client's
 * access token on an {@link java.net.http.HttpRequest} and renews it once when a server rejects it.
 */
package io.tokenapi.sdk.jdkhttp;

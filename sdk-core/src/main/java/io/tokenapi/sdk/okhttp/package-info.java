/**
 * OkHttp integration: {@link io.tokenapi.sdk.okhttp.BearerTokenInterceptor} sends the client's
 * access token to the resource servers it is allowed to, and renews it once when a server rejects
 * it.
 */
package io.tokenapi.sdk.okhttp;

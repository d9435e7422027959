/**
 * The tokenapi client: {@link io.tokenapi.sdk.OAuthClient} fetches, caches and refreshes OAuth 2.0
 * access tokens from the provider's token endpoint.
 */
package io.tokenapi.sdk;

/**
 * Bearer tokens for OpenFeign: {@link io.tokenapi.sdk.feign.BearerTokenRequestInterceptor}, with
 * the error decoder and retryer that renew a rejected token once.
 */
package io.tokenapi.sdk.feign;

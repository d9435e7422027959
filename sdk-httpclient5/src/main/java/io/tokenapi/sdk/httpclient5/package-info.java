/**
 * Bearer tokens for Apache HttpClient 5: {@link
 * io.tokenapi.sdk.httpclient5.BearerTokenExecChainHandler} for the classic client and {@link
 * io.tokenapi.sdk.httpclient5.BearerTokenAsyncExecChainHandler} for the async one.
 */
package io.tokenapi.sdk.httpclient5;

/**
 * The tokenapi SDK: an OAuth 2.0 token client with caching, retries and an OkHttp interceptor.
 *
 * <p>Only {@code io.tokenapi.sdk}, {@code io.tokenapi.sdk.okhttp} and {@code
 * io.tokenapi.sdk.jdkhttp} are exported; everything else is internal.
 */
module io.tokenapi.sdk {
  requires transitive okhttp3;
  // BearerTokens takes java.net.http types in its signatures.
  requires transitive java.net.http;
  requires com.fasterxml.jackson.databind;
  requires io.github.resilience4j.core;
  requires io.github.resilience4j.retry;
  requires org.slf4j;

  exports io.tokenapi.sdk;
  exports io.tokenapi.sdk.okhttp;
  exports io.tokenapi.sdk.jdkhttp;
  // The shared store envelope and keyring, and the host allow-list of the resource-call
  // integrations, for the SDK's own modules only.
  exports io.tokenapi.sdk.internal to
      io.tokenapi.sdk.redis,
      io.tokenapi.sdk.jdbc,
      io.tokenapi.sdk.spring,
      io.tokenapi.sdk.httpclient5,
      io.tokenapi.sdk.feign,
      io.tokenapi.sdk.jakartars,
      io.tokenapi.sdk.grpc;
}

/**
 * Bearer tokens for gRPC Java: {@link io.tokenapi.sdk.grpc.BearerTokenCallCredentials}, and its
 * {@linkplain io.tokenapi.sdk.grpc.BearerTokenCallCredentials#interceptor() interceptor} that
 * renews the token once on {@code UNAUTHENTICATED}.
 */
package io.tokenapi.sdk.grpc;

package io.tokenapi.sdk.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Puts the bearer credentials on calls that have none, and gives single-message calls one renewal
 * on {@code UNAUTHENTICATED} (see {@link RenewingCall}).
 */
final class RenewingInterceptor implements ClientInterceptor {
  private final BearerTokenCallCredentials credentials;
  private final OAuthClient client;

  RenewingInterceptor(BearerTokenCallCredentials credentials, OAuthClient client) {
    this.credentials = credentials;
    this.client = client;
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
    if (callOptions.getCredentials() != null) {
      // The caller's own credentials win, as a caller's own Authorization header does over HTTP.
      return next.newCall(method, callOptions);
    }
    CallOptions withCredentials = callOptions.withCallCredentials(credentials);
    if (!method.getType().clientSendsOneMessage()) {
      // A stream of client messages cannot be replayed without holding all of it: no renewal,
      // but the rejected token is still dropped so the caller's next call gets a new one.
      return new RenewingCall<>(method, withCredentials, next, client, false);
    }
    return new RenewingCall<>(method, withCredentials, next, client, true);
  }

  @Override
  public String toString() {
    return "RenewingInterceptor[" + credentials + "]";
  }

  /** A fresh holder per attempt, for the credentials to record the token they sent. */
  static CallOptions attempt(CallOptions options, AtomicReference<AccessToken> sent) {
    return options.withOption(BearerTokenCallCredentials.SENT, sent);
  }
}

package io.tokenapi.sdk.httpclient5;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.internal.AllowedHosts;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.protocol.RedirectLocations;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;

/**
 * The rules both handlers share: which hop of an exchange gets the token, and how a missing token
 * fails. A hop is one request of an {@code execute} call: the first, or one after a redirect.
 */
final class Hops {
  static final String AUTHORIZATION = "Authorization";

  /** The first hop's target, so that a redirect off it can be told from one that stays. */
  private static final String FIRST_TARGET = "io.tokenapi.sdk.httpclient5.first-target";

  private Hops() {}

  /**
   * Whether this hop gets the token: its host is allowed, the caller set no {@code Authorization}
   * of their own, and it is the first hop or a redirect to that same scheme, host and port (as
   * OkHttp decides). Relies on the redirect handler, which runs before this one, clearing the
   * context's redirect locations at the start of every exchange.
   */
  static boolean tokenFor(
      AllowedHosts hosts, HttpRequest request, HttpHost target, HttpClientContext context) {
    RedirectLocations redirects = context.getRedirectLocations();
    boolean redirected = redirects != null && redirects.size() > 0;
    if (!redirected) {
      context.setAttribute(FIRST_TARGET, target);
    } else if (!target.equals(context.getAttribute(FIRST_TARGET))) {
      return false;
    }
    return !request.containsHeader(AUTHORIZATION) && hosts.allows(target.getHostName());
  }

  /** Fails when the token would go over plain http to a host that is not loopback. */
  static void refuseInsecure(AllowedHosts hosts, HttpHost target) throws IOException {
    String refusal = hosts.refusal(target.getSchemeName(), target.getHostName());
    if (refusal != null) {
      throw new IOException(refusal);
    }
  }

  /** The client's token now, or the failure as the exec chain reports failures. */
  static AccessToken token(OAuthClient client) throws IOException {
    try {
      return client.getToken();
    } catch (RuntimeException e) {
      throw failure(e);
    }
  }

  /**
   * What a failed token fetch becomes: the typed wrapper, or an I/O failure for a closed client.
   */
  static IOException failure(Throwable thrown) {
    Throwable t = thrown;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof OAuthException) {
      return new TokenUnavailableIOException((OAuthException) t);
    }
    // A closed client (IllegalStateException), or a bug: fail this call, not the I/O thread.
    return new IOException("No access token for the request: " + t.getMessage(), t);
  }
}

package io.tokenapi.sdk.grpc;

import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.internal.AllowedHosts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * gRPC {@link CallCredentials} that send the {@link OAuthClient}'s access token as {@code
 * authorization: Bearer <token>} metadata to the hosts they are allowed to, and to no other host.
 * They never block a gRPC thread: the token comes from {@link OAuthClient#getTokenAsync()}, and the
 * call proceeds when it completes.
 *
 * <pre>{@code
 * BearerTokenCallCredentials bearer = BearerTokenCallCredentials.builder(oauthClient)
 *     .allowHost("api.example.com")
 *     .build();
 * ManagedChannel channel = Grpc.newChannelBuilder("api.example.com:443", TlsChannelCredentials.create())
 *     .intercept(bearer.interceptor())
 *     .build();
 * }</pre>
 *
 * <ul>
 *   <li>The host is the call's authority (the channel's target, or a call's {@code withAuthority}),
 *       compared exactly with the allow-list. Calls to other hosts get no token, and none is
 *       fetched for them.
 *   <li>Over a transport without privacy and integrity (plaintext), a token goes only to loopback
 *       hosts, unless built with {@link Builder#allowInsecureHttp()}; otherwise the call fails with
 *       {@code UNAUTHENTICATED}.
 *   <li>When no token can be had, the call is not sent: it fails with a {@code
 *       StatusRuntimeException} of status {@code UNAUTHENTICATED} whose cause is the SDK's {@link
 *       OAuthException}.
 *   <li>With the {@link #interceptor()}, a call answered {@code UNAUTHENTICATED} for the token it
 *       carried invalidates that token (only if it is still the cached one, so a burst causes one
 *       refresh) and is sent once more with a new one, when the client sends a single message
 *       (unary and server-streaming calls) and the server has sent nothing else yet. A second
 *       {@code UNAUTHENTICATED} reaches the caller. Used on their own ({@code
 *       stub.withCallCredentials(bearer)}), the credentials send the token but do not renew it.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class BearerTokenCallCredentials extends CallCredentials {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** Where the interceptor learns which token a call carried. */
  static final CallOptions.Key<AtomicReference<AccessToken>> SENT =
      CallOptions.Key.create("io.tokenapi.sdk.grpc.sent-token");

  private final OAuthClient client;
  private final AllowedHosts hosts;

  private BearerTokenCallCredentials(OAuthClient client, AllowedHosts hosts) {
    this.client = client;
    this.hosts = hosts;
  }

  /**
   * A builder for credentials that use {@code client}'s tokens. At least one host must be allowed.
   *
   * @param client the client whose tokens are sent; the credentials do not close it
   * @return a new builder
   * @throws IllegalArgumentException if {@code client} is null
   */
  public static Builder builder(OAuthClient client) {
    if (client == null) {
      throw new IllegalArgumentException("client == null");
    }
    return new Builder(client);
  }

  /**
   * The hosts these credentials send the token to, in canonical form (lower case, IDN as punycode).
   *
   * @return an unmodifiable set, never empty
   */
  public Set<String> allowedHosts() {
    return hosts.hosts();
  }

  /**
   * A client interceptor that puts these credentials on every call that has none of its own, and
   * renews the token once on {@code UNAUTHENTICATED}; see the class description. Add it to the
   * channel ({@code ManagedChannelBuilder.intercept}) or to a stub ({@code withInterceptors}).
   *
   * @return a new interceptor
   */
  public ClientInterceptor interceptor() {
    return new RenewingInterceptor(this, client);
  }

  /**
   * Applies the token to a call to an allowed host, without blocking; see the class description.
   *
   * @param info the call
   * @param appExecutor the application's executor (not used: the token's future completes the call)
   * @param applier where the metadata, or the failure, goes
   */
  @Override
  public void applyRequestMetadata(
      RequestInfo info, Executor appExecutor, MetadataApplier applier) {
    String host = host(info.getAuthority());
    if (host == null || !hosts.allows(host)) {
      applier.apply(new Metadata());
      return;
    }
    if (info.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY) {
      // The authority can be overridden and is not verified: over plaintext, the peer the
      // transport is connected to must be loopback too, not only the name the call claims.
      String refusal = hosts.refusal("http", host);
      if (refusal == null) {
        refusal = hosts.refusal("http", peerHost(info));
      }
      if (refusal != null) {
        applier.fail(Status.UNAUTHENTICATED.withDescription(refusal));
        return;
      }
    }
    AtomicReference<AccessToken> sent = info.getCallOptions().getOption(SENT);
    CompletableFuture<AccessToken> token;
    try {
      token = client.getTokenAsync();
    } catch (RuntimeException e) {
      // A closed client throws at once: fail this call, never the gRPC thread.
      applier.fail(tokenFailure(e));
      return;
    }
    token.whenComplete(
        (value, failure) -> {
          if (failure != null) {
            applier.fail(tokenFailure(failure));
            return;
          }
          if (sent != null) {
            sent.set(value);
          }
          Metadata metadata = new Metadata();
          metadata.put(AUTHORIZATION, value.authorizationHeader());
          applier.apply(metadata);
        });
  }

  private static Status tokenFailure(Throwable thrown) {
    Throwable t = thrown;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    String reason = t instanceof OAuthException ? t.getMessage() : String.valueOf(t);
    return Status.UNAUTHENTICATED
        .withDescription("No access token for the call: " + reason)
        .withCause(t);
  }

  /**
   * The IP address the transport is connected to, or {@code "localhost"} when it has no IP peer (an
   * in-process or Unix-domain transport does not leave this machine).
   */
  private static String peerHost(RequestInfo info) {
    SocketAddress peer = info.getTransportAttrs().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    if (peer instanceof InetSocketAddress) {
      InetAddress address = ((InetSocketAddress) peer).getAddress();
      if (address != null) {
        String literal = address.getHostAddress();
        int scope = literal.indexOf('%'); // an IPv6 zone is not part of the host
        return address.isLoopbackAddress()
            ? "localhost"
            : scope < 0 ? literal : literal.substring(0, scope);
      }
      return ((InetSocketAddress) peer).getHostString();
    }
    return "localhost";
  }

  /** The host of an authority ({@code host:port}, {@code [v6]:port}); null if there is none. */
  private static String host(String authority) {
    if (authority == null) {
      return null;
    }
    try {
      return new URI(null, authority, null, null, null).getHost();
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  /**
   * Describes the credentials by their allowed hosts; never a token.
   *
   * @return for example {@code BearerTokenCallCredentials[hosts=[api.example.com]]}
   */
  @Override
  public String toString() {
    return "BearerTokenCallCredentials[hosts=" + hosts + "]";
  }

  /** Builds {@link BearerTokenCallCredentials}. Not thread-safe. */
  public static final class Builder {
    private final OAuthClient client;
    private final Set<String> hosts = new LinkedHashSet<>();
    private boolean allowInsecureHttp;

    private Builder(OAuthClient client) {
      this.client = client;
    }

    /**
     * Allows sending the token to {@code host}: an exact host name or IP address, compared
     * case-insensitively, on any port. Subdomains are not included: allow each host the token is
     * meant for.
     *
     * @param host for example {@code "api.example.com"}; no scheme, port or path
     * @return this builder
     * @throws IllegalArgumentException if null or not a valid host name or IP address
     */
    public Builder allowHost(String host) {
      hosts.add(AllowedHosts.canonical(host));
      return this;
    }

    /**
     * Allows sending the token over a plaintext transport to allowed hosts that are not loopback.
     * Default off: such calls fail instead. Loopback hosts are always allowed.
     *
     * @return this builder
     */
    public Builder allowInsecureHttp() {
      this.allowInsecureHttp = true;
      return this;
    }

    /**
     * Builds the credentials.
     *
     * @return new credentials
     * @throws IllegalStateException if no host was allowed
     */
    public BearerTokenCallCredentials build() {
      if (hosts.isEmpty()) {
        throw new IllegalStateException(
            "no host allowed: call allowHost(\"api.example.com\") for each host the token is meant"
                + " for");
      }
      return new BearerTokenCallCredentials(client, new AllowedHosts(hosts, allowInsecureHttp));
    }
  }
}

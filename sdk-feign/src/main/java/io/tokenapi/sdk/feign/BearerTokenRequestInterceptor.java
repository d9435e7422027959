package io.tokenapi.sdk.feign;

import feign.Request;
import feign.RequestInterceptor;
import feign.RequestTemplate;
import feign.Response;
import feign.Retryer;
import feign.codec.ErrorDecoder;
import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.internal.AllowedHosts;
import java.net.URI;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * A Feign {@link RequestInterceptor} that sends the {@link OAuthClient}'s access token as {@code
 * Authorization: Bearer <token>} to the hosts it is allowed to, and to no other host. A Feign
 * interceptor cannot see responses, so the renewal after a 401 comes from the {@link
 * #errorDecoder(ErrorDecoder) error decoder} and {@link #retryer(Retryer) retryer} it hands out:
 *
 * <pre>{@code
 * BearerTokenRequestInterceptor bearer = BearerTokenRequestInterceptor.builder(oauthClient)
 *     .allowHost("api.example.com")
 *     .build();
 * PaymentsApi api = Feign.builder()
 *     .requestInterceptor(bearer)
 *     .errorDecoder(bearer.errorDecoder(new ErrorDecoder.Default()))
 *     .retryer(bearer.retryer(Retryer.NEVER_RETRY))
 *     .target(PaymentsApi.class, "https://api.example.com");
 * }</pre>
 *
 * <ul>
 *   <li>Only requests whose host is on the allow-list get the header; the token is fetched (or
 *       served from the client's cache) only for those. A request that already carries an {@code
 *       Authorization} header of its own (Basic, or a user's bearer token) is sent as it is; the
 *       header this interceptor put on an earlier try of the same call is replaced.
 *   <li>On a 401 for a bearer token sent to an allowed host, the error decoder invalidates that
 *       token (only if it is still the cached one, so a burst of 401s causes one refresh) and the
 *       retryer sends the call once more, at once, with a new token; a second 401 reaches the
 *       caller as a {@code FeignException} with status 401 (its cause is what your error decoder
 *       made of it). Other failures go to your error decoder and retryer as before.
 *   <li>Plain {@code http://} requests get a token only on loopback hosts, unless built with {@link
 *       Builder#allowInsecureHttp()}; otherwise the call fails with an {@link
 *       IllegalStateException}.
 *   <li>When no token can be had, the request is not sent and the SDK's {@link OAuthException}
 *       reaches the caller as it is (Feign passes an interceptor's exception through).
 *   <li>Redirects are followed by the HTTP client under Feign ({@code Request.Options}); the token
 *       is put on the first request only. Feign's default client ({@code HttpURLConnection}) does
 *       not carry it to another host.
 * </ul>
 *
 * <p>Feign's interceptors run on the calling thread, which waits for the token the first time (at
 * most the client's {@code RetryPolicy.maxWait}). Immutable and thread-safe.
 */
public final class BearerTokenRequestInterceptor implements RequestInterceptor {
  private static final String AUTHORIZATION = "Authorization";
  private static final String BEARER = "Bearer ";

  private final OAuthClient client;
  private final AllowedHosts hosts;

  /**
   * The header this interceptor put on each call's template. Feign applies interceptors to the same
   * template on every try of a call, so this tells its own header from a caller's. Weak keys: an
   * entry goes with its call; templates compare by identity.
   */
  private final Map<RequestTemplate, String> sentOn =
      Collections.synchronizedMap(new WeakHashMap<>());

  private BearerTokenRequestInterceptor(OAuthClient client, AllowedHosts hosts) {
    this.client = client;
    this.hosts = hosts;
  }

  /**
   * A builder for an interceptor that uses {@code client}'s tokens. At least one host must be
   * allowed.
   *
   * @param client the client whose tokens are sent; the interceptor does not close it
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
   * The hosts this interceptor sends the token to, in canonical form (lower case, IDN as punycode).
   *
   * @return an unmodifiable set, never empty
   */
  public Set<String> allowedHosts() {
    return hosts.hosts();
  }

  /**
   * Adds the bearer token to a request for an allowed host; see the class description.
   *
   * @param template the request being built
   * @throws OAuthException (a subclass) if no token could be obtained; the request is not sent
   * @throws IllegalStateException if the client is closed, or a token would have gone over plain
   *     {@code http://} to a host that is not loopback
   */
  @Override
  public void apply(RequestTemplate template) {
    URI uri = target(template);
    if (uri == null || !hosts.allows(uri.getHost()) || callersOwn(template, sentOn.get(template))) {
      return;
    }
    String refusal = hosts.refusal(uri.getScheme(), uri.getHost());
    if (refusal != null) {
      throw new IllegalStateException(refusal);
    }
    AccessToken token = client.getToken();
    // Header-safe: the client checks the provider's and a store's tokens before handing one out.
    String header = token.authorizationHeader();
    template.removeHeader(AUTHORIZATION);
    template.header(AUTHORIZATION, header);
    sentOn.put(template, header);
  }

  /**
   * An error decoder that turns a 401 for this interceptor's token into a one-time retry, and hands
   * every other error (and the 401 itself, as the retry's cause) to {@code delegate}.
   *
   * @param delegate the application's error decoder, for example {@code new ErrorDecoder.Default()}
   * @return the decoder to give {@code Feign.builder().errorDecoder(...)}
   * @throws IllegalArgumentException if {@code delegate} is null
   */
  public ErrorDecoder errorDecoder(ErrorDecoder delegate) {
    if (delegate == null) {
      throw new IllegalArgumentException("delegate == null");
    }
    return (methodKey, response) -> {
      Exception decoded = delegate.decode(methodKey, response);
      String sent = rejectedBearer(response);
      if (sent == null) {
        return decoded;
      }
      // Tokens are equal by value: one rebuilt from the header identifies the cached one.
      client.invalidate(AccessToken.of(sent, Instant.EPOCH));
      return new RejectedTokenException(response, decoded);
    };
  }

  /**
   * A retryer that sends a call once more, at once, after a 401 for this interceptor's token, and
   * hands every other retryable failure to {@code delegate}.
   *
   * @param delegate the application's retryer, for example {@code Retryer.NEVER_RETRY} or {@code
   *     new Retryer.Default()}
   * @return the retryer to give {@code Feign.builder().retryer(...)}
   * @throws IllegalArgumentException if {@code delegate} is null
   */
  public Retryer retryer(Retryer delegate) {
    if (delegate == null) {
      throw new IllegalArgumentException("delegate == null");
    }
    return new OneRenewalRetryer(delegate);
  }

  /** The bearer token value a 401 answered, when it was sent to an allowed host; else null. */
  private String rejectedBearer(Response response) {
    if (response.status() != 401 || response.request() == null) {
      return null;
    }
    Request request = response.request();
    URI uri;
    try {
      uri = URI.create(request.url());
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (!hosts.allows(uri.getHost())) {
      return null;
    }
    Collection<String> values = request.headers().get(AUTHORIZATION);
    if (values == null || values.size() != 1) {
      return null;
    }
    String header = values.iterator().next();
    if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return null;
    }
    String value = header.substring(BEARER.length()).trim();
    return value.isEmpty() ? null : value;
  }

  /** The request's absolute URI: its own when it has one (a URI argument), else the target's. */
  private static URI target(RequestTemplate template) {
    String url = template.url();
    try {
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        if (template.feignTarget() == null) {
          return null;
        }
        url = template.feignTarget().url() + url;
      }
      return URI.create(url);
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      // No usable target (an EmptyTarget without a URI argument, a malformed URL): no token.
      return null;
    }
  }

  /** Whether the template carries an Authorization header other than the one this put there. */
  private static boolean callersOwn(RequestTemplate template, String ours) {
    Collection<String> values = template.headers().get(AUTHORIZATION);
    if (values == null || values.isEmpty()) {
      return false;
    }
    return ours == null || values.size() != 1 || !ours.equals(values.iterator().next());
  }

  /**
   * Describes the interceptor by its allowed hosts; never a token.
   *
   * @return for example {@code BearerTokenRequestInterceptor[hosts=[api.example.com]]}
   */
  @Override
  public String toString() {
    return "BearerTokenRequestInterceptor[hosts=" + hosts + "]";
  }

  /** Builds a {@link BearerTokenRequestInterceptor}. Not thread-safe. */
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
     * Allows sending the token over plain {@code http://} to allowed hosts that are not loopback.
     * Default off: such requests fail instead. Loopback hosts are always allowed.
     *
     * @return this builder
     */
    public Builder allowInsecureHttp() {
      this.allowInsecureHttp = true;
      return this;
    }

    /**
     * Builds the interceptor.
     *
     * @return a new interceptor
     * @throws IllegalStateException if no host was allowed
     */
    public BearerTokenRequestInterceptor build() {
      if (hosts.isEmpty()) {
        throw new IllegalStateException(
            "no host allowed: call allowHost(\"api.example.com\") for each host the token is meant"
                + " for");
      }
      return new BearerTokenRequestInterceptor(client, new AllowedHosts(hosts, allowInsecureHttp));
    }
  }
}

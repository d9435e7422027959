package io.tokenapi.sdk.spring;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.internal.AllowedHosts;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * A {@code RestClient} and {@code RestTemplate} interceptor that sends the {@link OAuthClient}'s
 * access token as {@code Authorization: Bearer <token>} to the hosts it is allowed to, and to no
 * other host.
 *
 * <pre>{@code
 * RestClient rest = RestClient.builder()
 *     .requestInterceptor(BearerTokenClientHttpRequestInterceptor.builder(oauthClient)
 *         .allowHost("api.example.com")
 *         .build())
 *     .build();
 * }</pre>
 *
 * <ul>
 *   <li>Only requests whose host is on the allow-list get the header; other requests pass through
 *       untouched, and so does a request that already carries an {@code Authorization} header.
 *   <li>On a 401, the interceptor calls {@link OAuthClient#invalidate(AccessToken)} with the token
 *       it sent, closes the response and sends the request once more with a new token (Spring
 *       buffers the body for interceptors, so it can be sent again). A second 401 is returned as it
 *       is. Many concurrent 401s for the same old token cause one token refresh.
 *   <li>Plain {@code http://} requests get a token only on loopback hosts, unless built with {@link
 *       Builder#allowInsecureHttp()}; otherwise the request fails with an {@link IOException}.
 *   <li>When no token can be had, the request is not sent and the SDK's {@link OAuthException} (a
 *       {@code ServiceUnavailableException} with its {@code retryAt()}, ...) reaches the caller.
 * </ul>
 *
 * <p>Redirects are followed, or not, by the HTTP library under the {@code RestClient}: the token is
 * added to the first request only. Immutable and thread-safe.
 */
public final class BearerTokenClientHttpRequestInterceptor implements ClientHttpRequestInterceptor {
  private static final Logger LOG =
      LoggerFactory.getLogger(BearerTokenClientHttpRequestInterceptor.class);

  private final OAuthClient client;
  private final AllowedHosts hosts;

  private BearerTokenClientHttpRequestInterceptor(OAuthClient client, AllowedHosts hosts) {
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
   * Adds the bearer token to a request for an allowed host and renews it once on a 401; see the
   * class description.
   *
   * @param request the request
   * @param body its body, buffered by Spring
   * @param execution the rest of the chain
   * @return the response; a 401 when the server rejected the token twice
   * @throws IOException if the request failed, or a token would have gone over plain {@code
   *     http://} to a host that is not loopback
   * @throws OAuthException (a subclass) when no token could be obtained; the request was not sent
   */
  @Override
  public ClientHttpResponse intercept(
      HttpRequest request, byte[] body, ClientHttpRequestExecution execution) throws IOException {
    URI uri = request.getURI();
    if (!hosts.allows(uri.getHost())
        || request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION) != null) {
      return execution.execute(request, body);
    }
    String refusal = hosts.refusal(uri.getScheme(), uri.getHost());
    if (refusal != null) {
      throw new IOException(refusal);
    }
    AccessToken token = client.getToken();
    request.getHeaders().set(HttpHeaders.AUTHORIZATION, token.authorizationHeader());
    ClientHttpResponse response = execution.execute(request, body);
    if (response.getStatusCode().value() != 401) {
      return response;
    }
    response.close();
    // Drops the token only if it is still the cached one: a burst of 401s causes one refresh.
    client.invalidate(token);
    AccessToken fresh = client.getToken();
    LOG.debug(
        "{} answered 401 for the bearer token; retrying once with a new token", uri.getHost());
    request.getHeaders().set(HttpHeaders.AUTHORIZATION, fresh.authorizationHeader());
    return execution.execute(request, body);
  }

  /**
   * Describes the interceptor by its allowed hosts; never a token.
   *
   * @return for example {@code BearerTokenClientHttpRequestInterceptor[hosts=[api.example.com]]}
   */
  @Override
  public String toString() {
    return "BearerTokenClientHttpRequestInterceptor[hosts=" + hosts + "]";
  }

  /** Builds a {@link BearerTokenClientHttpRequestInterceptor}. Not thread-safe. */
  public static final class Builder {
    private final OAuthClient client;
    private final Set<String> hosts = new LinkedHashSet<>();
    private boolean allowInsecureHttp;

    private Builder(OAuthClient client) {
      this.client = client;
    }

    /**
     * Allows sending the token to {@code host}: an exact host name or IP address, compared
     * case-insensitively, on any port. Subdomains are not included.
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
    public BearerTokenClientHttpRequestInterceptor build() {
      if (hosts.isEmpty()) {
        throw new IllegalStateException(
            "no host allowed: call allowHost(\"api.example.com\") for each host the token is meant"
                + " for");
      }
      return new BearerTokenClientHttpRequestInterceptor(
          client, new AllowedHosts(hosts, allowInsecureHttp));
    }
  }
}

package io.tokenapi.sdk.okhttp;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.TenantTokens;
import io.tokenapi.sdk.internal.AllowedHosts;
import io.tokenapi.sdk.internal.Loopback;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BearerTokenInterceptor} for many tenants: an OkHttp <em>application</em> interceptor that
 * sends the token of the request's tenant, from a {@link TenantTokens}, to the hosts it is allowed
 * to. The tenant comes from the request, through {@link Builder#tenantFrom(Function)}: a tag set by
 * the caller, or a header.
 *
 * <pre>{@code
 * OkHttpClient http = new OkHttpClient.Builder()
 *     .addInterceptor(TenantBearerTokenInterceptor.builder(tenantTokens)
 *         .tenantFrom(request -> request.tag(String.class))
 *         .allowHost("api.example.com")
 *         .build())
 *     .build();
 * http.newCall(new Request.Builder().url(url).tag(String.class, "merchant-42").build());
 * }</pre>
 *
 * <p>Everything {@link BearerTokenInterceptor} promises holds, per tenant: only allowed hosts get a
 * token, a caller's own {@code Authorization} header wins, a 401 for the tenant's token invalidates
 * that token (no other tenant's) and replays a replayable request once with a new one, no token
 * over plain {@code http://} to a host that is not loopback, and a request without a token is not
 * sent ({@link TokenUnavailableIOException}). A request for an allowed host whose tenant cannot be
 * told ({@code tenantFrom} returns null or throws) is not sent either: it fails with an {@link
 * IOException}. Immutable and thread-safe.
 */
public final class TenantBearerTokenInterceptor implements Interceptor {
  private static final Logger LOG = LoggerFactory.getLogger(TenantBearerTokenInterceptor.class);
  private static final String AUTHORIZATION = "Authorization";

  private final TenantTokens tokens;
  private final Function<Request, String> tenantFrom;
  private final Set<String> hosts;
  private final boolean allowInsecureHttp;

  private TenantBearerTokenInterceptor(Builder b) {
    this.tokens = b.tokens;
    this.tenantFrom = b.tenantFrom;
    this.hosts = Collections.unmodifiableSet(new LinkedHashSet<>(b.hosts));
    this.allowInsecureHttp = b.allowInsecureHttp;
  }

  /**
   * A builder for an interceptor that sends {@code tokens}' tokens. {@code tenantFrom} and at least
   * one host are required.
   *
   * @param tokens the tenants' tokens; the interceptor does not close it
   * @return a new builder
   * @throws IllegalArgumentException if {@code tokens} is null
   */
  public static Builder builder(TenantTokens tokens) {
    if (tokens == null) {
      throw new IllegalArgumentException("tokens == null");
    }
    return new Builder(tokens);
  }

  /**
   * The hosts this interceptor sends tokens to, in canonical form.
   *
   * @return an unmodifiable set, never empty
   */
  public Set<String> allowedHosts() {
    return hosts;
  }

  /**
   * Adds the request's tenant's bearer token to a request for an allowed host and renews it once on
   * a 401; see the class description.
   *
   * @param chain OkHttp's chain
   * @return the response
   * @throws TokenUnavailableIOException if no token could be obtained; the request was not sent
   * @throws IOException if the tenant could not be told, the request failed, or a token would have
   *     gone over plain {@code http://} to a host that is not loopback
   */
  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    HttpUrl url = request.url();
    if (!hosts.contains(url.host()) || request.header(AUTHORIZATION) != null) {
      return chain.proceed(request);
    }
    if (!url.isHttps() && !allowInsecureHttp && !Loopback.isLoopback(url.host())) {
      throw new IOException(
          "Refusing to send a bearer token over http:// to "
              + url.host()
              + ": use https://, or build the interceptor with allowInsecureHttp() if this network"
              + " is trusted.");
    }
    String tenant = tenantOf(request);
    AccessToken token = token(tenant);
    Response response = chain.proceed(withToken(request, token));
    if (response.code() != 401
        || !token.authorizationHeader().equals(response.request().header(AUTHORIZATION))) {
      return response;
    }
    tokens.invalidate(tenant, token);
    RequestBody body = request.body();
    if (body != null && (body.isOneShot() || body.isDuplex())) {
      return response;
    }
    AccessToken fresh;
    try {
      fresh = token(tenant);
    } catch (IOException e) {
      response.close();
      throw e;
    }
    if (fresh.equals(token)) {
      // Kept: renewals after a rejection are rate-limited; sending it again is futile.
      return response;
    }
    response.close();
    LOG.debug(
        "{} answered 401 for a tenant's bearer token; retrying once with a new one", url.host());
    return chain.proceed(withToken(request, fresh));
  }

  /**
   * Describes the interceptor by its allowed hosts; never a token.
   *
   * @return for example {@code TenantBearerTokenInterceptor[hosts=[api.example.com]]}
   */
  @Override
  public String toString() {
    return "TenantBearerTokenInterceptor[hosts="
        + hosts
        + (allowInsecureHttp ? ", allowInsecureHttp" : "")
        + "]";
  }

  private String tenantOf(Request request) throws IOException {
    String tenant;
    try {
      tenant = tenantFrom.apply(request);
    } catch (RuntimeException e) {
      // The caller's function; its message is its own business, the type tells what broke.
      throw new IOException(
          "No tenant for the request to "
              + request.url().host()
              + ": tenantFrom(...) threw "
              + e.getClass().getName());
    }
    if (tenant == null) {
      throw new IOException(
          "No tenant for the request to "
              + request.url().host()
              + ": tenantFrom(...) returned null; tag the request with its tenant (or set the"
              + " header tenantFrom reads)");
    }
    return tenant;
  }

  private AccessToken token(String tenant) throws IOException {
    try {
      return tokens.getToken(tenant);
    } catch (OAuthException e) {
      throw new TokenUnavailableIOException(e);
    } catch (IllegalArgumentException | IllegalStateException e) {
      // A bad tenant id, or closed tokens: this call fails like any I/O failure.
      throw new IOException("No access token for the request: " + e.getMessage(), e);
    }
  }

  private static Request withToken(Request request, AccessToken token) {
    return request.newBuilder().header(AUTHORIZATION, token.authorizationHeader()).build();
  }

  /** Builds a {@link TenantBearerTokenInterceptor}. Not thread-safe. */
  public static final class Builder {
    private final TenantTokens tokens;
    private final Set<String> hosts = new LinkedHashSet<>();
    private Function<Request, String> tenantFrom;
    private boolean allowInsecureHttp;

    private Builder(TenantTokens tokens) {
      this.tokens = tokens;
    }

    /**
     * How to tell a request's tenant: for example {@code request -> request.tag(String.class)} for
     * a tag the caller set, or {@code request -> request.header("X-Tenant")}. Called once per
     * request to an allowed host (a 401 replay keeps the tenant it found); it should be cheap.
     * Required.
     *
     * @param tenantFrom the request's tenant id, or null when it has none
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder tenantFrom(Function<Request, String> tenantFrom) {
      if (tenantFrom == null) {
        throw new IllegalArgumentException("tenantFrom == null");
      }
      this.tenantFrom = tenantFrom;
      return this;
    }

    /**
     * Allows sending tokens to {@code host}, as {@link BearerTokenInterceptor.Builder#allowHost}.
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
     * Allows sending tokens over plain {@code http://} to allowed hosts that are not loopback.
     * Default off.
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
     * @throws IllegalStateException if {@code tenantFrom} is not set or no host was allowed
     */
    public TenantBearerTokenInterceptor build() {
      if (tenantFrom == null) {
        throw new IllegalStateException(
            "tenantFrom is not set: call tenantFrom(request -> request.tag(String.class)) or read"
                + " a header");
      }
      if (hosts.isEmpty()) {
        throw new IllegalStateException(
            "no host allowed: call allowHost(\"api.example.com\") for each host the tokens are meant"
                + " for");
      }
      return new TenantBearerTokenInterceptor(this);
    }
  }
}

package io.tokenapi.sdk.httpclient5;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.internal.AllowedHosts;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.async.AsyncExecChainHandler;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncDataConsumer;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.support.BasicRequestBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exec-chain handler for the async Apache HttpClient 5 ({@code CloseableHttpAsyncClient}) that
 * sends the {@link OAuthClient}'s access token as {@code Authorization: Bearer <token>} to the
 * hosts it is allowed to, and to no other host. It never blocks the I/O reactor: the token comes
 * from {@link OAuthClient#getTokenAsync()}, and the request goes on when it completes. Add it right
 * after the redirect handler:
 *
 * <pre>{@code
 * CloseableHttpAsyncClient http = HttpAsyncClients.custom()
 *     .addExecInterceptorAfter(ChainElement.REDIRECT.name(), BearerTokenAsyncExecChainHandler.NAME,
 *         BearerTokenAsyncExecChainHandler.builder(oauthClient)
 *             .allowHost("api.example.com")
 *             .build())
 *     .build();
 * }</pre>
 *
 * <p>The rules are those of {@link BearerTokenExecChainHandler}: allowed hosts only, the caller's
 * own {@code Authorization} header wins, no token on a redirect off the first hop's scheme, host
 * and port, plain {@code http://} only to loopback unless {@link Builder#allowInsecureHttp()}. On a
 * 401 for the token it sent, the response body is discarded, the token invalidated, and the request
 * sent once more with a new one when its entity producer is repeatable (or there is none); a second
 * 401 reaches the caller. When no token can be had, the request is not sent and the call fails with
 * a {@link TokenUnavailableIOException} whose cause is the SDK's exception. Immutable and
 * thread-safe.
 */
public final class BearerTokenAsyncExecChainHandler implements AsyncExecChainHandler {
  /** The name to register the handler under: {@value}. */
  public static final String NAME = "tokenapi-bearer-token";

  private static final Logger LOG = LoggerFactory.getLogger(BearerTokenAsyncExecChainHandler.class);

  private final OAuthClient client;
  private final AllowedHosts hosts;

  private BearerTokenAsyncExecChainHandler(OAuthClient client, AllowedHosts hosts) {
    this.client = client;
    this.hosts = hosts;
  }

  /**
   * A builder for a handler that uses {@code client}'s tokens. At least one host must be allowed.
   *
   * @param client the client whose tokens are sent; the handler does not close it
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
   * The hosts this handler sends the token to, in canonical form (lower case, IDN as punycode).
   *
   * @return an unmodifiable set, never empty
   */
  public Set<String> allowedHosts() {
    return hosts.hosts();
  }

  /**
   * Adds the bearer token to a hop to an allowed host, once the token is at hand, and renews it
   * once on a 401; see the class description. Returns without waiting for the token.
   *
   * @param request the hop's request; not modified
   * @param entityProducer its entity, or null
   * @param scope the exchange
   * @param chain the rest of the chain
   * @param callback where the outcome goes; a missing token arrives as {@link
   *     TokenUnavailableIOException}
   * @throws IOException if a token would have gone over plain {@code http://} to a host that is not
   *     loopback, or the rest of the chain fails at once
   * @throws HttpException if the rest of the chain fails at once with one
   */
  @Override
  public void execute(
      HttpRequest request,
      AsyncEntityProducer entityProducer,
      AsyncExecChain.Scope scope,
      AsyncExecChain chain,
      AsyncExecCallback callback)
      throws HttpException, IOException {
    HttpHost target = scope.route.getTargetHost();
    if (!Hops.tokenFor(hosts, request, target, scope.clientContext)) {
      chain.proceed(request, entityProducer, scope, callback);
      return;
    }
    Hops.refuseInsecure(hosts, target);
    send(new Exchange(request, entityProducer, scope, chain, callback), null);
  }

  /**
   * Sends the exchange once the token is at hand; {@code rejected} is the token a 401 refused, or
   * null on the first try.
   */
  private void send(Exchange exchange, AccessToken rejected) {
    CompletableFuture<AccessToken> token;
    try {
      token = client.getTokenAsync();
    } catch (RuntimeException e) {
      // A closed client throws at once: fail this call, never the I/O reactor's thread.
      exchange.callback.failed(Hops.failure(e));
      return;
    }
    token.whenComplete(
        (value, failure) -> {
          if (failure != null) {
            exchange.callback.failed(Hops.failure(failure));
            return;
          }
          if (exchange.scope.cancellableDependency.isCancelled()) {
            return;
          }
          AsyncExecCallback outcome =
              rejected == null ? new RenewOn401(exchange, value) : exchange.callback;
          try {
            exchange.chain.proceed(
                withToken(exchange.request, value),
                exchange.entityProducer,
                exchange.scope,
                outcome);
          } catch (HttpException | IOException | RuntimeException e) {
            exchange.callback.failed(e);
          }
        });
  }

  private static HttpRequest withToken(HttpRequest request, AccessToken token) {
    return BasicRequestBuilder.copy(request)
        .setHeader(Hops.AUTHORIZATION, token.authorizationHeader())
        .build();
  }

  /**
   * Describes the handler by its allowed hosts; never a token.
   *
   * @return for example {@code BearerTokenAsyncExecChainHandler[hosts=[api.example.com]]}
   */
  @Override
  public String toString() {
    return "BearerTokenAsyncExecChainHandler[hosts=" + hosts + "]";
  }

  /** One hop's arguments, kept for the send after the token arrives and for the one retry. */
  private static final class Exchange {
    final HttpRequest request;
    final AsyncEntityProducer entityProducer;
    final AsyncExecChain.Scope scope;
    final AsyncExecChain chain;
    final AsyncExecCallback callback;

    Exchange(
        HttpRequest request,
        AsyncEntityProducer entityProducer,
        AsyncExecChain.Scope scope,
        AsyncExecChain chain,
        AsyncExecCallback callback) {
      this.request = request;
      this.entityProducer = entityProducer;
      this.scope = scope;
      this.chain = chain;
      this.callback = callback;
    }

    boolean replayable() {
      return entityProducer == null || entityProducer.isRepeatable();
    }
  }

  /**
   * Passes every outcome through, except a 401 for the token sent on a replayable request: its body
   * is discarded and, once that exchange completes, the request goes once more.
   */
  private final class RenewOn401 implements AsyncExecCallback {
    private final Exchange exchange;
    private final AccessToken token;
    private boolean rejected;

    RenewOn401(Exchange exchange, AccessToken token) {
      this.exchange = exchange;
      this.token = token;
    }

    @Override
    public AsyncDataConsumer handleResponse(HttpResponse response, EntityDetails entityDetails)
        throws HttpException, IOException {
      if (response.getCode() != 401) {
        return exchange.callback.handleResponse(response, entityDetails);
      }
      // Drops the token only if it is still the cached one: a burst of 401s causes one refresh.
      client.invalidate(token);
      if (!exchange.replayable()) {
        return exchange.callback.handleResponse(response, entityDetails);
      }
      rejected = true;
      // No consumer: HttpClient discards the body, as its own redirect handler does.
      return null;
    }

    @Override
    public void handleInformationResponse(HttpResponse response) throws HttpException, IOException {
      exchange.callback.handleInformationResponse(response);
    }

    @Override
    public void completed() {
      if (!rejected) {
        exchange.callback.completed();
        return;
      }
      LOG.debug(
          "{} answered 401 for the bearer token; retrying once with a new token",
          exchange.scope.route.getTargetHost().getHostName());
      if (exchange.entityProducer != null) {
        exchange.entityProducer.releaseResources();
      }
      send(exchange, token);
    }

    @Override
    public void failed(Exception cause) {
      exchange.callback.failed(cause);
    }
  }

  /** Builds a {@link BearerTokenAsyncExecChainHandler}. Not thread-safe. */
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
     * Builds the handler.
     *
     * @return a new handler
     * @throws IllegalStateException if no host was allowed
     */
    public BearerTokenAsyncExecChainHandler build() {
      if (hosts.isEmpty()) {
        throw new IllegalStateException(
            "no host allowed: call allowHost(\"api.example.com\") for each host the token is meant"
                + " for");
      }
      return new BearerTokenAsyncExecChainHandler(
          client, new AllowedHosts(hosts, allowInsecureHttp));
    }
  }
}

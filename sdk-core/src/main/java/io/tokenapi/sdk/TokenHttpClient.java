package io.tokenapi.sdk;

import java.net.Proxy;
import java.net.ProxySelector;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.Authenticator;
import okhttp3.CookieJar;
import okhttp3.Dispatcher;
import okhttp3.Dns;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;

/**
 * The {@link OkHttpClient} the token request is sent with: derived from the caller's (or a new one)
 * and hardened, one reason per setting. The caller's client is never changed.
 */
final class TokenHttpClient {
  private TokenHttpClient() {}

  /**
   * The token request's client.
   *
   * @param requestThreads the client's own pool, which runs the token requests (never the caller's
   *     dispatcher)
   * @param events where the caller's OkHttp {@code EventListener} gets the token request's events
   *     (on the client's event thread, never inline), or null when the caller's client has none
   */
  static OkHttpClient derive(
      ClientSettings s, ExecutorService requestThreads, ListenerDispatcher events) {
    OkHttpClient base = s.httpClient != null ? s.httpClient : new OkHttpClient();
    OkHttpClient.Builder http = base.newBuilder();
    // The token request carries exactly what the SDK puts on it. The caller's interceptors (a body
    // logger, a BearerTokenInterceptor that would call back into this client) never see it.
    http.interceptors().clear();
    http.networkInterceptors().clear();
    http
        // A caller's Authenticator runs on a 401 from the token endpoint: one that asks this client
        // for a token would wait on the refresh it is part of; any other adds its credentials.
        .authenticator(Authenticator.NONE)
        // No session cookies in or out: the caller's jar neither leaks into nor learns from it.
        .cookieJar(CookieJar.NO_COOKIES)
        // A token answer is never cached, and must not evict the caller's entries either.
        .cache(null)
        // A redirect could carry the client secret to another host: the token request never follows
        // one.
        .followRedirects(false)
        .followSslRedirects(false)
        // OkHttp would silently repeat a request after a 408 or a failed connection: the SDK's
        // retry policy owns every retry, so attempts are counted, backed off and bounded by
        // maxWait.
        .retryOnConnectionFailure(false)
        .dispatcher(dispatcher(requestThreads))
        .addNetworkInterceptor(new RetryAfterShield());
    // OkHttp calls an EventListener inline on the request's thread: the caller's would hold it as
    // long as it blocks, and what it throws would end the attempt. It gets the events on the
    // client's event thread instead, without the credentials (CallersEventListener).
    if (events == null) {
      http.eventListener(EventListener.NONE);
    } else {
      http.eventListenerFactory(
          CallersEventListener.forwardingTo(base.eventListenerFactory(), events));
    }
    if (base.socketFactory() == SocketFactory.getDefault()) {
      // Same sockets, but an interrupt stops a blocked read: see callerThreadAttempts.
      http.socketFactory(InterruptibleSocketFactory.INSTANCE);
    }
    if (s.connectTimeout != null || s.httpClient == null) {
      http.connectTimeout(
          orDefault(s.connectTimeout, ClientSettings.DEFAULT_CONNECT_TIMEOUT).toMillis(),
          TimeUnit.MILLISECONDS);
    }
    if (s.readTimeout != null || s.httpClient == null) {
      http.readTimeout(
          orDefault(s.readTimeout, ClientSettings.DEFAULT_READ_TIMEOUT).toMillis(),
          TimeUnit.MILLISECONDS);
    }
    return http.build();
  }

  /**
   * OkHttp's dispatcher over the client's request pool. Its own limits (5 calls per host, 64 in
   * all) would queue a call in OkHttp's unbounded queue once 5 attempts were held by the caller's
   * code (a {@code Dns} that ignores interrupts), and every later attempt with it, never reaching
   * the pool: every thread of the pool may serve the one host, and past the pool's threads and
   * queue its executor rejects the call (a typed failure) before OkHttp would queue it.
   */
  private static Dispatcher dispatcher(ExecutorService requestThreads) {
    Dispatcher dispatcher = new Dispatcher(requestThreads);
    dispatcher.setMaxRequests(ClientThreads.MAX_HTTP_THREADS + ClientThreads.HTTP_QUEUE + 1);
    dispatcher.setMaxRequestsPerHost(ClientThreads.MAX_HTTP_THREADS);
    return dispatcher;
  }

  /**
   * Whether a blocking caller may make the first token request attempt on its own thread. Only when
   * every blocking step of the request ends on {@link Thread#interrupt()} and none of it is the
   * caller's code, which OkHttp would run inline and which neither an interrupt nor the call
   * timeout ends: the SDK's interruptible sockets (a caller's own socket factory may not be), the
   * system's DNS, proxy selector, hostname verifier and trust manager, no proxy authenticator, and
   * no SOCKS proxy (OkHttp opens those sockets itself). Otherwise every attempt runs on the
   * client's threads and the caller waits for it, interruptibly, at most the attempt's time plus
   * {@link TokenEndpoint#WATCHDOG_GRACE_MILLIS}.
   */
  static boolean callerThreadAttempts(OkHttpClient http) {
    Proxy proxy = http.proxy();
    boolean socks =
        (proxy != null && proxy.type() == Proxy.Type.SOCKS)
            || System.getProperty("socksProxyHost") != null;
    ProxySelector selector = http.proxySelector();
    X509TrustManager trust = http.x509TrustManager();
    return http.socketFactory() == InterruptibleSocketFactory.INSTANCE
        && http.dns() == Dns.SYSTEM
        && (selector == ProxySelector.getDefault() || okHttps(selector))
        && okHttps(http.hostnameVerifier())
        && (trust == null || trust.getClass().getName().startsWith("sun.security.ssl."))
        && http.proxyAuthenticator() == Authenticator.NONE
        && !socks;
  }

  /** One of OkHttp's own implementations (a default), not the caller's code. */
  private static boolean okHttps(Object o) {
    return o.getClass().getName().startsWith("okhttp3.");
  }

  /** The call timeout of one attempt: the builder's, else the given OkHttp client's, else 30 s. */
  static long callTimeoutMillis(ClientSettings s) {
    if (s.callTimeout != null) {
      return s.callTimeout.toMillis();
    }
    return s.httpClient != null && s.httpClient.callTimeoutMillis() > 0
        ? s.httpClient.callTimeoutMillis()
        : ClientSettings.DEFAULT_CALL_TIMEOUT.toMillis();
  }

  private static Duration orDefault(Duration value, Duration fallback) {
    return value != null ? value : fallback;
  }
}

package io.tokenapi.benchmarks;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.okhttp.BearerTokenInterceptor;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.Authenticator;
import okhttp3.Cache;
import okhttp3.Call;
import okhttp3.CertificatePinner;
import okhttp3.Connection;
import okhttp3.ConnectionPool;
import okhttp3.CookieJar;
import okhttp3.Dns;
import okhttp3.EventListener;
import okhttp3.Interceptor;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The header path of a resource call, run with {@code -prof gc}: the token's {@code Authorization}
 * value must cost nothing per request.
 *
 * <ul>
 *   <li>{@code header}: {@code getToken().authorizationHeader()} on a fresh token: expected 0 B/op.
 *   <li>{@code interceptor}: {@link BearerTokenInterceptor#intercept} with a chain that answers at
 *       once; {@code requestCopy}: the request copy with a constant header that any header-adding
 *       interceptor must make. Equal B/op means the interceptor allocates nothing for the token.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HeaderPathBenchmark {

  /** The token's header value, as the interceptor reads it per request. */
  @Benchmark
  public String header(ClientState state) {
    return state.client.getToken().authorizationHeader();
  }

  /** The interceptor's whole per-request path for an allowed host, without I/O. */
  @Benchmark
  public Response interceptor(ClientState state) throws IOException {
    return state.interceptor.intercept(state.chain);
  }

  /** The part of {@link #interceptor} that does not depend on the token: the request copy. */
  @Benchmark
  public Response requestCopy(ClientState state) throws IOException {
    Request request = state.chain.request();
    return state.chain.proceed(
        request.newBuilder().header("Authorization", state.constantHeader).build());
  }

  /** A client with a fresh token and an interceptor for {@code api.example.com}. */
  @State(Scope.Benchmark)
  public static class ClientState {
    FakeTokenServer server;
    OAuthClient client;
    BearerTokenInterceptor interceptor;
    AnsweringChain chain;
    String constantHeader;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      server = Contenders.tokenServer(3600);
      client = Contenders.ourClient(server).build();
      constantHeader = client.getToken().authorizationHeader();
      interceptor = BearerTokenInterceptor.builder(client).allowHost("api.example.com").build();
      chain = new AnsweringChain(new Request.Builder().url("https://api.example.com/v1/x").build());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      client.close();
      server.close();
    }
  }

  /** A chain that answers every request with one prepared 200 response, without I/O. */
  static final class AnsweringChain implements Interceptor.Chain {
    private final Request request;
    private final Response response;

    AnsweringChain(Request request) {
      this.request = request;
      this.response =
          new Response.Builder()
              .request(request)
              .protocol(Protocol.HTTP_1_1)
              .code(200)
              .message("OK")
              .build();
    }

    @Override
    public Request request() {
      return request;
    }

    @Override
    public Response proceed(Request request) {
      return response;
    }

    @Override
    public Connection connection() {
      return null;
    }

    @Override
    public Call call() {
      throw new UnsupportedOperationException();
    }

    @Override
    public int connectTimeoutMillis() {
      return 0;
    }

    @Override
    public Interceptor.Chain withConnectTimeout(int timeout, TimeUnit unit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int readTimeoutMillis() {
      return 0;
    }

    @Override
    public Interceptor.Chain withReadTimeout(int timeout, TimeUnit unit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int writeTimeoutMillis() {
      return 0;
    }

    @Override
    public Interceptor.Chain withWriteTimeout(int timeout, TimeUnit unit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean getFollowSslRedirects() {
      return false;
    }

    @Override
    public boolean getFollowRedirects() {
      return false;
    }

    @Override
    public Dns getDns() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Interceptor.Chain withDns(Dns dns) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SocketFactory getSocketFactory() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Interceptor.Chain withSocketFactory(SocketFactory socketFactory) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean getRetryOnConnectionFailure() {
      return false;
    }

    @Override
    public Interceptor.Chain withRetryOnConnectionFailure(boolean retry) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Authenticator getAuthenticator() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Interceptor.Chain withAuthenticator(Authenticator authenticator) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CookieJar getCookieJar() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Interceptor.Chain withCookieJar(CookieJar cookieJar) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Cache getCache() {
      return null;
    }

    @Override
    public Interceptor.Chain withCache(Cache cache) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Proxy getProxy() {
      return null;
    }

    @Override
    public Interceptor.Chain withProxy(Proxy proxy) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ProxySelector getProxySelector() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Interceptor.Chain withProxySelector(ProxySelector proxySelector) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Authenticator getProxyAuthenticator() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Interceptor.Chain withProxyAuthenticator(Authenticator authenticator) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SSLSocketFactory getSslSocketFactoryOrNull() {
      return null;
    }

    @Override
    public Interceptor.Chain withSslSocketFactory(
        SSLSocketFactory sslSocketFactory, X509TrustManager trustManager) {
      throw new UnsupportedOperationException();
    }

    @Override
    public X509TrustManager getX509TrustManagerOrNull() {
      return null;
    }

    @Override
    public HostnameVerifier getHostnameVerifier() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Interceptor.Chain withHostnameVerifier(HostnameVerifier hostnameVerifier) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CertificatePinner getCertificatePinner() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Interceptor.Chain withCertificatePinner(CertificatePinner certificatePinner) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ConnectionPool getConnectionPool() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Interceptor.Chain withConnectionPool(ConnectionPool connectionPool) {
      throw new UnsupportedOperationException();
    }

    @Override
    public EventListener getEventListener() {
      return EventListener.NONE;
    }
  }
}

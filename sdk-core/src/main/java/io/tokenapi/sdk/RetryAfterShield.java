package io.tokenapi.sdk;

import java.io.IOException;
import java.net.Proxy;
import okhttp3.Connection;
import okhttp3.Headers;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Hides {@code Retry-After} on 503 answers from OkHttp's own follow-up logic, which silently
 * repeats a request once when a 503 says {@code Retry-After: 0}; and hides a 407 that no proxy
 * sent, which that logic turns into a {@code ProtocolException}. The SDK's retry policy owns every
 * retry, so that repeat would double the provider's load and skew the attempt count. Installed as a
 * network interceptor, so it runs before OkHttp looks.
 */
final class RetryAfterShield implements Interceptor {
  static final String SHIELDED_HEADER = "X-TokenApi-Retry-After";

  /** Carries a 407 that no proxy sent; {@link #status(Response)} restores it. */
  static final String SHIELDED_STATUS = "X-TokenApi-Status";

  @Override
  public Response intercept(Chain chain) throws IOException {
    Response response = chain.proceed(chain.request());
    if (response.code() == 407 && !viaHttpProxy(chain)) {
      // OkHttp's follow-up logic throws a ProtocolException for a 407 from a server that is not a
      // proxy, which would turn the token endpoint's answer into a retried transport error. It is
      // an ApiException(407).
      return response.newBuilder().code(400).header(SHIELDED_STATUS, "407").build();
    }
    if (response.code() != 503) {
      return response;
    }
    String retryAfter = response.header("Retry-After");
    if (retryAfter == null) {
      return response;
    }
    // addUnsafeNonAscii: the value is the server's, and a strict header check must not turn it into
    // a crash.
    Headers headers =
        response
            .headers()
            .newBuilder()
            .removeAll("Retry-After")
            .addUnsafeNonAscii(SHIELDED_HEADER, retryAfter)
            .build();
    return response.newBuilder().headers(headers).build();
  }

  /** The status the server sent, undoing the 407 shield. */
  static int status(Response response) {
    return "407".equals(response.header(SHIELDED_STATUS)) ? 407 : response.code();
  }

  private static boolean viaHttpProxy(Chain chain) {
    Connection connection = chain.connection();
    return connection != null && connection.route().proxy().type() == Proxy.Type.HTTP;
  }
}

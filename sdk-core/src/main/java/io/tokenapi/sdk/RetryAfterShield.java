package io.tokenapi.sdk;

import java.io.IOException;
import okhttp3.Headers;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Hides {@code Retry-After} on 503 answers from OkHttp's own follow-up logic, which silently repeats a request once
 * when a 503 says {@code Retry-After: 0}. The SDK's retry policy owns every retry, so that repeat would double the
 * provider's load and skew the attempt count. Installed as a network interceptor, so it runs before OkHttp looks.
 */
final class RetryAfterShield implements Interceptor {
  static final String SHIELDED_HEADER = "X-TokenApi-Retry-After";

  @Override
  public Response intercept(Chain chain) throws IOException {
    Response response = chain.proceed(chain.request());
    if (response.code() != 503) {
      return response;
    }
    String retryAfter = response.header("Retry-After");
    if (retryAfter == null) {
      return response;
    }
    // addUnsafeNonAscii: the value is the server's, and a strict header check must not turn it into a crash.
    Headers headers = response.headers().newBuilder()
        .removeAll("Retry-After")
        .addUnsafeNonAscii(SHIELDED_HEADER, retryAfter)
        .build();
    return response.newBuilder().headers(headers).build();
  }
}

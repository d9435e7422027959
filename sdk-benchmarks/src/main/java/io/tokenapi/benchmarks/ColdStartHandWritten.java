package io.tokenapi.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenapi.testkit.FakeTokenServer;
import okhttp3.OkHttpClient;

/**
 * Benchmark 6, baseline program: fetch one token with hand-written OkHttp + Jackson and say so on
 * stdout. Run by {@link ColdStartHarness} in a fresh JVM; argument: the server's base URL.
 */
public final class ColdStartHandWritten {

  private ColdStartHandWritten() {}

  /**
   * Fetches one token and prints {@code TOKEN <expiry>}.
   *
   * @param args the base URL of the token server
   * @throws Exception if the request fails
   */
  public static void main(String[] args) throws Exception {
    OkHttpClient httpClient = new OkHttpClient();
    HandWrittenTokenClient client =
        new HandWrittenTokenClient(
            httpClient,
            new ObjectMapper(),
            args[0] + FakeTokenServer.DEFAULT_TOKEN_PATH,
            Credentials.CLIENT_ID,
            Credentials.CLIENT_SECRET);
    HandWrittenTokenClient.Token token = client.fetch();
    System.out.println("TOKEN " + token.expiresAt());
    System.out.flush();
    httpClient.dispatcher().executorService().shutdown();
    httpClient.connectionPool().evictAll();
  }
}

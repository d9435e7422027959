package io.tokenapi.benchmarks;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;

/**
 * Benchmark 6, our program: the README quickstart, fetching one token and saying so on stdout. Run
 * by {@link ColdStartHarness} in a fresh JVM; argument: the server's base URL.
 */
public final class ColdStartOurs {

  private ColdStartOurs() {}

  /**
   * Fetches one token and prints {@code TOKEN <expiry>}.
   *
   * @param args the base URL of the token server
   */
  public static void main(String[] args) {
    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(args[0])
            .clientId(Credentials.CLIENT_ID)
            .clientSecret(Credentials.CLIENT_SECRET)
            .build()) {
      AccessToken token = client.getToken();
      System.out.println("TOKEN " + token.expiresAt());
      System.out.flush();
    }
  }
}

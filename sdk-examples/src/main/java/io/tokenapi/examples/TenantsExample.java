package io.tokenapi.examples;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.ConflictException;
import io.tokenapi.sdk.OAuthClientListener;
import io.tokenapi.sdk.RetryPolicy;
import io.tokenapi.sdk.TenantCredentials;
import io.tokenapi.sdk.TenantTokens;
import io.tokenapi.sdk.okhttp.TenantBearerTokenInterceptor;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * {@link TenantTokens}: tokens for many merchants, each with its own client credentials, from one
 * object with one set of threads; and {@link TenantBearerTokenInterceptor}, which sends each
 * request's merchant's token. One merchant's failure leaves the others' tokens alone.
 */
public final class TenantsExample {
  /** Stands in for your secrets store: merchant to client id and secret. */
  private static final Map<String, String[]> VAULT =
      Map.of(
          "merchant-1", new String[] {"client-1", "secret-1"},
          "merchant-2", new String[] {"client-2", "secret-2"},
          "merchant-3", new String[] {"client-3", "secret-3"});

  private TenantsExample() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   * @throws IOException if a resource call fails
   */
  public static void main(String[] args) throws IOException {
    try (FakeTokenServer server = new FakeTokenServer().start()) {
      VAULT.values().forEach(c -> server.client(c[0], c[1]));
      String baseUrl = server.baseUrl();
      // README tenants: begin
      try (TenantTokens tokens =
          TenantTokens.builder()
              .baseUrl(baseUrl)
              .credentials(
                  merchant -> {
                    String[] c = VAULT.get(merchant); // your secrets store
                    return TenantCredentials.clientSecret(c[0], c[1]);
                  })
              .maxTenants(100_000) // least recently used merchants dropped beyond it
              .evictAfterIdle(Duration.ofHours(2))
              .maxConcurrentRequests(64) // token requests in flight across all merchants
              .retryPolicy(RetryPolicy.none())
              .build()) {
        AccessToken one = tokens.getToken("merchant-1");
        AccessToken two = tokens.getTokenAsync("merchant-2").join();
        // README tenants: end
        System.out.println("merchant-1: " + one);
        System.out.println("merchant-2: " + two);
        System.out.println("merchant-1 again, cached: " + (tokens.getToken("merchant-1") == one));
        System.out.println("Token requests: " + server.requestCount());

        server.failClient("client-3", 409, "CONFLICT", "conflict");
        try {
          tokens.getToken("merchant-3");
        } catch (ConflictException e) {
          System.out.println("merchant-3: " + e.getClass().getSimpleName());
        }
        System.out.println(
            "merchant-1 after merchant-3 failed: "
                + tokens.status("merchant-1").state()
                + ", same token: "
                + (tokens.getToken("merchant-1") == one));

        try (FakeTokenServer api = new FakeTokenServer().start()) {
          // README tenants-interceptor: begin
          OkHttpClient http =
              new OkHttpClient.Builder()
                  .addInterceptor(
                      TenantBearerTokenInterceptor.builder(tokens)
                          .tenantFrom(request -> request.tag(String.class))
                          .allowHost("127.0.0.1")
                          .build())
                  .build();
          Request payments =
              new Request.Builder()
                  .url(api.baseUrl() + "/v1/payments")
                  .tag(String.class, "merchant-2")
                  .build();
          // README tenants-interceptor: end
          try (Response response = http.newCall(payments).execute()) {
            String sent = response.request().header("Authorization");
            System.out.println(
                "Resource call for merchant-2 carried merchant-2's token: "
                    + two.authorizationHeader().equals(sent));
          }
        }
        System.out.println("Tenants held: " + tokens.size());
      }
      logPerMerchant(baseUrl);
    }
  }

  /** Events and status that name their merchant, for logs and health. */
  private static void logPerMerchant(String baseUrl) {
    // README tenants-listener: begin
    try (TenantTokens tokens =
        TenantTokens.builder()
            .baseUrl(baseUrl)
            .credentials(merchant -> TenantCredentials.clientSecret(id(merchant), secret(merchant)))
            // Called on the SDK's event thread, once per merchant while it is held.
            .tenantListener(
                merchant ->
                    new OAuthClientListener() {
                      @Override
                      public void onFetchEnded(FetchEnded event) {
                        System.out.println(
                            "token fetch for "
                                + merchant
                                + (event.failure() == null
                                    ? " done"
                                    : " failed: " + event.failure().getClass().getSimpleName()));
                      }
                    })
            .build()) {
      tokens.getToken("merchant-1");
      // TokenStatus[tenant='merchant-1', state=FRESH, ...]
      System.out.println(tokens.status("merchant-1"));
    }
    // README tenants-listener: end
  }

  private static String id(String merchant) {
    return VAULT.get(merchant)[0];
  }

  private static String secret(String merchant) {
    return VAULT.get(merchant)[1];
  }
}

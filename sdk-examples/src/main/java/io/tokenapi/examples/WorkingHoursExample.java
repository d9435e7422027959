package io.tokenapi.examples;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthClientListener;
import io.tokenapi.sdk.RetryPolicy;
import io.tokenapi.testkit.FakeTokenServer;
import java.time.Duration;
import java.time.Instant;

/**
 * A batch job that starts while the provider is closed (503 with {@code Retry-After}) and waits for
 * it to reopen instead of failing. Here the closure lasts about a second; a nightly job would allow
 * hours: {@code RetryPolicy.builder().maxWait(Duration.ofHours(14))}, and {@code
 * .workingHours(WorkingHours.of(zone, opens, closes, days))} when the provider's 503 has no {@code
 * Retry-After}.
 */
public final class WorkingHoursExample {
  private WorkingHoursExample() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    try (FakeTokenServer tokens = new FakeTokenServer().start()) {
      Instant reopensAt = Instant.now().plusSeconds(1);
      // Closed until reopensAt: 503 with the provider's envelope and Retry-After in seconds.
      tokens.closedWhen(now -> now.isBefore(reopensAt), now -> reopensAt);

      RetryPolicy patient = RetryPolicy.builder().maxWait(Duration.ofHours(14)).build();
      try (OAuthClient client =
          OAuthClient.builder()
              .baseUrl(tokens.baseUrl())
              .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
              .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
              .retryPolicy(patient)
              .listener(
                  new OAuthClientListener() {
                    @Override
                    public void onRetryScheduled(RetryScheduled event) {
                      System.out.println(
                          "Job: the token API is closed; the client waits "
                              + event.delay().toMillis() / 1000.0
                              + " s, as its Retry-After says");
                    }
                  })
              .build()) {
        long start = System.nanoTime();
        System.out.println("Job: starting; the token API is closed for about a second");
        AccessToken token = client.getToken();
        double waited = (System.nanoTime() - start) / 1e9;
        System.out.printf("Job: resumed after %.1f s with %s%n", waited, token);
        System.out.println(
            "Job: token requests: " + tokens.requestCount() + " (one 503, then the token)");
      }
    }
  }
}

package io.tokenapi.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tokenapi.testkit.FakeTokenServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs each example's main against the fake token server and checks what it printed. */
@Timeout(30)
class ExamplesTest {
  private static final String[] NO_ARGS = {};

  interface Main {
    void run() throws Exception;
  }

  /** Runs {@code main} with System.out captured; echoes the output so the build log shows it. */
  private static String printedBy(Main main) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, UTF_8));
    long start = System.nanoTime();
    try {
      main.run();
    } finally {
      System.setOut(original);
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    String out = bytes.toString(UTF_8);
    original.print(out);
    assertThat(millis).as("the example finishes by itself in a few seconds").isLessThan(10_000);
    // Examples print tokens only redacted, and never the secret.
    assertThat(out)
        .doesNotContain("fake-token-")
        .doesNotContain(FakeTokenServer.DEFAULT_CLIENT_SECRET);
    return out;
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void quickstart_printsARedactedToken_aCacheHit_andTwoTypedErrors() throws Exception {
    assumeTrue(
        System.getenv("TOKENAPI_BASE_URL") == null
            || System.getenv("TOKENAPI_CLIENT_ID") == null
            || System.getenv("TOKENAPI_CLIENT_SECRET") == null,
        "TOKENAPI_* variables are set: Quickstart would call the real API");

    String out = printedBy(() -> Quickstart.main(NO_ARGS));

    assertThat(out).containsPattern("Token API: FakeTokenServer at http://127\\.0\\.0\\.1:\\d+ ");
    assertThat(out)
        .containsPattern("Token: {3}AccessToken\\[type=Bearer, expiresAt=\\S+, value=<redacted>]");
    assertThat(out).contains("Cached:  true").contains("Requests to the token API: 1");
    assertThat(out)
        .contains("HTTP 409 -> ConflictException (retried: no)")
        .contains("code=CONFLICT, errorId=fake-error-1");
    assertThat(out)
        .containsPattern("HTTP 503 -> ServiceUnavailableException \\(retryAt: \\d{4}-\\S+Z\\)")
        .contains("code=SERVICE_UNAVAILABLE");
    assertThat(out).doesNotContain("..");
  }

  @Test
  void resourceCallExample_sendsTheTokenOnlyToTheAllowedHost_andRenewsItAfter401()
      throws Exception {
    String out = printedBy(() -> ResourceCallExample.main(NO_ARGS));

    assertThat(count(out, "GET http://localhost:\\d+/v1/accounts -> 200 \\{\"accounts\""))
        .isEqualTo(3);
    assertThat(out).contains("token requests so far: 2");
    assertThat(out)
        .containsPattern(
            "GET http://127\\.0\\.0\\.1:\\d+/v1/accounts -> 401 \\{\"error\":\"no token\"}   <- not an allowed host");
  }

  @Test
  void workingHoursExample_waitsForTheReopening_thenGetsAToken() throws Exception {
    String out = printedBy(() -> WorkingHoursExample.main(NO_ARGS));

    assertThat(out).containsPattern("the client waits \\d\\.\\d+ s, as its Retry-After says");
    Matcher resumed =
        Pattern.compile("Job: resumed after (\\d+\\.\\d) s with AccessToken\\[").matcher(out);
    assertThat(resumed.find()).as("prints when it resumes").isTrue();
    assertThat(Double.parseDouble(resumed.group(1))).isBetween(0.5, 5.0);
    assertThat(out).contains("Job: token requests: 2 (one 503, then the token)");
  }

  @Test
  void asyncExample_sharesOneRequestAmongAllCallers_andDeliversTypedFailures() throws Exception {
    String out = printedBy(() -> AsyncExample.main(NO_ARGS));

    assertThat(out).contains("50 async callers got 1 token from 1 token request");
    assertThat(out)
        .contains("thenApply(AccessToken::authorizationHeader) -> \"Bearer <12 characters>\"");
    assertThat(out).contains("after a 409: failed with ConflictException");
  }

  @Test
  void metricsExample_printsThePrometheusScrape_withTheStatusGaugesAndZeroCounters()
      throws Exception {
    String out = printedBy(() -> MetricsExample.main(NO_ARGS));

    assertThat(out).contains("Token requests: 5 (one 503, one 500)");
    assertThat(out)
        .contains("tokenapi_token_state{client_name=\"payments\",state=\"fresh\"} 1.0")
        .contains("tokenapi_token_state{client_name=\"payments\",state=\"expired\"} 0.0")
        .containsPattern(
            "tokenapi_token_time_to_expiry_seconds\\{client_name=\"payments\"} 3\\d{3}\\.")
        .contains("tokenapi_token_stale_served_total{client_name=\"payments\"} 0.0")
        .contains(
            "tokenapi_token_store_events_total{client_name=\"payments\",kind=\"fallback\"} 0.0")
        .doesNotContain(FakeTokenServer.DEFAULT_CLIENT_ID);
  }

  @Test
  void metricsExample_showsTheSuccessTheClosureAndTheRetry_inTheScrape() throws Exception {
    String out = printedBy(() -> MetricsExample.main(NO_ARGS));

    assertThat(out)
        .contains(
            "tokenapi_token_requests_seconds_count{client_name=\"payments\",error=\"none\","
                + "outcome=\"success\",source=\"provider\",status_class=\"2xx\"} 3")
        .contains(
            "tokenapi_token_attempts_seconds_count{client_name=\"payments\",error=\"none\","
                + "outcome=\"success\",status=\"200\"} 3")
        .contains(
            "tokenapi_token_attempts_seconds_count{client_name=\"payments\","
                + "error=\"ServiceUnavailableException\",outcome=\"http_error\",status=\"503\"} 1")
        .contains(
            "tokenapi_token_retries_total{client_name=\"payments\",reason=\"retry_after\"} 1.0")
        .contains("tokenapi_token_retries_total{client_name=\"payments\",reason=\"backoff\"} 1.0")
        .contains(
            "tokenapi_token_reopening_wait_seconds_count{client_name=\"payments\","
                + "reason=\"retry_after\"} 1")
        .containsPattern(
            "tokenapi_token_reopening_wait_seconds_sum\\{client_name=\"payments\","
                + "reason=\"retry_after\"} (0\\.9|1\\.0)");
  }

  @Test
  void tenantsExample_onePerMerchant_cached_isolated_andSentByTheInterceptor() throws Exception {
    String out = printedBy(() -> TenantsExample.main(NO_ARGS));

    assertThat(out)
        .containsPattern("merchant-1: AccessToken\\[type=Bearer, expiresAt=\\S+, value=<redacted>]")
        .contains("merchant-1 again, cached: true")
        .contains("Token requests: 2")
        .contains("merchant-3: ConflictException")
        .contains("merchant-1 after merchant-3 failed: FRESH, same token: true")
        .contains("Resource call for merchant-2 carried merchant-2's token: true")
        .contains("Tenants held: 3")
        .doesNotContain("secret-");
  }
}

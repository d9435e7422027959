package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tokenapi.testkit.MutableClock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each caller gets its own exception for a failed refresh: same type, message and fields, so one
 * caller's {@code addSuppressed} (try-with-resources) or stack never shows up in another's, and the
 * failure the client remembers is not one a caller can change.
 */
class PerCallerExceptionTest {
  @RegisterExtension final CacheTestClients clients = new CacheTestClients("percaller");
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));

  private OAuthClient client() {
    return clients.build(
        clients.builder(clock, new OAuthClientListener() {}).retryPolicy(RetryPolicy.none()));
  }

  @Test
  void rememberedFailure_eachCallerGetsItsOwnException_andSuppressedOnesDoNotLeak() {
    clients.tokens.failEveryRequest(500, "TEST", "scripted failure");
    OAuthClient client = client();

    InternalServerErrorException first =
        catchThrowableOfType(InternalServerErrorException.class, client::getToken);
    first.addSuppressed(new IllegalStateException("first caller's cleanup failed"));
    InternalServerErrorException second =
        catchThrowableOfType(InternalServerErrorException.class, client::getToken);
    InternalServerErrorException third =
        catchThrowableOfType(InternalServerErrorException.class, client::getToken);

    assertThat(clients.tokens.requestCount()).as("the failure is remembered").isEqualTo(1);
    assertThat(second).isNotSameAs(first).isNotSameAs(third);
    assertThat(second.getSuppressed()).isEmpty();
    assertThat(third.getSuppressed()).isEmpty();
    assertThat(second.getMessage()).isEqualTo(first.getMessage());
    assertThat(second.statusCode()).isEqualTo(500);
    assertThat(second.error().map(ApiError::errorId))
        .isEqualTo(first.error().map(ApiError::errorId));
    assertThat(second.error().map(ApiError::code)).isEqualTo(first.error().map(ApiError::code));
    assertThat(second.isRetryable()).isTrue();
  }

  @Test
  void waitingCallersOfOneFailedRefresh_eachGetTheirOwnException() throws Exception {
    clients.tokens.holdAnswers().failEveryRequest(409, "TEST", "scripted failure");
    OAuthClient client = client();
    CompletableFuture<AccessToken> a = client.getTokenAsync();
    CompletableFuture<AccessToken> b = client.getTokenAsync();
    clients.tokens.awaitRequestCount(1);
    clients.tokens.releaseAnswers();

    ConflictException ea = cause(a);
    ConflictException eb = cause(b);

    assertThat(clients.tokens.requestCount()).isEqualTo(1);
    assertThat(ea).isNotSameAs(eb);
    assertThat(ea.getMessage()).isEqualTo(eb.getMessage());
    assertThat(ea.error().map(ApiError::errorId)).isEqualTo(eb.error().map(ApiError::errorId));
    ea.addSuppressed(new IllegalStateException("a's cleanup"));
    assertThat(eb.getSuppressed()).isEmpty();
  }

  private static ConflictException cause(CompletableFuture<AccessToken> future) {
    ExecutionException e =
        catchThrowableOfType(ExecutionException.class, () -> future.get(5, TimeUnit.SECONDS));
    assertThat(e).isNotNull();
    assertThat(e.getCause()).isInstanceOf(ConflictException.class);
    return (ConflictException) e.getCause();
  }
}

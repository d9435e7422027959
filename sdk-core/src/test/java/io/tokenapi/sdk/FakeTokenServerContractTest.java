package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tokenapi.testkit.FakeTokenServer;
import io.tokenapi.testkit.RecordedTokenRequest;
import io.tokenapi.testkit.junit5.FakeTokenServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The SDK against the testkit's fake provider: the same fake users get for their own tests. */
class FakeTokenServerContractTest {
  @RegisterExtension final FakeTokenServerExtension extension = new FakeTokenServerExtension();

  private OAuthClient client(FakeTokenServer server, ClientAuthentication mode, String secret) {
    return OAuthClient.builder()
        .baseUrl(server.baseUrl())
        .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
        .clientSecret(secret)
        .clientAuthentication(mode)
        .retryPolicy(RetryPolicy.none())
        .build();
  }

  @ParameterizedTest
  @EnumSource(ClientAuthentication.class)
  void everyAuthenticationMode_getsATokenTheServerIssued(ClientAuthentication mode) {
    FakeTokenServer server = extension.server();
    try (OAuthClient client = client(server, mode, FakeTokenServer.DEFAULT_CLIENT_SECRET)) {
      AccessToken token = client.getToken();
      assertThat(server.isValid(token.value())).isTrue();
      assertThat(token.expiresAt()).isAfter(java.time.Instant.now().plus(Duration.ofMinutes(59)));
      assertThat(client.getToken()).isSameAs(token);
    }
    RecordedTokenRequest request = server.takeRequest();
    assertThat(request.authStyle().name()).isEqualTo(mode.name());
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(ClientAuthentication.class)
  void wrongSecret_isA401ApiException_withoutTheSecretInTheMessage(ClientAuthentication mode) {
    FakeTokenServer server = extension.server();
    try (OAuthClient client = client(server, mode, "wrong-secret-value")) {
      ApiException e = catchThrowableOfType(ApiException.class, client::getToken);
      assertThat(e.statusCode()).isEqualTo(401);
      assertThat(e.error().orElseThrow().code()).isEqualTo("invalid_client");
      assertThat(e.getMessage()).doesNotContain("wrong-secret-value");
    }
  }

  @Test
  void conflict_isConflictException_andNotRetried() {
    FakeTokenServer server = extension.server();
    server.enqueueConflict();
    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(server.baseUrl())
            .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
            .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
            .build()) {
      catchThrowableOfType(ConflictException.class, client::getToken);
    }
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void serverError_isRetried_andTheNextAnswerWins() {
    FakeTokenServer server = extension.server();
    server.enqueueServerError();
    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(server.baseUrl())
            .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
            .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
            .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(20)).build())
            .build()) {
      assertThat(server.isValid(client.getToken().value())).isTrue();
    }
    assertThat(server.requestCount()).isEqualTo(2);
  }
}

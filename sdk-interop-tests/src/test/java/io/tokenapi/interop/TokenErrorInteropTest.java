package io.tokenapi.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tokenapi.sdk.ApiException;
import io.tokenapi.sdk.ClientAuthentication;
import io.tokenapi.sdk.OAuthClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Spring Authorization Server's RFC 6749 5.2 error responses become ApiExceptions with the server's
 * {@code error} as {@code ApiError.code()}. Spring sends no {@code error_description} for these
 * errors.
 */
class TokenErrorInteropTest {

  @RegisterExtension static final InteropServer server = new InteropServer();

  @ParameterizedTest
  @EnumSource(names = {"CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST"})
  void getToken_withWrongSecret_throws401InvalidClientWithoutRetrying(ClientAuthentication method) {
    ApiException failure =
        failureOf(server.client(method, InteropClients.idFor(method), "wrong-secret").build());

    assertThat(failure.statusCode()).isEqualTo(401);
    assertThat(failure.error())
        .hasValueSatisfying(
            error -> {
              assertThat(error.code()).isEqualTo("invalid_client");
              assertThat(error.text())
                  .isNull(); // Spring sends {"error":"invalid_client"} and no error_description
            });
    assertThat(failure.getMessage())
        .contains("401")
        .contains("invalid_client")
        .doesNotContain("wrong-secret");
    assertThat(server.tokenRequestCount()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(names = {"CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST"})
  void getToken_forUnknownClient_throws401InvalidClient(ClientAuthentication method) {
    ApiException failure =
        failureOf(server.client(method, "no-such-client", "some-secret").build());

    assertThat(failure.statusCode()).isEqualTo(401);
    assertThat(failure.error())
        .hasValueSatisfying(error -> assertThat(error.code()).isEqualTo("invalid_client"));
  }

  @Test
  void getToken_withClientSecretPostForClientRegisteredForBasic_throws401InvalidClient() {
    ApiException failure =
        failureOf(
            server
                .client(
                    ClientAuthentication.CLIENT_SECRET_POST,
                    InteropClients.BASIC_ID,
                    InteropClients.BASIC_SECRET)
                .build());

    assertThat(failure.statusCode()).isEqualTo(401);
    assertThat(failure.error())
        .hasValueSatisfying(error -> assertThat(error.code()).isEqualTo("invalid_client"));
  }

  @ParameterizedTest
  @EnumSource(names = {"CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST"})
  void getToken_forClientWithoutClientCredentialsGrant_throws400UnauthorizedClient(
      ClientAuthentication method) {
    ApiException failure =
        failureOf(
            server
                .client(method, InteropClients.CODE_ONLY_ID, InteropClients.CODE_ONLY_SECRET)
                .build());

    assertThat(failure.statusCode()).isEqualTo(400);
    assertThat(failure.error())
        .hasValueSatisfying(error -> assertThat(error.code()).isEqualTo("unauthorized_client"));
    assertThat(failure.getMessage()).contains("HTTP 400").contains("unauthorized_client");
    assertThat(server.tokenRequestCount()).isEqualTo(1);
  }

  @Test
  void getToken_withScopeNotRegisteredForClient_throws400InvalidScope() {
    ApiException failure =
        failureOf(
            server
                .client(ClientAuthentication.CLIENT_SECRET_BASIC)
                .scope("payments.admin")
                .build());

    assertThat(failure.statusCode()).isEqualTo(400);
    assertThat(failure.error())
        .hasValueSatisfying(error -> assertThat(error.code()).isEqualTo("invalid_scope"));
  }

  @ParameterizedTest
  @EnumSource(names = {"CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST"})
  void getToken_withNonAsciiClientId_throws400InvalidRequest(ClientAuthentication method) {
    ApiException failure =
        failureOf(server.client(method, InteropClients.NON_ASCII_ID, "some-secret").build());

    assertThat(failure.statusCode()).isEqualTo(400);
    assertThat(failure.error())
        .hasValueSatisfying(error -> assertThat(error.code()).isEqualTo("invalid_request"));
  }

  private static ApiException failureOf(OAuthClient client) {
    try (client) {
      ApiException failure = catchThrowableOfType(ApiException.class, client::getToken);
      assertThat(failure).as("getToken() throws ApiException").isNotNull();
      return failure;
    }
  }
}

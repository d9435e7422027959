package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Builder validation: clear typed exceptions, never a NullPointerException. */
class OAuthClientBuilderTest {
  private static OAuthClient.Builder valid() {
    return OAuthClient.builder()
        .baseUrl("https://api.example.com")
        .clientId("id")
        .clientSecret("secret-xyz");
  }

  @Test
  void build_withoutBaseUrl_isIllegalState() {
    assertThatThrownBy(() -> OAuthClient.builder().clientId("id").clientSecret("s").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("baseUrl is not set");
  }

  @Test
  void build_withoutClientId_isIllegalState() {
    assertThatThrownBy(
            () -> OAuthClient.builder().baseUrl("https://a.example").clientSecret("s").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clientId is not set");
  }

  @Test
  void build_withoutClientSecret_isIllegalState() {
    assertThatThrownBy(
            () -> OAuthClient.builder().baseUrl("https://a.example").clientId("id").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clientSecret is not set");
  }

  @Test
  void nullArguments_areIllegalArguments_namingTheArgument() {
    OAuthClient.Builder b = OAuthClient.builder();
    assertThatThrownBy(() -> b.baseUrl((String) null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("baseUrl == null");
    assertThatThrownBy(() -> b.baseUrl((okhttp3.HttpUrl) null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.clientId(null)).hasMessage("clientId == null");
    assertThatThrownBy(() -> b.clientSecret(null)).hasMessage("clientSecret == null");
    assertThatThrownBy(() -> b.clock(null)).hasMessage("clock == null");
    assertThatThrownBy(() -> b.retryPolicy(null)).hasMessage("retryPolicy == null");
    assertThatThrownBy(() -> b.workingHours(null)).hasMessage("workingHours == null");
    assertThatThrownBy(() -> b.listener(null)).hasMessage("listener == null");
    assertThatThrownBy(() -> b.httpClient(null)).hasMessage("httpClient == null");
    assertThatThrownBy(() -> b.clientAuthentication(null))
        .hasMessage("clientAuthentication == null");
    assertThatThrownBy(() -> b.refreshAhead(null)).hasMessage("refreshAhead == null");
    assertThatThrownBy(() -> b.tokenPath(null)).hasMessage("tokenPath == null");
  }

  @Test
  void badValues_areIllegalArguments() {
    OAuthClient.Builder b = OAuthClient.builder();
    assertThatThrownBy(() -> b.baseUrl("not a url"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an http or https URL");
    assertThatThrownBy(() -> b.baseUrl("ftp://x.example"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.baseUrl("https://user:pw@x.example"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user info")
        .hasMessageNotContaining("pw");
    assertThatThrownBy(() -> b.clientId(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.scope("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.tokenPath("/x?y=1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.refreshAhead(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.defaultTokenLifetime(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.callTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxResponseBytes(10)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void plainHttp_toRemoteHost_isRefusedAtBuild() {
    assertThatThrownBy(() -> valid().baseUrl("http://api.example.com").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("http://")
        .hasMessageContaining("allowInsecureHttp()");
  }

  @Test
  void plainHttp_toRemoteHost_isAllowedWhenAskedFor() {
    try (OAuthClient client =
        valid().baseUrl("http://api.example.com").allowInsecureHttp().build()) {
      assertThat(client).isNotNull();
    }
  }

  @Test
  void plainHttp_toLoopback_isAllowed() {
    for (String url :
        new String[] {
          "http://localhost:8080", "http://127.0.0.1:1", "http://[::1]:9", "http://127.1.2.3"
        }) {
      try (OAuthClient client = valid().baseUrl(url).build()) {
        assertThat(client).isNotNull();
      }
    }
  }

  @Test
  void toString_showsIdAndUrl_neverTheSecret() {
    try (OAuthClient client = valid().build()) {
      assertThat(client.toString())
          .contains("id")
          .contains("https://api.example.com:443/v1/oauth/token")
          .doesNotContain("secret-xyz");
    }
  }

  @Test
  void retryPolicyBuilder_validates() {
    assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryPolicy.builder().maxWait(null)).hasMessage("maxWait == null");
    assertThatThrownBy(
            () ->
                RetryPolicy.builder()
                    .initialBackoff(Duration.ofSeconds(10))
                    .maxBackoff(Duration.ofSeconds(1))
                    .build())
        .isInstanceOf(IllegalStateException.class);
    assertThat(RetryPolicy.defaults().maxAttempts()).isEqualTo(4);
    assertThat(RetryPolicy.defaults().maxWait()).isEqualTo(Duration.ofSeconds(60));
    assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
  }
}

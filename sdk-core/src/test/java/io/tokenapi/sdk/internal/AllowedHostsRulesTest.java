package io.tokenapi.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one host rule of every resource-call integration, against bad and hostile input. */
class AllowedHostsRulesTest {

  @Test
  void matchesExactHosts_inCanonicalForm_only() {
    AllowedHosts hosts =
        new AllowedHosts(
            Set.of(
                AllowedHosts.canonical("API.Example.com"),
                AllowedHosts.canonical("[::1]"),
                AllowedHosts.canonical("bücher.example")),
            false);

    assertThat(hosts.hosts())
        .containsExactlyInAnyOrder("api.example.com", "::1", "xn--bcher-kva.example");
    assertThat(hosts.allows("api.example.com")).isTrue();
    assertThat(hosts.allows("API.EXAMPLE.COM")).isTrue();
    assertThat(hosts.allows("[::1]")).isTrue();
    assertThat(hosts.allows("bücher.example")).isTrue();
    assertThat(hosts.allows("evil.api.example.com")).isFalse();
    assertThat(hosts.allows("api.example.com.evil.com")).isFalse();
    assertThat(hosts.allows("example.com")).isFalse();
    assertThat(hosts.allows(null)).isFalse();
    assertThat(hosts.allows("api.example.com\r\nX: y")).isFalse();
    assertThat(hosts.allows("x".repeat(100_000))).isFalse();
  }

  @Test
  void plainHttp_onlyToLoopback_unlessAllowed() {
    AllowedHosts strict = new AllowedHosts(Set.of("api.example.com", "localhost"), false);
    AllowedHosts lax = new AllowedHosts(Set.of("api.example.com"), true);

    assertThat(strict.refusal("https", "api.example.com")).isNull();
    assertThat(strict.refusal("http", "localhost")).isNull();
    assertThat(strict.refusal("http", "api.example.com"))
        .isEqualTo(
            "Refusing to send a bearer token over http:// to api.example.com: use https://, or"
                + " build with allowInsecureHttp() if this network is trusted.");
    assertThat(lax.refusal("http", "api.example.com")).isNull();
    assertThat(lax).hasToString("[api.example.com], allowInsecureHttp");
  }

  @Test
  void badHosts_failWithAMessageThatSaysWhatToDo_withoutControlCharacters() {
    assertThatThrownBy(() -> AllowedHosts.canonical(null)).hasMessage("host == null");
    for (String bad : List.of("", "https://api.example.com", "api.example.com:443", "a/b", "a b")) {
      assertThatThrownBy(() -> AllowedHosts.canonical(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected something like \"api.example.com\"");
    }
    assertThatThrownBy(() -> AllowedHosts.canonical("evil\r\nSet-Cookie: x"))
        .message()
        .doesNotContain("\r", "\n");
    assertThatThrownBy(() -> AllowedHosts.canonical("h".repeat(100_000) + " "))
        .message()
        .hasSizeLessThan(400);
  }
}

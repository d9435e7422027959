package io.tokenapi.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one loopback check the client and the interceptor share: textual, no DNS, no lookalikes. */
class LoopbackTest {
  @Test
  void loopbackHosts_areRecognised() {
    assertThat(Loopback.isLoopback("localhost")).isTrue();
    assertThat(Loopback.isLoopback("LOCALHOST")).isTrue();
    assertThat(Loopback.isLoopback("127.0.0.1")).isTrue();
    assertThat(Loopback.isLoopback("127.1.2.3")).isTrue();
    assertThat(Loopback.isLoopback("::1")).isTrue();
  }

  @Test
  void loopbackCheck_doesNotTrustLookalikeHosts() {
    assertThat(Loopback.isLoopback("127.0.0.1.evil.example")).isFalse();
    assertThat(Loopback.isLoopback("localhost.evil.example")).isFalse();
    assertThat(Loopback.isLoopback("1270.0.0.1")).isFalse();
    assertThat(Loopback.isLoopback("127.0.0.1.2")).isFalse();
    assertThat(Loopback.isLoopback("127.0.0.256")).isFalse();
    assertThat(Loopback.isLoopback("10.0.0.1")).isFalse();
  }
}

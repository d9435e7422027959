package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void defaults_areDocumentedValues() {
    RetryPolicy p = RetryPolicy.defaults();

    assertThat(p.maxAttempts()).isEqualTo(4);
    assertThat(p.initialBackoff()).isEqualTo(Duration.ofMillis(500));
    assertThat(p.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.maxWait()).isEqualTo(Duration.ofSeconds(60));
    assertThat(p.retries()).isTrue();
    assertThat(RetryPolicy.builder().build()).isEqualTo(p).hasSameHashCodeAs(p);
  }

  @Test
  void none_makesOneAttemptAndNeverWaits() {
    RetryPolicy none = RetryPolicy.none();

    assertThat(none.maxAttempts()).isEqualTo(1);
    assertThat(none.maxWait()).isEqualTo(Duration.ZERO);
    assertThat(none.retries()).isFalse();
    assertThat(none).isNotEqualTo(RetryPolicy.defaults());
  }

  @Test
  void builder_setsEverySetting() {
    RetryPolicy p =
        RetryPolicy.builder()
            .maxAttempts(7)
            .initialBackoff(Duration.ofMillis(100))
            .maxBackoff(Duration.ofSeconds(5))
            .maxWait(Duration.ofHours(14))
            .build();

    assertThat(p.maxAttempts()).isEqualTo(7);
    assertThat(p.initialBackoff()).isEqualTo(Duration.ofMillis(100));
    assertThat(p.maxBackoff()).isEqualTo(Duration.ofSeconds(5));
    assertThat(p.maxWait()).isEqualTo(Duration.ofHours(14));
    assertThat(p.toString())
        .isEqualTo(
            "RetryPolicy[maxAttempts=7, initialBackoff=PT0.1S, maxBackoff=PT5S, maxWait=PT14H]");
  }

  @Test
  void builder_rejectsNonsense_withMessagesNamingTheSetting() {
    RetryPolicy.Builder b = RetryPolicy.builder();

    assertThatThrownBy(() -> b.maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> b.initialBackoff(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("initialBackoff == null");
    assertThatThrownBy(() -> b.maxBackoff(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBackoff");
    assertThatThrownBy(() -> b.maxWait(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxWait");
    assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(Duration.ofMinutes(1)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("initialBackoff");
  }

  @Test
  void maxWait_ofCenturies_isAccepted_andDoesNotOverflowTheDeadline() {
    RetryPolicy p = RetryPolicy.builder().maxWait(Duration.ofSeconds(Long.MAX_VALUE)).build();

    assertThat(Backoff.millis(p.maxWait())).isEqualTo(Long.MAX_VALUE);
  }

  /**
   * DESIGN: no resilience4j type in a public signature, and no checked exception thrown by the
   * public API.
   */
  @Test
  void publicApi_exposesNoResilience4jType_andNoCheckedException() {
    List<String> problems = new ArrayList<>();
    for (Class<?> type :
        List.of(
            RetryPolicy.class,
            RetryPolicy.Builder.class,
            OAuthClient.class,
            OAuthClient.Builder.class,
            OAuthClientListener.class,
            WorkingHours.class,
            ServiceUnavailableException.class,
            ApiException.class,
            OAuthException.class,
            TransportException.class)) {
      List<Executable> members = new ArrayList<>(List.of(type.getDeclaredMethods()));
      members.addAll(List.of(type.getDeclaredConstructors()));
      for (Executable m : members) {
        if (!Modifier.isPublic(m.getModifiers())) {
          continue;
        }
        List<Type> types = new ArrayList<>(List.of(m.getGenericParameterTypes()));
        if (m instanceof Method) {
          types.add(((Method) m).getGenericReturnType());
        }
        for (Type t : types) {
          if (t.getTypeName().contains("resilience4j")) {
            problems.add(type.getSimpleName() + "." + m.getName() + " uses " + t.getTypeName());
          }
        }
        for (Class<?> thrown : m.getExceptionTypes()) {
          if (!RuntimeException.class.isAssignableFrom(thrown)
              && !Error.class.isAssignableFrom(thrown)) {
            problems.add(type.getSimpleName() + "." + m.getName() + " throws " + thrown.getName());
          }
        }
      }
      for (Field f : type.getDeclaredFields()) {
        if (Modifier.isPublic(f.getModifiers()) && f.getType().getName().contains("resilience4j")) {
          problems.add(type.getSimpleName() + "." + f.getName());
        }
      }
      assertThat(type.getSuperclass() == null ? "" : type.getSuperclass().getName())
          .doesNotContain("resilience4j");
    }
    assertThat(problems).isEmpty();
  }
}

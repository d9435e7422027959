package io.tokenapi.sdk.spring;

import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when any {@code tokenapi.client.*} or {@code tokenapi.clients.*} property is set. */
final class OnTokenApiClientsCondition extends SpringBootCondition {
  private static final Bindable<Map<String, String>> ANY =
      Bindable.mapOf(String.class, String.class);

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    for (String prefix : new String[] {"tokenapi.client", "tokenapi.clients"}) {
      if (isSet(context.getEnvironment(), prefix)) {
        return ConditionOutcome.match(prefix + ".* properties are set");
      }
    }
    return ConditionOutcome.noMatch("no tokenapi.client.* or tokenapi.clients.* property is set");
  }

  /** Whether any {@code prefix.*} property is set in {@code environment}. */
  static boolean isSet(Environment environment, String prefix) {
    return Binder.get(environment).bind(prefix, ANY).map(m -> !m.isEmpty()).orElse(false);
  }

  /** Matches when any {@code tokenapi.client.*} property is set. */
  static final class SingleClient extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(
        ConditionContext context, AnnotatedTypeMetadata metadata) {
      boolean set = isSet(context.getEnvironment(), "tokenapi.client");
      return set
          ? ConditionOutcome.match("tokenapi.client.* properties are set")
          : ConditionOutcome.noMatch("no tokenapi.client.* property is set");
    }
  }
}

package io.tokenapi.sdk.spring;

import java.util.Locale;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Masks the client secrets (and the token store's key) in {@code /actuator/env} and {@code
 * /actuator/configprops}, also where an application sets {@code
 * management.endpoint.*.show-values=always}: Boot masks every value by default, but once values are
 * shown only sanitizing functions hide secrets.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class TokenApiSanitizingAutoConfiguration {
  /** Created by Spring. */
  public TokenApiSanitizingAutoConfiguration() {}

  /**
   * Masks {@code tokenapi.client.client-secret}, {@code tokenapi.clients.*.client-secret} and the
   * token store's encryption keys, in any spelling Boot accepts for them (kebab case, camel case,
   * environment variables).
   *
   * @return the function
   */
  @Bean
  public SanitizingFunction tokenApiSanitizingFunction() {
    return TokenApiSanitizingAutoConfiguration::sanitize;
  }

  static boolean isSecret(String key) {
    if (key == null) {
      return false;
    }
    String k = key.toLowerCase(Locale.ROOT).replaceAll("[-_.\\[\\]]", "");
    return k.startsWith("tokenapi")
        && (k.endsWith("clientsecret")
            || k.contains("encryptionkey")
            || k.contains("decryptionkey"));
  }

  static SanitizableData sanitize(SanitizableData data) {
    return isSecret(data.getKey()) ? data.withSanitizedValue() : data;
  }
}

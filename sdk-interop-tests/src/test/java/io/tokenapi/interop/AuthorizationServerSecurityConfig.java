package io.tokenapi.interop;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Spring Authorization Server's documented minimal setup: its protocol endpoints in one security
 * filter chain. The {@code RegisteredClientRepository} is registered by {@link
 * SpringAuthorizationServer} per test class. No {@code JWKSource}: the clients use opaque
 * (reference) access tokens, so no signing key is needed.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class AuthorizationServerSecurityConfig {

  @Bean
  SecurityFilterChain authorizationServerFilterChain(HttpSecurity http) throws Exception {
    http.oauth2AuthorizationServer(Customizer.withDefaults())
        .authorizeHttpRequests(requests -> requests.anyRequest().authenticated());
    return http.build();
  }

  @Bean
  AuthorizationServerSettings authorizationServerSettings() {
    return AuthorizationServerSettings.builder().build();
  }
}

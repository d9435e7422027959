package io.tokenapi.interop;

import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionDecoderFactory;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationGrantAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenClaimsContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Spring Authorization Server's documented minimal setup: its protocol endpoints in one security
 * filter chain. The {@code RegisteredClientRepository} is registered by {@link
 * SpringAuthorizationServer} per test class. No {@code JWKSource}: the clients use opaque
 * (reference) access tokens, so no signing key is needed.
 *
 * <p>Two additions, both documented extension points: {@code private_key_jwt} assertions are also
 * checked for a replayed {@code jti} ({@link JtiReplayValidator}; Spring checks {@code iss}, {@code
 * sub}, {@code aud}, {@code exp} and {@code nbf} but keeps no record of {@code jti}), and the
 * {@code resource} and {@code audience} token request parameters become the access token's {@code
 * aud} claim, which the introspection endpoint reports.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class AuthorizationServerSecurityConfig {

  @Bean
  SecurityFilterChain authorizationServerFilterChain(HttpSecurity http) throws Exception {
    JwtClientAssertionDecoderFactory assertionDecoders = new JwtClientAssertionDecoderFactory();
    JtiReplayValidator replay = new JtiReplayValidator();
    assertionDecoders.setJwtValidatorFactory(
        client ->
            new DelegatingOAuth2TokenValidator<>(
                JwtClientAssertionDecoderFactory.DEFAULT_JWT_VALIDATOR_FACTORY.apply(client),
                replay));
    http.oauth2AuthorizationServer(
            server ->
                server.clientAuthentication(
                    clientAuthentication ->
                        clientAuthentication.authenticationProviders(
                            providers ->
                                providers.forEach(
                                    provider -> {
                                      if (provider
                                          instanceof JwtClientAssertionAuthenticationProvider jwt) {
                                        jwt.setJwtDecoderFactory(assertionDecoders);
                                      }
                                    }))))
        .authorizeHttpRequests(requests -> requests.anyRequest().authenticated());
    return http.build();
  }

  @Bean
  AuthorizationServerSettings authorizationServerSettings() {
    return AuthorizationServerSettings.builder().build();
  }

  /** RFC 8707 {@code resource} / Auth0 {@code audience} request parameters as the token's aud. */
  @Bean
  OAuth2TokenCustomizer<OAuth2TokenClaimsContext> audienceFromRequestParameters() {
    return context -> {
      if (!(context.getAuthorizationGrant()
          instanceof OAuth2AuthorizationGrantAuthenticationToken grant)) {
        return;
      }
      List<String> audience = new ArrayList<>();
      for (String name : List.of("resource", "audience")) {
        Object value = grant.getAdditionalParameters().get(name);
        if (value instanceof String single) {
          audience.add(single);
        } else if (value instanceof String[] several) {
          audience.addAll(List.of(several));
        }
      }
      if (!audience.isEmpty()) {
        context.getClaims().audience(audience);
      }
    };
  }
}

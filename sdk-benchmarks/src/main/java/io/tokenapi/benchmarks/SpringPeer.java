package io.tokenapi.benchmarks;

import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * Spring Security's client-credentials setup for code outside a servlet request: an {@link
 * AuthorizedClientServiceOAuth2AuthorizedClientManager} over an in-memory client service, with its
 * default provider (client credentials, Spring's own RestClient-based token client).
 */
final class SpringPeer {

  private static final String REGISTRATION_ID = "tokenapi";

  private final AuthorizedClientServiceOAuth2AuthorizedClientManager manager;
  // Built once: the cheapest way to call authorize(); building it per call would add to Spring's
  // cost.
  private final OAuth2AuthorizeRequest request;

  SpringPeer(String tokenUrl, String clientId, String clientSecret) {
    ClientRegistration registration =
        ClientRegistration.withRegistrationId(REGISTRATION_ID)
            .clientId(clientId)
            .clientSecret(clientSecret)
            .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
            .tokenUri(tokenUrl)
            .build();
    InMemoryClientRegistrationRepository registrations =
        new InMemoryClientRegistrationRepository(registration);
    this.manager =
        new AuthorizedClientServiceOAuth2AuthorizedClientManager(
            registrations, new InMemoryOAuth2AuthorizedClientService(registrations));
    this.request =
        OAuth2AuthorizeRequest.withClientRegistrationId(REGISTRATION_ID)
            .principal("tokenapi-benchmark")
            .build();
  }

  /** The access token, fetched on first use and cached by Spring's authorized-client service. */
  OAuth2AccessToken getToken() {
    return authorize(request);
  }

  /**
   * The same with the authorize request built for this call, as Spring's own {@code
   * OAuth2ClientHttpRequestInterceptor} (its RestClient integration) and the reference
   * documentation's examples do for every outgoing request.
   */
  OAuth2AccessToken getTokenBuildingTheRequest() {
    return authorize(
        OAuth2AuthorizeRequest.withClientRegistrationId(REGISTRATION_ID)
            .principal("tokenapi-benchmark")
            .build());
  }

  private OAuth2AccessToken authorize(OAuth2AuthorizeRequest request) {
    OAuth2AuthorizedClient client = manager.authorize(request);
    if (client == null) {
      throw new IllegalStateException("Spring returned no authorized client");
    }
    return client.getAccessToken();
  }
}

package io.tokenapi.interop;

import io.tokenapi.sdk.ClientAuthentication;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * The clients registered at the embedded server. Each client allows exactly one client
 * authentication method, so a request authenticated the other way is refused: a token proves the
 * SDK used the method the test asked for.
 */
final class InteropClients {

  static final String SCOPES = "payments.read payments.write";
  static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofMinutes(5);

  static final String BASIC_ID = "basic-client";
  static final String BASIC_SECRET = "basic-secret";
  static final String POST_ID = "post-client";
  static final String POST_SECRET = "post-secret";

  // Characters that RFC 6749 2.3.1 makes the client form-encode: ':' (the Basic separator), '%'
  // (followed by hex digits, so a client that forgets to encode it sends a different, still
  // decodable value), '+' and space. Ids stay ASCII: RFC 6749 Appendix A.1 allows only VSCHAR
  // (%x20-7E) in client_id and Spring enforces it (400 invalid_request). Spring does not restrict
  // secrets, so those also carry non-ASCII.
  static final String SPECIAL_BASIC_ID = "tenant:basic 100%41+~";
  static final String SPECIAL_BASIC_SECRET = "b:sic w%2Brd+ü€";
  static final String SPECIAL_POST_ID = "tenant:post 100%41+~";
  static final String SPECIAL_POST_SECRET = "p:st w%2Brd+ü€";

  /** Not registered, and not a valid RFC 6749 client_id (non-ASCII). */
  static final String NON_ASCII_ID = "client-ü";

  /** Registered for authorization_code only: asking it for client_credentials is refused. */
  static final String CODE_ONLY_ID = "code-only-client";

  static final String CODE_ONLY_SECRET = "code-only-secret";

  private InteropClients() {}

  /**
   * The id of the registered client that allows {@code method}: {@link #BASIC_ID} or {@link
   * #POST_ID}.
   */
  static String idFor(ClientAuthentication method) {
    return switch (method) {
      case CLIENT_SECRET_BASIC -> BASIC_ID;
      case CLIENT_SECRET_POST -> POST_ID;
      default -> throw new IllegalArgumentException("Spring registers no client for " + method);
    };
  }

  /** The secret that goes with {@link #idFor}. */
  static String secretFor(ClientAuthentication method) {
    return idFor(method).equals(BASIC_ID) ? BASIC_SECRET : POST_SECRET;
  }

  static List<RegisteredClient> all() {
    return List.of(
        clientCredentials(BASIC_ID, BASIC_SECRET, ClientAuthenticationMethod.CLIENT_SECRET_BASIC),
        clientCredentials(POST_ID, POST_SECRET, ClientAuthenticationMethod.CLIENT_SECRET_POST),
        clientCredentials(
            SPECIAL_BASIC_ID, SPECIAL_BASIC_SECRET, ClientAuthenticationMethod.CLIENT_SECRET_BASIC),
        clientCredentials(
            SPECIAL_POST_ID, SPECIAL_POST_SECRET, ClientAuthenticationMethod.CLIENT_SECRET_POST),
        codeOnly());
  }

  private static RegisteredClient clientCredentials(
      String id, String secret, ClientAuthenticationMethod method) {
    return RegisteredClient.withId(UUID.randomUUID().toString())
        .clientId(id)
        .clientSecret("{noop}" + secret)
        .clientAuthenticationMethod(method)
        .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
        .scopes(scopes -> scopes.addAll(List.of(SCOPES.split(" "))))
        .tokenSettings(opaqueTokens())
        .build();
  }

  private static RegisteredClient codeOnly() {
    return RegisteredClient.withId(UUID.randomUUID().toString())
        .clientId(CODE_ONLY_ID)
        .clientSecret("{noop}" + CODE_ONLY_SECRET)
        .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
        .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
        .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
        .redirectUri("http://127.0.0.1/callback")
        .scopes(scopes -> scopes.addAll(List.of(SCOPES.split(" "))))
        .tokenSettings(opaqueTokens())
        .build();
  }

  private static TokenSettings opaqueTokens() {
    return TokenSettings.builder()
        .accessTokenFormat(OAuth2TokenFormat.REFERENCE)
        .accessTokenTimeToLive(ACCESS_TOKEN_LIFETIME)
        .build();
  }
}

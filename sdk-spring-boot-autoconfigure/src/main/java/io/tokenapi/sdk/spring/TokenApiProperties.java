package io.tokenapi.sdk.spring;

import io.tokenapi.sdk.ClientAuthentication;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code tokenapi.*} properties: one client under {@code tokenapi.client.*}, named clients
 * under {@code tokenapi.clients.<name>.*}, each with the same settings.
 *
 * <pre>
 * tokenapi.client.base-url=https://api.example.com
 * tokenapi.client.client-id=my-id
 * tokenapi.client.client-secret=${TOKENAPI_CLIENT_SECRET}
 * tokenapi.client.allowed-hosts=api.example.com
 * </pre>
 *
 * @param client the single client, registered under the name {@value #DEFAULT_CLIENT}; null when no
 *     {@code tokenapi.client.*} property is set
 * @param clients named clients, by name (letters, digits and dashes)
 */
@ConfigurationProperties("tokenapi")
public record TokenApiProperties(Client client, Map<String, Client> clients) {

  /** The name under which the {@code tokenapi.client.*} client is registered: {@value}. */
  public static final String DEFAULT_CLIENT = "default";

  /**
   * Binds the properties.
   *
   * @param client the single client, or null
   * @param clients named clients, or null for none
   */
  public TokenApiProperties {
    clients = clients == null ? Map.of() : Map.copyOf(clients);
  }

  /**
   * One client's settings. Unset durations take the SDK's defaults (OAuthClient's {@code DEFAULT_*}
   * constants).
   *
   * @param baseUrl The provider's base URL, for example https://api.example.com. Required.
   * @param tokenPath The token endpoint's path under the base URL.
   * @param clientId The client id. Required.
   * @param clientSecret The client secret. Required. A secret: pass it from the environment or a
   *     secret store, never commit it; it is masked in /actuator/env and {@code
   *     /actuator/configprops} and never logged.
   * @param clientAuthentication How the credentials are sent: json-body (the provider's format),
   *     client-secret-post or client-secret-basic (RFC 6749).
   * @param scope The scope to request; none by default.
   * @param refreshAhead How long before expiry a cached token is refreshed in the background.
   * @param expiryMargin How long before expiry a cached token is no longer used.
   * @param defaultTokenLifetime The lifetime of a token whose response names no expiry.
   * @param connectTimeout Connect timeout of the token request.
   * @param readTimeout Read timeout of the token request.
   * @param callTimeout Bound on one token request attempt, body included.
   * @param retry How failed token requests are retried.
   * @param workingHours The provider's opening hours, for waiting out a 503 closure; none by
   *     default.
   * @param allowedHosts The hosts that get this client's bearer token from the RestClient,
   *     RestTemplate and WebClient interceptors (exact host names, any port). Empty: no interceptor
   *     for this client.
   * @param tokenStore Where the fleet shares tokens: none (each instance fetches its own) or redis
   *     (the application's Spring Data Redis connection, the same layout, lock and encryption as
   *     tokenapi-sdk-redis).
   * @param tokenStoreKeyId The id of the encryption key, carried by every stored entry so that
   *     readers pick the right key during a rotation; derived from the key when not set.
   * @param tokenStoreEncryptionKey The AES key (base64 of 16, 24 or 32 bytes) that encrypts stored
   *     tokens; required with a token store. A secret: the same on every instance, from a secret
   *     store or the environment; masked in actuator endpoints and never logged.
   * @param tokenStoreTimeout Bound on each token store call; past it the client fetches on its own
   *     until the store answers again.
   * @param tokenStoreDecryptionKeys Keys that only decrypt, by key id (base64 AES keys): the old
   *     key after a rotation. Secrets, like the encryption key.
   */
  public record Client(
      String baseUrl,
      @DefaultValue("/v1/oauth/token") String tokenPath,
      String clientId,
      String clientSecret,
      @DefaultValue("json-body") ClientAuthentication clientAuthentication,
      String scope,
      @DefaultValue("5m") Duration refreshAhead,
      @DefaultValue("30s") Duration expiryMargin,
      @DefaultValue("5m") Duration defaultTokenLifetime,
      @DefaultValue("10s") Duration connectTimeout,
      @DefaultValue("10s") Duration readTimeout,
      @DefaultValue("30s") Duration callTimeout,
      @DefaultValue Retry retry,
      WorkingHours workingHours,
      List<String> allowedHosts,
      @DefaultValue("none") TokenStoreType tokenStore,
      String tokenStoreKeyId,
      String tokenStoreEncryptionKey,
      @DefaultValue("2s") Duration tokenStoreTimeout,
      Map<String, String> tokenStoreDecryptionKeys) {

    /**
     * Binds one client's settings.
     *
     * @param baseUrl see the record description
     * @param tokenPath see the record description
     * @param clientId see the record description
     * @param clientSecret see the record description
     * @param clientAuthentication see the record description
     * @param scope see the record description
     * @param refreshAhead see the record description
     * @param expiryMargin see the record description
     * @param defaultTokenLifetime see the record description
     * @param connectTimeout see the record description
     * @param readTimeout see the record description
     * @param callTimeout see the record description
     * @param retry see the record description
     * @param workingHours see the record description
     * @param allowedHosts see the record description
     * @param tokenStore see the record description
     * @param tokenStoreKeyId see the record description
     * @param tokenStoreEncryptionKey see the record description
     * @param tokenStoreTimeout see the record description
     * @param tokenStoreDecryptionKeys see the record description
     */
    public Client {
      allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
      tokenStoreDecryptionKeys =
          tokenStoreDecryptionKeys == null ? Map.of() : Map.copyOf(tokenStoreDecryptionKeys);
    }

    /**
     * Describes the settings without the client secret.
     *
     * @return a description that is safe to log
     */
    @Override
    public String toString() {
      return "Client[baseUrl="
          + baseUrl
          + ", tokenPath="
          + tokenPath
          + ", clientId="
          + clientId
          + ", clientSecret="
          + (clientSecret == null ? "null" : "******")
          + ", clientAuthentication="
          + clientAuthentication
          + ", scope="
          + scope
          + ", refreshAhead="
          + refreshAhead
          + ", expiryMargin="
          + expiryMargin
          + ", defaultTokenLifetime="
          + defaultTokenLifetime
          + ", connectTimeout="
          + connectTimeout
          + ", readTimeout="
          + readTimeout
          + ", callTimeout="
          + callTimeout
          + ", retry="
          + retry
          + ", workingHours="
          + workingHours
          + ", allowedHosts="
          + allowedHosts
          + ", tokenStore="
          + tokenStore
          + ", tokenStoreKeyId="
          + tokenStoreKeyId
          + ", tokenStoreEncryptionKey="
          + (tokenStoreEncryptionKey == null ? "null" : "******")
          + ", tokenStoreTimeout="
          + tokenStoreTimeout
          + ", tokenStoreDecryptionKeys="
          + tokenStoreDecryptionKeys.keySet()
          + "]";
    }
  }

  /** Where a client shares its tokens with other instances. */
  public enum TokenStoreType {
    /** No sharing: each instance fetches its own tokens. */
    NONE,
    /** The application's Redis, through Spring Data Redis's {@code RedisConnectionFactory}. */
    REDIS
  }

  /**
   * Retry settings of the token request (RetryPolicy).
   *
   * @param maxAttempts Attempts per call for transient failures, the first included.
   * @param initialBackoff The first backoff; later ones double, with full jitter.
   * @param maxBackoff The longest single backoff.
   * @param maxWait Bound on a whole call, waits included (also bounds waiting out a 503 closure).
   */
  public record Retry(
      @DefaultValue("4") int maxAttempts,
      @DefaultValue("500ms") Duration initialBackoff,
      @DefaultValue("30s") Duration maxBackoff,
      @DefaultValue("60s") Duration maxWait) {}

  /**
   * The provider's opening hours (io.tokenapi.sdk.WorkingHours). Setting any of them requires zone,
   * opens and closes.
   *
   * @param zone The time zone the times are read in, for example Europe/Berlin.
   * @param opens The local opening time, for example 08:00.
   * @param closes The local closing time (exclusive), for example 20:00; before opens for a window
   *     that ends the next day.
   * @param days The days on which the window opens; every day by default.
   */
  public record WorkingHours(
      ZoneId zone,
      LocalTime opens,
      LocalTime closes,
      @DefaultValue({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
          Set<DayOfWeek> days) {}
}

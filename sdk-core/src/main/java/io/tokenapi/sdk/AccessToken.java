package io.tokenapi.sdk;

import io.tokenapi.sdk.internal.SafeText;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * An OAuth 2.0 access token: an immutable value.
 *
 * <p>{@link #toString()} never shows the token value, so a token can be logged safely. Two tokens
 * are equal when their values are equal.
 */
public final class AccessToken {
  private final String value;
  private final String tokenType;
  private final Instant expiresAt;
  private final String scope;
  private final Map<String, Object> additionalFields;

  /** Built once: the interceptors read it on every request. */
  private final String authorizationHeader;

  /**
   * When the token was issued on this client's clock, epoch ms, or {@link Long#MIN_VALUE} when
   * unknown: set for tokens taken from a store, so the cache's margins come from the whole
   * lifetime. Not part of the value.
   */
  private final long issuedAtMillis;

  /**
   * Creates a token.
   *
   * @param value the token value sent to resource servers; not null, not blank
   * @param tokenType the token type, for example {@code "Bearer"}; null means {@code "Bearer"}
   * @param expiresAt when the token stops being valid; not null
   * @param scope the granted scope, or null when the server named none
   * @param additionalFields other fields of the token response (plain Java values); null means none
   * @throws IllegalArgumentException if {@code value} is null or blank, or {@code expiresAt} is
   *     null
   */
  public AccessToken(
      String value,
      String tokenType,
      Instant expiresAt,
      String scope,
      Map<String, Object> additionalFields) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("value is null or blank: an access token needs a value");
    }
    if (expiresAt == null) {
      throw new IllegalArgumentException("expiresAt == null");
    }
    this.value = value;
    // The usual type as the one shared literal, not a copy per token: many tenants hold one each.
    this.tokenType =
        tokenType == null || tokenType.isBlank() || tokenType.equals("Bearer")
            ? "Bearer"
            : tokenType;
    this.expiresAt = expiresAt;
    this.scope = scope;
    this.additionalFields =
        additionalFields == null || additionalFields.isEmpty()
            ? Collections.emptyMap()
            : Collections.unmodifiableMap(new LinkedHashMap<>(additionalFields));
    this.authorizationHeader = "Bearer " + value;
    this.issuedAtMillis = Long.MIN_VALUE;
  }

  private AccessToken(AccessToken token, long issuedAtMillis) {
    this.value = token.value;
    this.tokenType = token.tokenType;
    this.expiresAt = token.expiresAt;
    this.scope = token.scope;
    this.additionalFields = token.additionalFields;
    this.authorizationHeader = token.authorizationHeader;
    this.issuedAtMillis = issuedAtMillis;
  }

  /** This token, remembering when it was issued (for the cache's margins). */
  AccessToken withIssuedAt(long issuedAtMillis) {
    return new AccessToken(this, issuedAtMillis);
  }

  /** When it was issued, epoch ms on this client's clock, or {@link Long#MIN_VALUE}. */
  long issuedAtMillis() {
    return issuedAtMillis;
  }

  /**
   * Creates a Bearer token without scope or additional fields.
   *
   * @param value the token value; not null, not blank
   * @param expiresAt when the token stops being valid; not null
   * @return the token
   * @throws IllegalArgumentException if an argument is null or the value is blank
   */
  public static AccessToken of(String value, Instant expiresAt) {
    return new AccessToken(value, "Bearer", expiresAt, null, null);
  }

  /**
   * The token value: a secret. Send it only to the resource servers it is meant for.
   *
   * @return the token value
   */
  public String value() {
    return value;
  }

  /**
   * The token type the server named ({@code token_type}), {@code "Bearer"} when it named none.
   *
   * @return the token type
   */
  public String tokenType() {
    return tokenType;
  }

  /**
   * When the token stops being valid, as the server stated it (or the client's default lifetime
   * when it did not).
   *
   * @return the expiry instant, never null
   */
  public Instant expiresAt() {
    return expiresAt;
  }

  /**
   * The scope the server granted, when it named one.
   *
   * @return the scope, or empty
   */
  public Optional<String> scope() {
    return Optional.ofNullable(scope);
  }

  /**
   * The value of an HTTP {@code Authorization} header carrying this token: {@code "Bearer
   * <value>"}. Built once per token: calling it allocates nothing.
   *
   * @return the header value
   */
  public String authorizationHeader() {
    return authorizationHeader;
  }

  /**
   * Fields of the token response that this class has no accessor for, as plain Java values (String,
   * Number, Boolean, List, Map or null).
   *
   * @return an unmodifiable map, empty when there were none
   */
  public Map<String, Object> additionalFields() {
    return additionalFields;
  }

  /**
   * Tokens are equal when their values are equal.
   *
   * @param o the other object
   * @return whether {@code o} is a token with the same value
   */
  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof AccessToken && ((AccessToken) o).value.equals(value));
  }

  /**
   * A hash of the token value.
   *
   * @return the hash code
   */
  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /**
   * Describes the token without its value, for example {@code AccessToken[type=Bearer,
   * expiresAt=2026-11-25T10:00:00Z, scope=payments, value=<redacted>]}. The server chose the type,
   * scope and field names: control characters and line separators in them are escaped, each is cut
   * short (40 characters for the type, 200 for the scope, 40 per field name) and at most 20 field
   * names are listed, so no response can forge or flood a log line.
   *
   * @return a description that is safe to log
   */
  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder("AccessToken[type=")
            .append(SafeText.of(tokenType, MAX_TYPE_CHARS))
            .append(", expiresAt=")
            .append(expiresAt);
    if (scope != null) {
      sb.append(", scope=").append(SafeText.of(scope, MAX_SCOPE_CHARS));
    }
    if (!additionalFields.isEmpty()) {
      StringJoiner names = new StringJoiner(", ", "[", "]");
      int listed = 0;
      for (String name : additionalFields.keySet()) {
        if (listed++ == MAX_FIELD_NAMES) {
          names.add("...(" + additionalFields.size() + " fields)");
          break;
        }
        names.add(SafeText.of(name, MAX_FIELD_NAME_CHARS));
      }
      sb.append(", additionalFields=").append(names);
    }
    return sb.append(", value=<redacted>]").toString();
  }

  private static final int MAX_TYPE_CHARS = 40;
  private static final int MAX_SCOPE_CHARS = 200;
  private static final int MAX_FIELD_NAME_CHARS = 40;
  private static final int MAX_FIELD_NAMES = 20;
}

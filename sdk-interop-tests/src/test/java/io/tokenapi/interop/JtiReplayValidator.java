package io.tokenapi.interop;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Refuses a client assertion whose {@code jti} this server has seen before (RFC 7523 section 3,
 * item 7: the server MAY keep a list of used ids). Spring Authorization Server does not do this by
 * itself; a server that does is the one a client must be correct against. Ids are remembered until
 * the assertion's {@code exp}; after that the timestamp check refuses it anyway.
 */
final class JtiReplayValidator implements OAuth2TokenValidator<Jwt> {
  private final Map<String, Instant> seen = new ConcurrentHashMap<>();

  @Override
  public OAuth2TokenValidatorResult validate(Jwt assertion) {
    Instant now = Instant.now();
    seen.values().removeIf(expiry -> expiry.isBefore(now)); // bounded by live assertions
    String jti = assertion.getId();
    if (jti == null || jti.isBlank()) {
      return failure("client assertion has no jti");
    }
    Instant expiry = assertion.getExpiresAt() != null ? assertion.getExpiresAt() : now;
    if (seen.putIfAbsent(assertion.getClaimAsString("iss") + " " + jti, expiry) != null) {
      return failure("client assertion jti was already used");
    }
    return OAuth2TokenValidatorResult.success();
  }

  private static OAuth2TokenValidatorResult failure(String description) {
    return OAuth2TokenValidatorResult.failure(
        new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, description, null));
  }
}

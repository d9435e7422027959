package io.tokenapi.sdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.UUID;

/**
 * Signs RFC 7523 client assertions ({@code private_key_jwt}) with the JDK's {@link Signature}: a
 * new JWT for every call, so every token request attempt carries a fresh {@code jti} and {@code
 * exp}. The key is checked once, when the client is built.
 */
final class JwtAssertionSigner {
  /** RFC 7523 section 2.2: the {@code client_assertion_type} of a JWT assertion. */
  static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);
  static final Duration MAX_LIFETIME = Duration.ofMinutes(5);
  static final int MIN_RSA_BITS = 2048;

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /** The JWS algorithms the SDK signs with, and their JDK names. */
  enum Algorithm {
    RS256("SHA256withRSA", null),
    PS256("RSASSA-PSS", null),
    ES256("SHA256withECDSAinP1363Format", "secp256r1"),
    ES384("SHA384withECDSAinP1363Format", "secp384r1");

    final String jdkName;

    /** The one curve the algorithm is defined for (RFC 7518 3.4), or null for RSA. */
    final String curve;

    Algorithm(String jdkName, String curve) {
      this.jdkName = jdkName;
      this.curve = curve;
    }

    Signature newSignature() throws GeneralSecurityException {
      Signature signature = Signature.getInstance(jdkName);
      if (this == PS256) {
        // RFC 7518 3.5: SHA-256, MGF1 with SHA-256, a salt as long as the hash.
        signature.setParameter(
            new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
      }
      return signature;
    }

    /** The algorithm for a name such as {@code "PS256"}, or null when the SDK has none by it. */
    static Algorithm named(String name) {
      for (Algorithm algorithm : values()) {
        if (algorithm.name().equals(name.trim().toUpperCase(Locale.ROOT))) {
          return algorithm;
        }
      }
      return null;
    }
  }

  private final PrivateKey key;
  private final Algorithm algorithm;
  private final String encodedHeader;
  private final String clientId;
  private final String audience;
  private final long lifetimeSeconds;
  private final Clock clock;

  JwtAssertionSigner(
      PrivateKey key,
      Algorithm algorithm,
      String keyId,
      String clientId,
      String audience,
      Duration lifetime,
      Clock clock) {
    this.key = key;
    this.algorithm = algorithm;
    ObjectNode header = Json.MAPPER.createObjectNode();
    header.put("alg", algorithm.name()).put("typ", "JWT").put("kid", keyId);
    this.encodedHeader = encode(header);
    this.clientId = clientId;
    this.audience = audience;
    this.lifetimeSeconds = lifetime.getSeconds();
    this.clock = clock;
  }

  Algorithm algorithm() {
    return algorithm;
  }

  /**
   * The algorithm to sign with {@code key}: {@code requested}, or the key's default (RS256 for RSA,
   * ES256/ES384 by curve) when null. Also proves the JDK can sign with the key.
   *
   * @throws IllegalStateException naming what is wrong with the key and what to do
   */
  static Algorithm algorithmFor(PrivateKey key, Algorithm requested) {
    Algorithm algorithm;
    if (key instanceof RSAKey) {
      BigInteger modulus = ((RSAKey) key).getModulus();
      if (modulus != null && modulus.bitLength() < MIN_RSA_BITS) {
        throw new IllegalStateException(
            "privateKeyJwt(...) got a "
                + modulus.bitLength()
                + "-bit RSA key: RSA keys must have at least "
                + MIN_RSA_BITS
                + " bits (RFC 7518 3.3). Generate a 2048-bit or larger key, or use an EC P-256 key.");
      }
      algorithm = requested == null ? Algorithm.RS256 : requested;
      if (algorithm.curve != null) {
        throw new IllegalStateException(
            "privateKeyJwt(...) got an RSA key with algorithm "
                + algorithm
                + ", which needs an EC key: use RS256 or PS256 with an RSA key.");
      }
    } else if (key instanceof ECKey) {
      String curve = curveName(((ECKey) key).getParams());
      if (curve == null) {
        throw new IllegalStateException(
            "privateKeyJwt(...) got an EC key on a curve the SDK does not sign with: use a key on"
                + " P-256 (secp256r1, ES256) or P-384 (secp384r1, ES384).");
      }
      algorithm = requested == null ? byCurve(curve) : requested;
      if (!curve.equals(algorithm.curve)) {
        throw new IllegalStateException(
            "privateKeyJwt(...) got an EC key on "
                + curve
                + " with algorithm "
                + algorithm
                + ": use "
                + byCurve(curve)
                + " for that curve (RFC 7518 3.4).");
      }
    } else {
      throw new IllegalStateException(
          "privateKeyJwt(...) got a "
              + key.getAlgorithm()
              + " key: the SDK signs with RSA (RS256, PS256) or EC P-256/P-384 (ES256, ES384) keys.");
    }
    try {
      algorithm.newSignature().initSign(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "privateKeyJwt(...): this JVM cannot sign "
              + algorithm
              + " with the given "
              + key.getAlgorithm()
              + " key ("
              + e.getClass().getSimpleName()
              + ")",
          e);
    }
    return algorithm;
  }

  private static Algorithm byCurve(String curve) {
    return curve.equals(Algorithm.ES256.curve) ? Algorithm.ES256 : Algorithm.ES384;
  }

  /** {@code secp256r1} or {@code secp384r1} when {@code params} is that named curve; else null. */
  static String curveName(ECParameterSpec params) {
    if (params == null) {
      return null;
    }
    for (String name : new String[] {Algorithm.ES256.curve, Algorithm.ES384.curve}) {
      ECParameterSpec named = namedCurve(name);
      if (named.getCurve().equals(params.getCurve())
          && named.getGenerator().equals(params.getGenerator())
          && named.getOrder().equals(params.getOrder())
          && named.getCofactor() == params.getCofactor()) {
        return name;
      }
    }
    return null;
  }

  private static ECParameterSpec namedCurve(String name) {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec(name));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JVM has no " + name + " curve", e);
    }
  }

  /**
   * A new signed assertion: {@code iss} = {@code sub} = the client id, {@code aud}, a random {@code
   * jti}, {@code iat} now and {@code exp} after the lifetime.
   *
   * @throws OAuthException when the JDK fails to sign; the message never holds key material
   */
  String sign() {
    long now = clock.instant().getEpochSecond();
    ObjectNode claims = Json.MAPPER.createObjectNode();
    claims
        .put("iss", clientId)
        .put("sub", clientId)
        .put("aud", audience)
        .put("jti", UUID.randomUUID().toString())
        .put("iat", now)
        .put("exp", now + lifetimeSeconds);
    String signingInput = encodedHeader + "." + encode(claims);
    try {
      Signature signature = algorithm.newSignature();
      signature.initSign(key);
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + B64.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new OAuthException(
          "Could not sign the client assertion with "
              + algorithm
              + " ("
              + e.getClass().getSimpleName()
              + "): check the key given to privateKeyJwt(...)",
          e);
    }
  }

  private static String encode(ObjectNode json) {
    try {
      return B64.encodeToString(Json.MAPPER.writeValueAsBytes(json));
    } catch (JsonProcessingException e) {
      // Unreachable for a tree of strings and numbers.
      throw new IllegalStateException("could not encode the client assertion", e);
    }
  }
}

package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test helpers: keys, form bodies, and a JWT read and verified with nothing but the JDK. */
final class Jwts {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Jwts() {}

  static KeyPair rsa(int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static KeyPair ec(String curve) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(curve));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** A form body as a map; a repeated name keeps its last value. */
  static Map<String, String> form(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      String[] nameValue = pair.split("=", 2);
      form.put(decode(nameValue[0]), nameValue.length > 1 ? decode(nameValue[1]) : "");
    }
    return form;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> header(String jwt) {
    return part(jwt, 0);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> claims(String jwt) {
    return part(jwt, 1);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> part(String jwt, int index) {
    try {
      return JSON.readValue(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]), Map.class);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Verifies the JWS signature with the JDK: JOSE (R||S) format for ECDSA, per RFC 7518. */
  static void assertSignedBy(String jwt, PublicKey key, String algorithm) throws Exception {
    String[] parts = jwt.split("\\.");
    assertThat(parts).hasSize(3);
    Signature verifier;
    switch (algorithm) {
      case "RS256":
        verifier = Signature.getInstance("SHA256withRSA");
        break;
      case "PS256":
        verifier = Signature.getInstance("RSASSA-PSS");
        verifier.setParameter(
            new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        break;
      case "ES256":
        verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
        break;
      case "ES384":
        verifier = Signature.getInstance("SHA384withECDSAinP1363Format");
        break;
      default:
        throw new IllegalArgumentException(algorithm);
    }
    byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
    if (algorithm.startsWith("ES")) {
      // R||S, each as long as the curve's order: 32 bytes for P-256, 48 for P-384.
      assertThat(signature).hasSize(algorithm.equals("ES256") ? 64 : 96);
    }
    verifier.initVerify(key);
    verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(verifier.verify(signature)).as("signature verifies with the public key").isTrue();
  }
}

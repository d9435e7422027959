package io.tokenapi.benchmarks;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Diagnostic (not in the suite): one token request end to end ({@code refresh()}, as in {@link
 * ColdFetchBenchmark#ours()}) by credential: the client secret, and {@code private_key_jwt}, which
 * signs a new JWT for every request. The difference is the cost of an assertion; the secret figure
 * is the cold fetch's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class ClientCredentialBenchmark {

  /** {@code secret}, or the JWS algorithm of a {@code private_key_jwt} client. */
  @Param({"secret", "RS256", "PS256", "ES256"})
  public String credential;

  private TokenServer server;
  private OAuthClient client;

  @Setup(Level.Trial)
  public void setUp() throws IOException, GeneralSecurityException {
    server = TokenServer.start(3600);
    OAuthClient.Builder builder =
        OAuthClient.builder().baseUrl(server.baseUrl()).clientId(Credentials.CLIENT_ID);
    switch (credential) {
      case "secret":
        builder.clientSecret(Credentials.CLIENT_SECRET);
        break;
      case "RS256":
      case "PS256":
        builder.privateKeyJwt(key("RSA"), "rsa-1", credential);
        break;
      case "ES256":
        builder.privateKeyJwt(key("EC"), "ec-1", credential);
        break;
      default:
        throw new IllegalArgumentException(credential);
    }
    client = builder.build();
  }

  private static PrivateKey key(String algorithm) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    if (algorithm.equals("EC")) {
      generator.initialize(new ECGenParameterSpec("secp256r1"));
    } else {
      generator.initialize(2048);
    }
    return generator.generateKeyPair().getPrivate();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    client.close();
    server.close();
  }

  /** One token request, with a new assertion for the JWT credentials. */
  @Benchmark
  public AccessToken refresh() {
    return client.refresh();
  }
}

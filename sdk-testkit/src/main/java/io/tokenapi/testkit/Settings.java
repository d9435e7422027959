package io.tokenapi.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What the fake endpoint expects and how it words its tokens. Each field is read once per request,
 * so a request in progress sees either the old or the new value.
 */
final class Settings {
  volatile Credentials credentials;
  volatile String tokenPath;
  volatile Duration tokenLifetime;
  volatile String tokenType;
  volatile boolean camelCaseFields;
  volatile boolean expiresInAsString;
  volatile boolean omitExpiresIn;
  volatile Clock clock;

  /** More accepted client id to secret pairs, beside {@link #credentials}. */
  final Map<String, String> clients = new ConcurrentHashMap<>();

  /** Client ids answered with an error whatever they send. */
  final Map<String, ClientFailure> failingClients = new ConcurrentHashMap<>();

  /** Null when always open. */
  volatile Schedule schedule;

  Settings() {
    restoreDefaults();
  }

  void restoreDefaults() {
    credentials =
        new Credentials(FakeTokenServer.DEFAULT_CLIENT_ID, FakeTokenServer.DEFAULT_CLIENT_SECRET);
    tokenPath = FakeTokenServer.DEFAULT_TOKEN_PATH;
    tokenLifetime = FakeTokenServer.DEFAULT_TOKEN_LIFETIME;
    tokenType = FakeTokenServer.DEFAULT_TOKEN_TYPE;
    camelCaseFields = false;
    expiresInAsString = false;
    omitExpiresIn = false;
    clock = Clock.systemUTC();
    schedule = null;
    clients.clear();
    failingClients.clear();
  }

  record Credentials(String id, String secret) {}

  record ClientFailure(int status, String code, String text) {}

  /** {@code reopensAt} is null when closed answers carry no {@code Retry-After}. */
  record Schedule(Predicate<Instant> closed, Function<Instant, Instant> reopensAt) {}
}

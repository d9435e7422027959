package io.tokenapi.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * Routes each request: counted and recorded first; other paths get 404; token requests wait out a
 * hold, then take the script's answer or the default one.
 */
final class TokenDispatcher extends Dispatcher {
  private final MockWebServer server;
  private final Settings settings;
  private final RequestJournal journal;
  private final AnswerScript script;
  private final DefaultAnswers defaults;
  private final Duration maxHold;

  /** Requests being answered now, and the most at once: for a client's concurrency bound. */
  final AtomicInteger inFlight = new AtomicInteger();

  final AtomicInteger maxInFlight = new AtomicInteger();

  TokenDispatcher(
      MockWebServer server,
      Settings settings,
      RequestJournal journal,
      AnswerScript script,
      DefaultAnswers defaults,
      Duration maxHold) {
    this.server = server;
    this.settings = settings;
    this.journal = journal;
    this.script = script;
    this.defaults = defaults;
    this.maxHold = maxHold;
  }

  @Override
  public MockResponse dispatch(RecordedRequest raw) throws InterruptedException {
    // MockWebServer also queues every request for its own takeRequest(), which the testkit never
    // uses: drain it so a long load test does not accumulate them.
    while (server.takeRequest(0, TimeUnit.NANOSECONDS) != null) {
      continue;
    }
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      return route(raw);
    } catch (RuntimeException e) {
      // A throwing user callback (clock, schedule) would otherwise surface as a bare disconnect.
      return defaults
          .envelope(500, FakeTokenServer.FAILURE_CODE, "FakeTokenServer failed: " + e, null)
          .toMockResponse();
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private MockResponse route(RecordedRequest raw) throws InterruptedException {
    journal.arrived();
    String path = raw.getUrl().encodedPath();
    String body = raw.getBody() == null ? "" : raw.getBody().utf8();
    RecordedTokenRequest request =
        TokenRequestParser.parse(
            raw.getMethod(), path, raw.getHeaders().toMultimap(), body, settings.clock.instant());
    journal.record(request);
    if (!path.equals(settings.tokenPath)) {
      return defaults
          .envelope(404, "NOT_FOUND", "No resource at " + path + ".", null)
          .toMockResponse();
    }
    script.awaitRelease(maxHold);
    MockResponse scripted = script.next(request);
    return script.delayed(scripted != null ? scripted : defaults.answer(request).toMockResponse());
  }
}

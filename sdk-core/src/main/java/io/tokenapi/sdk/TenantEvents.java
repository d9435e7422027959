package io.tokenapi.sdk;

import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tenant's events, when {@link TenantTokens.Builder#tenantListener(Function)} is set: each goes
 * to the shared listeners as it is (aggregated, no tenant), and, through the same event thread and
 * queue ({@link ListenerDispatcher#deliver(Runnable)}), to the listener the factory made for this
 * tenant. The factory is asked on the event thread with the tenant's first event, at most once
 * while this tenant is held, never on a caller's or request thread: one that throws, returns null
 * or blocks costs what a listener that does costs (a WARN; the queue's bound). Made only with a
 * factory: without one the tenant's stages get the shared dispatcher itself.
 */
final class TenantEvents implements OAuthClientListener {
  private static final Logger LOG = LoggerFactory.getLogger(TenantEvents.class);

  /** The factory gave nothing for this tenant, or threw. */
  private static final OAuthClientListener NONE = new OAuthClientListener() {};

  private final String tenant;
  private final ListenerDispatcher shared;
  private final Function<String, ? extends OAuthClientListener> factory;

  /**
   * Null until the factory was asked. Read and written only by tasks on the event thread, one after
   * another in queue order, so the factory is asked once; volatile as the thread may be replaced
   * after it idled.
   */
  private volatile OAuthClientListener own;

  TenantEvents(
      String tenant,
      ListenerDispatcher shared,
      Function<String, ? extends OAuthClientListener> factory) {
    this.tenant = tenant;
    this.shared = shared;
    this.factory = factory;
  }

  private OAuthClientListener own() {
    OAuthClientListener l = own;
    if (l == null) {
      try {
        l = factory.apply(tenant);
      } catch (Throwable e) {
        rethrowFatal(e);
        long leftOut = shared.warnings().admit();
        if (leftOut >= 0) {
          // Only the type: the factory's message is the application's text.
          LOG.warn(
              "The tenant listener factory threw {} for tenant {}; that tenant's events go to no"
                  + " tenant listener while it is held{}",
              e.getClass().getName(),
              printable(tenant),
              ListenerWarnings.leftOutNote(leftOut));
        }
        l = null;
      }
      own = l = l == null ? NONE : l;
    }
    return l;
  }

  private void tell(String method, Consumer<OAuthClientListener> call) {
    shared.deliver(
        () -> {
          OAuthClientListener l = own();
          if (l == NONE) {
            return;
          }
          try {
            call.accept(l);
          } catch (Throwable e) {
            rethrowFatal(e);
            long leftOut = shared.warnings().admit();
            if (leftOut >= 0) {
              LOG.warn(
                  "The tenant listener of tenant {} threw {} in {}; the client ignores it and"
                      + " carries on{}",
                  printable(tenant),
                  e.getClass().getName(),
                  method,
                  ListenerWarnings.leftOutNote(leftOut));
            }
          }
        });
  }

  /** As TenantTokens prints a tenant id: escaped, bounded, quoted. */
  private static String printable(String tenant) {
    return "'" + ApiError.printable(tenant) + "'";
  }

  /** Running out of memory or stack is the JVM's state, not the listener's: it goes on. */
  private static void rethrowFatal(Throwable e) {
    if (e instanceof VirtualMachineError) {
      throw (VirtualMachineError) e;
    }
  }

  @Override
  public void onFetchStarted(FetchStarted event) {
    shared.onFetchStarted(event);
    tell("onFetchStarted", l -> l.onFetchStarted(event));
  }

  @Override
  public void onAttemptStarted(AttemptStarted event) {
    shared.onAttemptStarted(event);
    tell("onAttemptStarted", l -> l.onAttemptStarted(event));
  }

  /**
   * The shared listeners only: it wraps the send, on the request thread, where no tenant code runs.
   */
  @Override
  public void aroundAttempt(AttemptStarted event, Runnable send) {
    shared.aroundAttempt(event, send);
  }

  @Override
  public void onAttemptEnded(AttemptEnded event) {
    shared.onAttemptEnded(event);
    tell("onAttemptEnded", l -> l.onAttemptEnded(event));
  }

  @Override
  public void onRetryScheduled(RetryScheduled event) {
    shared.onRetryScheduled(event);
    tell("onRetryScheduled", l -> l.onRetryScheduled(event));
  }

  @Override
  public void onTokenObtained(TokenObtained event) {
    shared.onTokenObtained(event);
    tell("onTokenObtained", l -> l.onTokenObtained(event));
  }

  @Override
  public void onFetchEnded(FetchEnded event) {
    shared.onFetchEnded(event);
    tell("onFetchEnded", l -> l.onFetchEnded(event));
  }

  @Override
  public void onStateChanged(StateChanged event) {
    shared.onStateChanged(event);
    tell("onStateChanged", l -> l.onStateChanged(event));
  }

  @Override
  public void onStoreEvent(StoreEvent event) {
    shared.onStoreEvent(event);
    tell("onStoreEvent", l -> l.onStoreEvent(event));
  }

  @Override
  public void onClosingCoverage(ClosingCoverage event) {
    shared.onClosingCoverage(event);
    tell("onClosingCoverage", l -> l.onClosingCoverage(event));
  }
}

package io.tokenapi.sdk;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.Dispatcher;
import okhttp3.EventListener;
import okhttp3.Handshake;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the token request's OkHttp events to the {@link EventListener} of the caller's {@link
 * OkHttpClient} (its Micrometer or tracing instrumentation keeps seeing them), but never on the
 * request's thread: each event goes through the client's {@link ListenerDispatcher} queue and
 * reaches the caller's listener on the client's event thread, in order. A listener that blocks, is
 * slow or throws (an {@link Error} too) so never delays a token, never holds a request thread, and
 * never ends a refresh; the caller's factory itself is called there as well.
 *
 * <p>What the caller's listener gets never holds a credential: {@link Call#request()}, the request
 * of {@code requestHeadersEnd} and every {@link Response}'s request are copies whose body reads
 * {@value #REDACTED} and whose {@code Authorization} header (HTTP Basic client authentication) is
 * {@value #REDACTED}; responses carry no body; the {@link Call} is a view that never sends and
 * cannot cancel the token request; the {@link Connection} gives no socket; the {@link Dispatcher}
 * is a stand-in (the real one would list the token calls). Sizes, timings, addresses, handshakes,
 * status codes and headers of the answer are as OkHttp reported them.
 */
final class CallersEventListener implements EventListener.Factory {
  private static final Logger LOG = LoggerFactory.getLogger(CallersEventListener.class);

  /** What the caller's listener reads instead of a credential. */
  static final String REDACTED = "[REDACTED]";

  /**
   * Sends nothing: views of token calls are made with it, and their execute() fails at once. In a
   * holder, so a client without the caller's listener never builds it.
   */
  private static final class Views {
    static final OkHttpClient CLIENT =
        new OkHttpClient.Builder()
            .dispatcher(
                new Dispatcher(
                    new java.util.concurrent.AbstractExecutorService() {
                      // enqueue() on a view is refused by OkHttp's own path (executor rejected).
                      @Override
                      public void execute(Runnable command) {
                        throw new java.util.concurrent.RejectedExecutionException(
                            "a view of the SDK's token request is never sent");
                      }

                      @Override
                      public void shutdown() {}

                      @Override
                      public List<Runnable> shutdownNow() {
                        return List.of();
                      }

                      @Override
                      public boolean isShutdown() {
                        return false;
                      }

                      @Override
                      public boolean isTerminated() {
                        return false;
                      }

                      @Override
                      public boolean awaitTermination(long timeout, TimeUnit unit) {
                        return false;
                      }
                    }))
            .addInterceptor(
                chain -> {
                  throw new IOException(
                      "This Call is a read-only view of the SDK's token request, given to the"
                          + " OkHttpClient's EventListener: it is never sent");
                })
            .build();

    private Views() {}
  }

  /** Given for {@code dispatcherQueueStart/End}: the token client's dispatcher lists its calls. */
  private static final Dispatcher STAND_IN_DISPATCHER = new Dispatcher();

  private final EventListener.Factory callers;
  private final ListenerDispatcher events;

  private CallersEventListener(EventListener.Factory callers, ListenerDispatcher events) {
    this.callers = callers;
    this.events = events;
  }

  /**
   * The caller's listener factory, or null when its client has none: OkHttp's own factory of one
   * listener instance (what {@code eventListener(...)} and the default set) returns that instance
   * and runs none of the caller's code, so it is asked here; a factory of the caller's own class is
   * only ever called on the event thread.
   */
  static EventListener.Factory of(OkHttpClient callers) {
    if (callers == null) {
      return null;
    }
    EventListener.Factory factory = callers.eventListenerFactory();
    if (factory.getClass().getName().startsWith("okhttp3.")) {
      try {
        if (factory.create(Views.CLIENT.newCall(probe())) == EventListener.NONE) {
          return null;
        }
      } catch (RuntimeException e) {
        // Not the factory it looked like: treat it as the caller's own.
      }
    }
    return factory;
  }

  private static Request probe() {
    return new Request.Builder().url("http://localhost/").build();
  }

  /** The token client's factory: the caller's, reached through {@code events}. */
  static EventListener.Factory forwardingTo(
      EventListener.Factory callers, ListenerDispatcher events) {
    return new CallersEventListener(callers, events);
  }

  @Override
  public EventListener create(Call call) {
    return new Forwarder(call);
  }

  /**
   * The call as the caller's listener sees it: a call of {@link Views#CLIENT} with the redacted
   * request and a copy of the real call's timeout. Sending, cloning or cancelling it never touches
   * the token request (it fails at once, gives another view, or cancels the view), and an {@code
   * addEventListener} on it is never called.
   */
  private static Call viewOf(Call real) {
    Call view = Views.CLIENT.newCall(redacted(real.request()));
    view.timeout().timeout(real.timeout().timeoutNanos(), TimeUnit.NANOSECONDS);
    return view;
  }

  /** The request as the caller's listener sees it: no credential in the body or headers. */
  static Request redacted(Request request) {
    if (request == null) {
      return null;
    }
    Request.Builder copy = request.newBuilder();
    if (request.header("Authorization") != null) {
      copy.header("Authorization", REDACTED);
    }
    if (request.header("Proxy-Authorization") != null) {
      copy.header("Proxy-Authorization", REDACTED);
    }
    RequestBody body = request.body();
    if (body != null) {
      copy.method(request.method(), RequestBody.create(REDACTED, body.contentType()));
    }
    return copy.build();
  }

  /** The answer's status and headers; no body, and its request redacted. */
  static Response redacted(Response response) {
    if (response == null) {
      return null;
    }
    return new Response.Builder()
        .request(redacted(response.request()))
        .protocol(response.protocol())
        .code(response.code())
        .message(response.message())
        .handshake(response.handshake())
        .headers(response.headers())
        .sentRequestAtMillis(response.sentRequestAtMillis())
        .receivedResponseAtMillis(response.receivedResponseAtMillis())
        .build();
  }

  /**
   * One token call's listener: queues each event for the event thread, where the caller's listener
   * for this call is made (with the view of the call) and called. Called by OkHttp on the request's
   * thread; nothing here runs the caller's code there.
   */
  private final class Forwarder extends EventListener {
    private final Call real;

    /** The view of the call the caller's listener gets; made on the event thread. */
    private Call view;

    /** The caller's listener for this call; made and read on the event thread only. */
    private EventListener delegate;

    /** The caller's factory gave no listener (or failed): nothing more is queued for this call. */
    private volatile boolean none;

    /** The last connection and its view, so a listener sees one identity per connection. */
    private Connection lastReal;

    private ConnectionView lastView;

    Forwarder(Call real) {
      // Nothing of the call is read here: OkHttp makes the listener while it builds the call.
      this.real = real;
    }

    private void post(String method, Consumer<EventListener> event) {
      if (none) {
        return;
      }
      events.deliver(() -> run(method, event));
    }

    private void run(String method, Consumer<EventListener> event) {
      if (none) {
        return;
      }
      if (delegate == null) {
        view = viewOf(real);
        try {
          delegate = callers.create(view);
        } catch (Throwable e) {
          SafeListener.rethrowFatal(e);
          warn("EventListener.Factory.create", e);
        }
        if (delegate == null || delegate == EventListener.NONE) {
          none = true;
          return;
        }
      }
      try {
        event.accept(delegate);
      } catch (Throwable e) {
        SafeListener.rethrowFatal(e);
        warn("EventListener." + method, e);
      }
    }

    /** Made on the event thread: connection events arrive there in order. */
    private Connection view(Connection connection) {
      if (connection != lastReal) {
        lastReal = connection;
        lastView = new ConnectionView(connection);
      }
      return lastView;
    }

    @Override
    public void callStart(Call call) {
      post("callStart", l -> l.callStart(view));
    }

    @Override
    public void dispatcherQueueStart(Call call, Dispatcher dispatcher) {
      post("dispatcherQueueStart", l -> l.dispatcherQueueStart(view, STAND_IN_DISPATCHER));
    }

    @Override
    public void dispatcherQueueEnd(Call call, Dispatcher dispatcher) {
      post("dispatcherQueueEnd", l -> l.dispatcherQueueEnd(view, STAND_IN_DISPATCHER));
    }

    @Override
    public void proxySelectStart(Call call, HttpUrl url) {
      post("proxySelectStart", l -> l.proxySelectStart(view, url));
    }

    @Override
    public void proxySelectEnd(Call call, HttpUrl url, List<Proxy> proxies) {
      List<Proxy> copy = List.copyOf(proxies);
      post("proxySelectEnd", l -> l.proxySelectEnd(view, url, copy));
    }

    @Override
    public void dnsStart(Call call, String domainName) {
      post("dnsStart", l -> l.dnsStart(view, domainName));
    }

    @Override
    public void dnsEnd(Call call, String domainName, List<InetAddress> inetAddressList) {
      List<InetAddress> copy = List.copyOf(inetAddressList);
      post("dnsEnd", l -> l.dnsEnd(view, domainName, copy));
    }

    @Override
    public void connectStart(Call call, InetSocketAddress inetSocketAddress, Proxy proxy) {
      post("connectStart", l -> l.connectStart(view, inetSocketAddress, proxy));
    }

    @Override
    public void secureConnectStart(Call call) {
      post("secureConnectStart", l -> l.secureConnectStart(view));
    }

    @Override
    public void secureConnectEnd(Call call, Handshake handshake) {
      post("secureConnectEnd", l -> l.secureConnectEnd(view, handshake));
    }

    @Override
    public void connectEnd(
        Call call, InetSocketAddress inetSocketAddress, Proxy proxy, Protocol protocol) {
      post("connectEnd", l -> l.connectEnd(view, inetSocketAddress, proxy, protocol));
    }

    @Override
    public void connectFailed(
        Call call,
        InetSocketAddress inetSocketAddress,
        Proxy proxy,
        Protocol protocol,
        IOException ioe) {
      post("connectFailed", l -> l.connectFailed(view, inetSocketAddress, proxy, protocol, ioe));
    }

    @Override
    public void connectionAcquired(Call call, Connection connection) {
      post("connectionAcquired", l -> l.connectionAcquired(view, view(connection)));
    }

    @Override
    public void connectionReleased(Call call, Connection connection) {
      post("connectionReleased", l -> l.connectionReleased(view, view(connection)));
    }

    @Override
    public void requestHeadersStart(Call call) {
      post("requestHeadersStart", l -> l.requestHeadersStart(view));
    }

    @Override
    public void requestHeadersEnd(Call call, Request request) {
      post("requestHeadersEnd", l -> l.requestHeadersEnd(view, redacted(request)));
    }

    @Override
    public void requestBodyStart(Call call) {
      post("requestBodyStart", l -> l.requestBodyStart(view));
    }

    @Override
    public void requestBodyEnd(Call call, long byteCount) {
      post("requestBodyEnd", l -> l.requestBodyEnd(view, byteCount));
    }

    @Override
    public void requestFailed(Call call, IOException ioe) {
      post("requestFailed", l -> l.requestFailed(view, ioe));
    }

    @Override
    public void responseHeadersStart(Call call) {
      post("responseHeadersStart", l -> l.responseHeadersStart(view));
    }

    @Override
    public void responseHeadersEnd(Call call, Response response) {
      post("responseHeadersEnd", l -> l.responseHeadersEnd(view, redacted(response)));
    }

    @Override
    public void responseBodyStart(Call call) {
      post("responseBodyStart", l -> l.responseBodyStart(view));
    }

    @Override
    public void responseBodyEnd(Call call, long byteCount) {
      post("responseBodyEnd", l -> l.responseBodyEnd(view, byteCount));
    }

    @Override
    public void responseFailed(Call call, IOException ioe) {
      post("responseFailed", l -> l.responseFailed(view, ioe));
    }

    @Override
    public void callEnd(Call call) {
      post("callEnd", l -> l.callEnd(view));
    }

    @Override
    public void callFailed(Call call, IOException ioe) {
      post("callFailed", l -> l.callFailed(view, ioe));
    }

    @Override
    public void canceled(Call call) {
      post("canceled", l -> l.canceled(view));
    }

    @Override
    public void satisfactionFailure(Call call, Response response) {
      post("satisfactionFailure", l -> l.satisfactionFailure(view, redacted(response)));
    }

    @Override
    public void cacheHit(Call call, Response response) {
      post("cacheHit", l -> l.cacheHit(view, redacted(response)));
    }

    @Override
    public void cacheMiss(Call call) {
      post("cacheMiss", l -> l.cacheMiss(view));
    }

    @Override
    public void cacheConditionalHit(Call call, Response cachedResponse) {
      post("cacheConditionalHit", l -> l.cacheConditionalHit(view, redacted(cachedResponse)));
    }

    @Override
    public void retryDecision(Call call, IOException exception, boolean retry) {
      post("retryDecision", l -> l.retryDecision(view, exception, retry));
    }

    @Override
    public void followUpDecision(Call call, Response networkResponse, Request nextRequest) {
      post(
          "followUpDecision",
          l -> l.followUpDecision(view, redacted(networkResponse), redacted(nextRequest)));
    }
  }

  private void warn(String method, Throwable e) {
    long leftOut = events.warnings().admit();
    if (leftOut < 0) {
      return;
    }
    // Only the type: the listener's message is the application's text and could hold anything.
    LOG.warn(
        "The OkHttpClient's {} threw {} on a token request's event; the client ignores it and"
            + " carries on{}",
        method,
        e.getClass().getName(),
        ListenerWarnings.leftOutNote(leftOut));
  }

  /** The connection without its socket: route, handshake and protocol as they are. */
  private static final class ConnectionView implements Connection {
    private final Connection real;

    ConnectionView(Connection real) {
      this.real = real;
    }

    @Override
    public Route route() {
      return real.route();
    }

    @Override
    public Socket socket() {
      throw new UnsupportedOperationException(
          "The token request's socket is not shared with the OkHttpClient's EventListener");
    }

    @Override
    public Handshake handshake() {
      return real.handshake();
    }

    @Override
    public Protocol protocol() {
      return real.protocol();
    }

    @Override
    public String toString() {
      return real.toString();
    }
  }
}

package io.tokenapi.sdk.grpc;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call that, answered {@code UNAUTHENTICATED} for the token it carried before the server sent
 * anything else, invalidates that token and starts once more, replaying what the caller did: its
 * headers, its requests for messages, its one message and its half-close. Everything the caller
 * does and everything the first attempt answers goes through one lock, since the listener runs on
 * the call's executor while the caller may still be sending.
 */
final class RenewingCall<ReqT, RespT> extends ClientCall<ReqT, RespT> {
  private static final Logger LOG = LoggerFactory.getLogger(RenewingCall.class);

  private final MethodDescriptor<ReqT, RespT> method;
  private final CallOptions options;
  private final Channel next;
  private final OAuthClient client;
  private final boolean renewable;

  private final Object lock = new Object();
  private Listener<RespT> listener;
  private Metadata headers;
  private ClientCall<ReqT, RespT> current;
  private int requested;
  private ReqT message;
  private int messages;
  private boolean halfClosed;
  private boolean cancelled;
  private boolean renewed;

  RenewingCall(
      MethodDescriptor<ReqT, RespT> method,
      CallOptions options,
      Channel next,
      OAuthClient client,
      boolean renewable) {
    this.method = method;
    this.options = options;
    this.next = next;
    this.client = client;
    this.renewable = renewable;
  }

  @Override
  public void start(Listener<RespT> responseListener, Metadata headers) {
    synchronized (lock) {
      this.listener = responseListener;
      this.headers = copy(headers);
      startAttempt();
    }
  }

  /** Starts an attempt on a new call; holds the lock. */
  private void startAttempt() {
    AtomicReference<AccessToken> sent = new AtomicReference<>();
    current = next.newCall(method, RenewingInterceptor.attempt(options, sent));
    current.start(new AttemptListener(sent), copy(headers));
  }

  @Override
  public void request(int numMessages) {
    synchronized (lock) {
      requested += numMessages;
      current.request(numMessages);
    }
  }

  @Override
  public void sendMessage(ReqT message) {
    synchronized (lock) {
      this.message = message;
      messages++;
      current.sendMessage(message);
    }
  }

  @Override
  public void halfClose() {
    synchronized (lock) {
      halfClosed = true;
      current.halfClose();
    }
  }

  @Override
  public void cancel(String reason, Throwable cause) {
    synchronized (lock) {
      cancelled = true;
      if (current != null) {
        current.cancel(reason, cause);
      }
    }
  }

  @Override
  public boolean isReady() {
    synchronized (lock) {
      return current.isReady();
    }
  }

  @Override
  public void setMessageCompression(boolean enabled) {
    synchronized (lock) {
      current.setMessageCompression(enabled);
    }
  }

  @Override
  public Attributes getAttributes() {
    synchronized (lock) {
      return current.getAttributes();
    }
  }

  private static Metadata copy(Metadata headers) {
    Metadata copy = new Metadata();
    copy.merge(headers);
    return copy;
  }

  /** One attempt's answers: passed on, except an {@code UNAUTHENTICATED} worth renewing. */
  private final class AttemptListener extends Listener<RespT> {
    private final AtomicReference<AccessToken> sent;
    private boolean answered;

    AttemptListener(AtomicReference<AccessToken> sent) {
      this.sent = sent;
    }

    @Override
    public void onHeaders(Metadata responseHeaders) {
      answered = true;
      listener.onHeaders(responseHeaders);
    }

    @Override
    public void onMessage(RespT response) {
      answered = true;
      listener.onMessage(response);
    }

    @Override
    public void onReady() {
      listener.onReady();
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      AccessToken rejected = sent.get();
      if (status.getCode() != Status.Code.UNAUTHENTICATED || rejected == null) {
        listener.onClose(status, trailers);
        return;
      }
      // Drops the token only if it is still the cached one: a burst causes one refresh.
      client.invalidate(rejected);
      synchronized (lock) {
        if (renewable && !renewed && !answered && !cancelled && messages <= 1) {
          renewed = true;
          LOG.debug("{} answered UNAUTHENTICATED; retrying once with a new token", method);
          startAttempt();
          if (requested > 0) {
            current.request(requested);
          }
          if (messages == 1) {
            current.sendMessage(message);
          }
          if (halfClosed) {
            current.halfClose();
          }
          return;
        }
      }
      listener.onClose(status, trailers);
    }
  }
}

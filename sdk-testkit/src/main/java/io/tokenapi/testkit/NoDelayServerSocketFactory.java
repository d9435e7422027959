package io.tokenapi.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ServerSocketFactory;

/**
 * Server sockets whose accepted connections have {@code TCP_NODELAY} set. {@link FakeTokenServer}
 * uses it; pass it to {@code MockWebServer.setServerSocketFactory(...)} when you run your own
 * MockWebServer on loopback.
 *
 * <p>MockWebServer flushes the response headers and the body separately. With Nagle's algorithm on,
 * the body waits for the client's ACK of the headers, which the client delays (about 40 ms on
 * Linux) on a kept-alive connection: every request after the first would pay that stall.
 */
public final class NoDelayServerSocketFactory extends ServerSocketFactory {

  /** Creates the factory; it holds no state. */
  public NoDelayServerSocketFactory() {}

  /**
   * An unbound server socket whose accepted sockets have {@code TCP_NODELAY} set.
   *
   * @throws IOException if the socket cannot be created
   */
  @Override
  public ServerSocket createServerSocket() throws IOException {
    return new NoDelayServerSocket();
  }

  /**
   * The same, bound to {@code port} on all addresses.
   *
   * @throws IOException if the socket cannot be created or bound
   */
  @Override
  public ServerSocket createServerSocket(int port) throws IOException {
    return bound(new InetSocketAddress(port), 0);
  }

  /**
   * The same, bound to {@code port} on all addresses with the given backlog.
   *
   * @throws IOException if the socket cannot be created or bound
   */
  @Override
  public ServerSocket createServerSocket(int port, int backlog) throws IOException {
    return bound(new InetSocketAddress(port), backlog);
  }

  /**
   * The same, bound to {@code port} on {@code address} with the given backlog.
   *
   * @throws IOException if the socket cannot be created or bound
   */
  @Override
  public ServerSocket createServerSocket(int port, int backlog, InetAddress address)
      throws IOException {
    return bound(new InetSocketAddress(address, port), backlog);
  }

  private static ServerSocket bound(InetSocketAddress address, int backlog) throws IOException {
    ServerSocket socket = new NoDelayServerSocket();
    try {
      socket.bind(address, backlog);
      return socket;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private static final class NoDelayServerSocket extends ServerSocket {
    NoDelayServerSocket() throws IOException {
      super();
    }

    @Override
    public Socket accept() throws IOException {
      Socket socket = super.accept();
      socket.setTcpNoDelay(true);
      return socket;
    }
  }
}

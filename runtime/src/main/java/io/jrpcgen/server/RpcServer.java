package io.jrpcgen.server;

import io.jrpcgen.transport.Message;
import io.jrpcgen.transport.PeerClosedException;
import io.jrpcgen.transport.RecordMarking;
import io.jrpcgen.transport.RecordReader;
import io.jrpcgen.xdr.Bytes;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSocket;

/**
 * An ONC RPC server: serves several programs and versions over TCP and UDP.
 *
 * <pre>{@code
 * try (RpcServer server = RpcServer.builder()
 *     .program(definition)
 *     .bindAddress(InetAddress.getLoopbackAddress())
 *     .port(0)            // TCP and UDP on one free port number
 *     .start()) {
 *   int port = server.tcpPort();
 * }
 * }</pre>
 *
 * <p>The server answers NULLPROC itself and produces every error reply of RFC 5531:
 * RPC_MISMATCH, AUTH_ERROR, PROG_UNAVAIL, PROG_MISMATCH with the versions it has, PROC_UNAVAIL,
 * GARBAGE_ARGS, and SYSTEM_ERR for a handler that throws. Each TCP connection has its thread
 * (virtual on Java 21+) and is closed when idle longer than the idle timeout, including a peer that
 * stops half-way through a record; records larger than the maximum close the connection. UDP
 * requests are served in order by one thread, optionally through a duplicate request cache.
 * {@link #close()} stops accepting and lets calls in progress finish.
 *
 * <p>With a {@link Builder#registrar registrar}, such as
 * {@code io.jrpcgen.portmap.PortmapRegistrar}, the server registers every program version and
 * transport it serves once it is serving, and unregisters them first thing in {@link #close()}.
 */
public final class RpcServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RpcServer.class.getName());
  private static final int MAX_DATAGRAM = 65_507;
  // Replies to pipelined calls are gathered while more calls are already buffered, up to this.
  private static final int COALESCE_LIMIT = 64 * 1024;

  private final CallDispatcher dispatcher;
  private final Duration idleTimeout;
  private final int maxRecordSize;
  private final Duration closeGrace;
  private final ServerSocket tcp;
  private final DatagramSocket udp;
  private final DuplicateRequestCache cache;
  private final ServerTls tls;
  private final Set<TcpConnection> connections = ConcurrentHashMap.newKeySet();
  private final ReentrantLock udpBusy = new ReentrantLock();
  private final List<Thread> threads = new ArrayList<>();
  private Thread watchdog;
  private volatile Registrar.Registration registration;
  private volatile boolean closing;

  private RpcServer(Builder b, ServerSocket tcp, DatagramSocket udp) {
    this.dispatcher = new CallDispatcher(b.programs,
        b.tls == null ? java.util.Set.of() : b.tls.tlsOnlyPrograms());
    this.tls = b.tls;
    this.idleTimeout = b.idleTimeout;
    this.maxRecordSize = b.maxRecordSize;
    this.closeGrace = b.closeGrace;
    this.tcp = tcp;
    this.udp = udp;
    this.cache = b.cacheEntries > 0 ? new DuplicateRequestCache(b.cacheEntries) : null;
  }

  /** Starts describing a server. */
  public static Builder builder() {
    return new Builder();
  }

  /** The TCP port, or -1 if the server has no TCP listener. */
  public int tcpPort() {
    return tcp == null ? -1 : tcp.getLocalPort();
  }

  /** The UDP port, or -1 if the server has no UDP socket. */
  public int udpPort() {
    return udp == null ? -1 : udp.getLocalPort();
  }

  /** The address the server is bound to. */
  public InetAddress bindAddress() {
    return tcp != null ? tcp.getInetAddress() : udp.getLocalAddress();
  }

  /** The program versions served. */
  public List<ProgramDefinition> programs() {
    return dispatcher.definitions();
  }

  /** The number of open TCP connections. */
  public int connectionCount() {
    return connections.size();
  }

  /**
   * Unregisters the server if it registered, stops accepting calls, waits up to the close grace
   * period for calls in progress to reply, then closes every socket.
   */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    // Withdrawn while still serving, so that nobody is sent to a server that has gone.
    Registrar.Registration r = registration;
    registration = null;
    if (r != null) {
      try {
        r.close();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "cannot unregister: " + e);
      }
    }
    closing = true;
    closeQuietly(tcp);
    if (watchdog != null) {
      watchdog.interrupt();
    }
    long deadline = System.nanoTime() + closeGrace.toNanos();
    if (udp != null) {
      boolean idle = lockUntil(udpBusy, deadline);
      udp.close();
      if (idle) {
        udpBusy.unlock();
      }
    }
    for (TcpConnection c : connections) {
      c.close(deadline);
    }
    for (Thread t : threads) {
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void start() {
    if (tcp != null) {
      threads.add(startPlatform("jrpcgen-tcp-accept-" + tcp.getLocalPort(), this::acceptLoop));
      watchdog = startPlatform("jrpcgen-tcp-watchdog-" + tcp.getLocalPort(), this::watchdogLoop);
      threads.add(watchdog);
    }
    if (udp != null) {
      threads.add(startPlatform("jrpcgen-udp-" + udp.getLocalPort(), this::udpLoop));
    }
  }

  private static Thread startPlatform(String name, Runnable task) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void acceptLoop() {
    while (!closing) {
      Socket socket;
      try {
        socket = tcp.accept();
      } catch (IOException e) {
        if (closing || tcp.isClosed()) {
          return;
        }
        // Transient (out of file descriptors, a connection aborted before accept): pause, go on.
        LOG.log(Level.WARNING, "TCP accept failed: " + e);
        pause();
        continue;
      }
      try {
        socket.setTcpNoDelay(true);
        TcpConnection c = new TcpConnection(socket);
        connections.add(c);
        if (closing) {
          c.close(System.nanoTime());
        }
        ConnectionThreads.start("jrpcgen-tcp-" + socket.getRemoteSocketAddress(), c::serve);
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "cannot serve connection from " + socket.getRemoteSocketAddress(),
            e);
        closeQuietly(socket);
      }
    }
  }

  /**
   * Closes connections whose peer has not taken a reply for the idle timeout: a blocking write
   * has no timeout of its own, and a peer that sends calls but never reads would otherwise hold
   * its connection's thread for ever.
   */
  private void watchdogLoop() {
    long period = Math.max(10, Math.min(1000, idleTimeout.toMillis() / 4));
    while (!closing) {
      try {
        Thread.sleep(period);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (TcpConnection c : connections) {
        c.closeIfStuckWriting(now, idleTimeout.toNanos());
      }
    }
  }

  private void udpLoop() {
    byte[] buffer = new byte[MAX_DATAGRAM];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    XdrEncoder out = new XdrEncoder(1024);
    while (!closing) {
      try {
        packet.setLength(buffer.length);
        udp.receive(packet);
      } catch (IOException e) {
        if (closing || udp.isClosed()) {
          return;
        }
        LOG.log(Level.WARNING, "UDP receive failed: " + e);
        pause();
        continue;
      }
      udpBusy.lock();
      try {
        if (closing) {
          return;
        }
        InetSocketAddress remote = (InetSocketAddress) packet.getSocketAddress();
        Message request =
            new Message(Arrays.copyOf(buffer, packet.getLength()), packet.getLength());
        out.reset();
        if (dispatcher.dispatch(request, remote, CallContext.Transport.UDP, out, cache)) {
          udp.send(new DatagramPacket(out.array(), out.position(), remote));
        }
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "UDP call from " + packet.getSocketAddress() + " failed", e);
      } finally {
        udpBusy.unlock();
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean lockUntil(ReentrantLock lock, long deadline) {
    try {
      return lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception ignored) {
      // Closing is best effort: the socket is being abandoned.
    }
  }

  /** One TCP connection: reads calls in order and answers each. */
  private final class TcpConnection {
    private final Socket socket;
    private final InetSocketAddress remote;
    // Held while a call is being served, so that close() lets it finish.
    private final ReentrantLock busy = new ReentrantLock();
    // When the write in progress began (System.nanoTime), or 0 when none is.
    private volatile long writingSince;

    TcpConnection(Socket socket) {
      this.socket = socket;
      this.remote = (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    void serve() {
      try {
        DeadlineInputStream input = new DeadlineInputStream(socket);
        RecordReader reader = new RecordReader(input, maxRecordSize);
        OutputStream output = socket.getOutputStream();
        XdrEncoder out = new XdrEncoder(1024);
        TlsPeer tlsPeer = null;
        while (!closing) {
          // The wait for a call and the call itself share the idle timeout: a peer cannot keep
          // the connection by sending a byte now and then.
          input.deadline(System.nanoTime() + idleTimeout.toNanos());
          Message request = reader.read();
          Integer probe = tls == null || tlsPeer != null ? null : TlsAcceptor.probeXid(request);
          if (probe != null) {
            write(output, out);
            out.reset();
            SSLSocket secured = startTls(reader, output, probe);
            tlsPeer = TlsPeer.of(secured.getSession());
            input = new DeadlineInputStream(secured);
            reader = new RecordReader(input, maxRecordSize);
            output = secured.getOutputStream();
            continue;
          }
          busy.lock();
          try {
            if (closing) {
              // Replies held back for coalescing belong to calls that ran: they still go out.
              write(output, out);
              break;
            }
            int recordStart = out.position();
            out.skip(RecordMarking.HEADER_SIZE);
            if (dispatcher.dispatch(request, remote, CallContext.Transport.TCP, tlsPeer, out,
                null)) {
              int length = out.position() - recordStart - RecordMarking.HEADER_SIZE;
              Bytes.putInt(out.array(), recordStart, 0x8000_0000 | length);
            } else {
              out.truncate(recordStart);
            }
            // While more whole calls wait in the buffer, their replies go out in one write; a
            // part of a call must not hold back replies, as its rest may wait for them, and
            // neither may close(), which closes the socket once this call is done.
            if (closing || !reader.hasBufferedRecord() || out.position() >= COALESCE_LIMIT) {
              write(output, out);
              out.reset();
            }
          } finally {
            busy.unlock();
          }
        }
      } catch (SocketTimeoutException e) {
        LOG.log(Level.DEBUG, () -> "closing idle connection from " + remote);
      } catch (PeerClosedException e) {
        LOG.log(Level.DEBUG, () -> "connection from " + remote + " closed by peer");
      } catch (IOException e) {
        if (!closing) {
          LOG.log(Level.DEBUG, () -> "closing connection from " + remote + ": " + e);
        }
      } finally {
        connections.remove(this);
        closeQuietly(socket);
      }
    }

    /**
     * Answers an {@code AUTH_TLS} probe and runs the TLS handshake. It counts as a write for the
     * watchdog, which closes the connection if the handshake takes longer than the idle timeout.
     */
    private SSLSocket startTls(RecordReader reader, OutputStream output, int xid)
        throws IOException {
      if (reader.hasBufferedBytes()) {
        // RFC 9289 §5.1.1: data between the probe and the handshake is dropped with the
        // connection.
        throw new IOException("data after the AUTH_TLS probe, before the TLS handshake");
      }
      writingSince = System.nanoTime() | 1;
      try {
        return TlsAcceptor.accept(socket, output, xid, tls);
      } finally {
        writingSince = 0;
      }
    }

    private void write(OutputStream output, XdrEncoder out) throws IOException {
      writingSince = System.nanoTime() | 1;
      try {
        output.write(out.array(), 0, out.position());
      } finally {
        writingSince = 0;
      }
    }

    void closeIfStuckWriting(long now, long limit) {
      long since = writingSince;
      if (since != 0 && now - since > limit) {
        LOG.log(Level.DEBUG, () -> "closing connection from " + remote
            + ": it has not read its replies for " + idleTimeout);
        closeQuietly(socket);
      }
    }

    void close(long deadline) {
      boolean idle = lockUntil(busy, deadline);
      closeQuietly(socket);
      // Gone as soon as its socket is: the thread's own removal may come a little later.
      connections.remove(this);
      if (idle) {
        busy.unlock();
      }
    }
  }

  /** Describes a server; {@link #start()} binds its sockets and starts serving. */
  public static final class Builder {
    private final List<ProgramDefinition> programs = new ArrayList<>();
    private InetAddress bindAddress;
    private int tcpPort = -1;
    private int udpPort = -1;
    private boolean samePort;
    private Duration idleTimeout = Duration.ofMinutes(2);
    private Duration closeGrace = Duration.ofSeconds(5);
    private int maxRecordSize = 16 << 20;
    private int cacheEntries;
    private Registrar registrar;
    private ServerTls tls;

    private Builder() {}

    /**
     * Offers RPC-with-TLS (RFC 9289) on TCP connections: a client's {@code AUTH_TLS} probe is
     * answered with STARTTLS and the connection continues in TLS 1.3.
     */
    public Builder tls(ServerTls tls) {
      if (tls == null) {
        throw new IllegalArgumentException("tls is null");
      }
      this.tls = tls;
      return this;
    }

    /** Serves a program version. */
    public Builder program(ProgramDefinition definition) {
      programs.add(definition);
      return this;
    }

    /** The local address to bind; the wildcard address if not set. */
    public Builder bindAddress(InetAddress address) {
      this.bindAddress = address;
      return this;
    }

    /** Listens on TCP {@code port} (0 for any free port). */
    public Builder tcp(int port) {
      this.tcpPort = checkPort(port);
      return this;
    }

    /** Receives on UDP {@code port} (0 for any free port). */
    public Builder udp(int port) {
      this.udpPort = checkPort(port);
      return this;
    }

    /** Serves TCP and UDP on the same port number ({@code 0}: one that is free for both). */
    public Builder port(int port) {
      this.tcpPort = checkPort(port);
      this.udpPort = port;
      this.samePort = true;
      return this;
    }

    /** Closes a TCP connection that sends nothing for this long (default 2 minutes). */
    public Builder idleTimeout(Duration idleTimeout) {
      if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
        throw new IllegalArgumentException("idleTimeout <= 0: " + idleTimeout);
      }
      this.idleTimeout = idleTimeout;
      return this;
    }

    /** How long {@link RpcServer#close()} waits for calls in progress (default 5 s). */
    public Builder closeGrace(Duration closeGrace) {
      if (closeGrace == null || closeGrace.isNegative()) {
        throw new IllegalArgumentException("closeGrace < 0: " + closeGrace);
      }
      this.closeGrace = closeGrace;
      return this;
    }

    /** The largest call record accepted over TCP (default 16 MiB); a larger one closes it. */
    public Builder maxRecordSize(int maxRecordSize) {
      if (maxRecordSize <= 0) {
        throw new IllegalArgumentException("maxRecordSize <= 0: " + maxRecordSize);
      }
      this.maxRecordSize = maxRecordSize;
      return this;
    }

    /**
     * Keeps the last {@code entries} UDP replies so that a retransmitted request is answered
     * from the cache instead of running the procedure again. Off by default.
     */
    public Builder duplicateRequestCache(int entries) {
      if (entries <= 0) {
        throw new IllegalArgumentException("entries <= 0: " + entries);
      }
      this.cacheEntries = entries;
      return this;
    }

    /**
     * Registers the server with {@code registrar} once it serves, and unregisters it on
     * {@link RpcServer#close()}; none by default.
     */
    public Builder registrar(Registrar registrar) {
      if (registrar == null) {
        throw new IllegalArgumentException("registrar is null");
      }
      this.registrar = registrar;
      return this;
    }

    /**
     * Binds the sockets, starts serving and registers with the registrar, if any.
     *
     * @throws UncheckedIOException if a socket cannot be bound
     * @throws RuntimeException whatever the registrar throws; the server is closed then
     */
    public RpcServer start() {
      if (programs.isEmpty()) {
        throw new IllegalStateException("no program to serve");
      }
      if (tcpPort < 0 && udpPort < 0) {
        throw new IllegalStateException("neither tcp(port) nor udp(port) was given");
      }
      ServerSocket tcp = null;
      DatagramSocket udp = null;
      try {
        for (int attempt = 0; ; attempt++) {
          tcp = tcpPort >= 0 ? openTcp(tcpPort) : null;
          try {
            int port = samePort && tcp != null ? tcp.getLocalPort() : udpPort;
            udp = udpPort >= 0
                ? new DatagramSocket(new InetSocketAddress(bindAddress, port)) : null;
            break;
          } catch (BindException e) {
            // The free TCP port's twin may be taken on UDP: try another pair.
            closeQuietly(tcp);
            if (!samePort || tcpPort != 0 || attempt == 20) {
              throw e;
            }
          }
        }
        RpcServer server = new RpcServer(this, tcp, udp);
        server.start();
        if (registrar != null) {
          try {
            server.registration = registrar.register(server);
          } catch (RuntimeException | Error e) {
            server.close();
            throw e;
          }
        }
        return server;
      } catch (IOException e) {
        closeQuietly(tcp);
        closeQuietly(udp);
        throw new UncheckedIOException("cannot bind the server's sockets", e);
      }
    }

    private ServerSocket openTcp(int port) throws IOException {
      ServerSocket socket = new ServerSocket();
      try {
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(bindAddress, port), 128);
        return socket;
      } catch (IOException e) {
        socket.close();
        throw e;
      }
    }

    private static int checkPort(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      return port;
    }
  }
}

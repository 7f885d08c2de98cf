package io.jrpcgen.server;

import com.sun.management.UnixOperatingSystemMXBean;
import io.jrpcgen.internal.transport.DeadlineInputStream;
import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.internal.transport.PeerClosedException;
import io.jrpcgen.internal.transport.PiecewiseOutputStream;
import io.jrpcgen.internal.transport.RecordMarking;
import io.jrpcgen.internal.transport.RecordReader;
import io.jrpcgen.internal.transport.SocketStreams;
import io.jrpcgen.observe.RpcCall;
import io.jrpcgen.observe.RpcConnection;
import io.jrpcgen.observe.RpcListener;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
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
 * <p>The server answers NULLPROC itself and produces every error reply of RFC 5531: RPC_MISMATCH,
 * AUTH_ERROR, PROG_UNAVAIL, PROG_MISMATCH with the versions it has, PROC_UNAVAIL, GARBAGE_ARGS, and
 * SYSTEM_ERR for a handler that throws. Each TCP connection has a thread of its own (a platform
 * thread; on Java 21+ a virtual one for connections beyond the first {@code max(16, 4 × cores)}
 * served at once) and stays open while its peer keeps it, however long it idles between calls,
 * unless an {@link Builder#idleTimeout idle timeout} is asked for; a peer that stops half-way
 * through a record, or stops taking its replies, is closed after the {@link Builder#recordTimeout
 * record timeout}, and a record larger than the maximum closes the connection. Beyond {@link
 * Builder#maxConnections maxConnections} a new connection is closed at once. UDP requests are
 * served in order by one thread, optionally through a duplicate request cache.
 *
 * <p>A procedure implemented by an {@link AsyncProcedureHandler} replies when its stage completes,
 * and no server thread waits for it meanwhile. On TCP the connection goes on reading and serving
 * the calls that follow; each reply is written whole, as one record, when its call completes, so
 * replies leave in the order calls complete, not the order they came in (RFC 5531 matches them by
 * XID, as every client does). At most {@link Builder#maxPendingCalls} calls of a connection wait at
 * once; beyond that the connection is not read until one replies. On UDP the reply goes to the
 * address the call came from; with the duplicate request cache, a retransmission of a call still in
 * progress is dropped and one after it replied gets the cached reply. {@link #close()} waits,
 * within the close grace period, for these calls too.
 *
 * <p>No failure, not even running out of memory, descriptors or threads, ends accepting: the server
 * backs off and tries again. {@link #close()} stops accepting and lets calls in progress finish;
 * {@link #awaitTermination()} waits for that, and {@link Builder#shutdownOnSignal()} makes SIGTERM
 * close the server.
 *
 * <p>With a {@link Builder#registrar registrar}, such as {@code
 * io.jrpcgen.portmap.PortmapRegistrar}, the server registers every program version and transport it
 * serves once it is serving, and unregisters them first thing in {@link #close()}.
 *
 * <p>It logs through {@link System.Logger} as {@code io.jrpcgen.server.RpcServer}: at INFO what it
 * serves, its registration and its shutdown; at WARNING refused connections, resource limits and
 * procedures that throw; each connection at DEBUG; nothing per call at INFO.
 */
public final class RpcServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RpcServer.class.getName());
  private static final int MAX_DATAGRAM = 65_507;
  // Replies to pipelined calls are gathered while more calls are already buffered, up to this.
  private static final int COALESCE_LIMIT = 64 * 1024;
  // Descriptors left to the rest of the process (files, the UDP socket, clients it makes).
  private static final int RESERVED_DESCRIPTORS = 64;
  // What the default connection limit allows each connection of the heap.
  private static final int HEAP_PER_CONNECTION = 32 * 1024;
  // Memory held back for the server's own recovery: let go when memory runs out, taken again
  // before accepting resumes (see acceptLoop).
  private static final int RESERVE = 64 * 1024;
  private static final long MIN_PAUSE_MS = 10;
  private static final long MAX_PAUSE_MS = 1_000;
  // What failed, for backOff: made when the class is, while there is memory.
  private static final String[] TROUBLES = {
    "cannot accept TCP connections on",
    "TCP watchdog of",
    "UDP service on",
    "closing the connection from"
  };
  private static final int ACCEPT = 0;
  private static final int WATCHDOG = 1;
  private static final int UDP_SERVICE = 2;
  private static final int CONNECTION = 3;

  private final CallDispatcher dispatcher;
  // Observability hook: hears connections; null without a listener.
  private final RpcListener listener;
  private final Duration idleTimeout;
  private final Duration recordTimeout;
  private final int maxConnections;
  private final int maxRecordSize;
  private final int maxPendingCalls;
  private final Duration closeGrace;
  private final ServerSocket tcp;
  private final DatagramSocket udp;
  private final DuplicateRequestCache cache;
  // What the server listens on, for its log.
  private final String ports;
  private final ServerTls tls;
  private final Set<TcpConnection> connections = ConcurrentHashMap.newKeySet();
  private final ReentrantLock udpBusy = new ReentrantLock();
  private final PendingCalls udpPending;
  private final List<Thread> threads = new ArrayList<>();
  private final RateLimitedLog refusals = new RateLimitedLog(LOG, 10, TimeUnit.SECONDS);
  private final RateLimitedLog troubles = new RateLimitedLog(LOG, 10, TimeUnit.SECONDS);
  private final AtomicBoolean closeStarted = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private Thread watchdog;
  private Thread shutdownHook;
  private volatile Registrar.Registration registration;
  private volatile boolean closing;
  // Null from an OutOfMemoryError until memory is back.
  private volatile byte[] reserve = new byte[RESERVE];

  private RpcServer(Builder b, ServerSocket tcp, DatagramSocket udp) {
    this.dispatcher =
        new CallDispatcher(
            b.programs,
            b.tls == null ? Set.of() : b.tls.tlsOnlyPrograms(),
            b.security,
            b.listener == null
                ? null
                : new CallDispatcher.Observation(
                    b.listener,
                    tcp == null ? null : (InetSocketAddress) tcp.getLocalSocketAddress(),
                    udp == null ? null : (InetSocketAddress) udp.getLocalSocketAddress()));
    this.listener = b.listener == null ? null : RpcListener.guarded(b.listener);
    this.tls = b.tls;
    this.idleTimeout = b.idleTimeout;
    this.recordTimeout = b.recordTimeout;
    this.maxConnections = b.maxConnections > 0 ? b.maxConnections : defaultMaxConnections();
    this.maxRecordSize = b.maxRecordSize;
    this.maxPendingCalls = b.maxPendingCalls;
    this.udpPending = new PendingCalls(b.maxPendingCalls);
    this.closeGrace = b.closeGrace;
    this.tcp = tcp;
    this.udp = udp;
    this.ports = describePorts(tcp, udp);
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

  /** The most TCP connections served at once; beyond it a new one is closed at once. */
  public int maxConnections() {
    return maxConnections;
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
    if (!closeStarted.compareAndSet(false, true)) {
      return;
    }
    try {
      shutDown();
      LOG.log(Level.INFO, () -> "stopped serving " + ports);
    } finally {
      terminated.countDown();
    }
  }

  /**
   * Waits until the server has been {@link #close() closed} and its calls in progress are done, for
   * example until SIGTERM with {@link Builder#shutdownOnSignal()}.
   */
  public void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  /** Waits up to {@code timeout} for {@link #awaitTermination()}; whether it terminated. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void shutDown() {
    LOG.log(
        Level.INFO,
        () ->
            "shutting down " + ports + ": waiting up to " + closeGrace + " for calls in progress");
    Thread hook = shutdownHook;
    if (hook != null && Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down: the hook is running or about to.
      }
    }
    // Withdrawn while still serving, so that nobody is sent to a server that has gone.
    Registrar.Registration r = registration;
    registration = null;
    if (r != null) {
      try {
        r.close();
        LOG.log(Level.INFO, "unregistered");
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
      udpPending.wakeUp();
      udpPending.awaitNone(deadline);
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

  private void start(boolean onSignal) {
    for (ProgramDefinition d : dispatcher.definitions()) {
      LOG.log(
          Level.INFO,
          () ->
              "serving program "
                  + Integer.toUnsignedString(d.program())
                  + " version "
                  + Integer.toUnsignedString(d.version())
                  + " on "
                  + ports);
    }
    if (onSignal) {
      shutdownHook = new Thread(this::close, "jrpcgen-shutdown-" + ports);
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
    if (tcp != null) {
      ConnectionThreads.prepare();
      threads.add(startPlatform("jrpcgen-tcp-accept-" + tcp.getLocalPort(), this::acceptLoop));
      watchdog = startPlatform("jrpcgen-tcp-watchdog-" + tcp.getLocalPort(), this::watchdogLoop);
      threads.add(watchdog);
    }
    if (udp != null) {
      threads.add(startPlatform("jrpcgen-udp-" + udp.getLocalPort(), this::udpLoop));
    }
  }

  private static String describePorts(ServerSocket tcp, DatagramSocket udp) {
    InetAddress address = tcp != null ? tcp.getInetAddress() : udp.getLocalAddress();
    StringBuilder b = new StringBuilder().append(address.getHostAddress());
    if (tcp != null) {
      b.append(" tcp port ").append(tcp.getLocalPort());
    }
    if (udp != null) {
      b.append(tcp != null ? "," : "").append(" udp port ").append(udp.getLocalPort());
    }
    return b.toString();
  }

  private static Thread startPlatform(String name, Runnable task) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * Accepts connections until closed. Nothing ends it: out of descriptors (the connection waits in
   * the backlog), of memory or of threads, it backs off, reports once in a while and tries again,
   * while the connections already open go on being served.
   *
   * <p>After memory ran out anywhere in the server it accepts again only once the reserve could be
   * taken back: the JDK's accept allocates after the kernel has handed the connection over and
   * before anything owns its descriptor, so an accept that runs out of memory leaks the socket (it
   * stays in CLOSE-WAIT for ever), while a connection not yet accepted waits in the backlog.
   */
  private void acceptLoop() {
    long pauseMs = MIN_PAUSE_MS;
    while (!closing) {
      Socket socket = null;
      try {
        if (reserve == null) {
          // Fails while memory is short: backed off below, like a failed accept.
          reserve = new byte[RESERVE];
        }
        socket = tcp.accept();
        admit(socket);
        pauseMs = MIN_PAUSE_MS;
      } catch (Throwable e) {
        closeQuietly(socket);
        if (closing || tcp.isClosed()) {
          return;
        }
        backOff(ACCEPT, tcp, e, pauseMs);
        pauseMs = Math.min(MAX_PAUSE_MS, pauseMs * 2);
      }
    }
  }

  /**
   * Reports {@code e} (rate-limited) and pauses. Whatever fails here, the memory for the report
   * included, is swallowed: the caller's loop must go on. Callers pass an index into {@link
   * #TROUBLES} and objects they hold, not strings or enum constants: a string literal is allocated,
   * and an enum initialized, when first used, which fails when the heap is full.
   */
  private void backOff(int trouble, Object subject, Throwable e, long pauseMs) {
    if (e instanceof OutOfMemoryError) {
      // Room for the failure paths; accepting waits until it can be taken back.
      reserve = null;
    }
    try {
      troubles.warn(() -> TROUBLES[trouble] + " " + subject + ": " + e + "; going on");
    } catch (Throwable ignored) {
      // Not even the report could be made; the pause and the retry still can.
    }
    pause(pauseMs);
  }

  /** Serves {@code socket} on a thread of its own, or closes it at once beyond the limit. */
  private void admit(Socket socket) {
    if (connections.size() >= maxConnections) {
      refusals.warn(
          () ->
              "refusing a TCP connection from "
                  + socket.getRemoteSocketAddress()
                  + ": "
                  + maxConnections
                  + " connections are open, the limit (maxConnections)");
      closeQuietly(socket);
      return;
    }
    TcpConnection c = new TcpConnection(socket);
    connections.add(c);
    try {
      // Slow work (socket options, buffers) is the connection's own, not the accept loop's.
      ConnectionThreads.start("jrpcgen-tcp-" + c.remote, c::serve);
    } catch (Throwable e) {
      connections.remove(c);
      throw e;
    }
    if (closing) {
      c.close(System.nanoTime());
    }
  }

  /**
   * Closes connections whose peer has not taken a reply for the record timeout: a blocking write
   * has no timeout of its own, and a peer that sends calls but never reads would otherwise hold its
   * connection's thread for ever.
   */
  private void watchdogLoop() {
    long period = watchdogPeriodMillis(recordTimeout);
    while (!closing) {
      try {
        Thread.sleep(period);
      } catch (InterruptedException e) {
        return;
      }
      try {
        long now = System.nanoTime();
        for (TcpConnection c : connections) {
          c.closeIfStuckWriting(now, recordTimeout.toNanos());
        }
      } catch (Throwable e) {
        backOff(WATCHDOG, tcp, e, MIN_PAUSE_MS);
      }
    }
  }

  /**
   * How often the watchdog looks: a quarter of the record timeout, so that a stuck connection is
   * closed soon after it, but at least every second and at most every 10 ms.
   */
  static long watchdogPeriodMillis(Duration recordTimeout) {
    return Math.max(10, Math.min(1000, recordTimeout.toMillis() / 4));
  }

  private void udpLoop() {
    byte[] buffer = new byte[MAX_DATAGRAM];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    XdrEncoder out = new XdrEncoder(1024);
    while (!closing) {
      try {
        udpPending.awaitRoom(() -> closing);
        packet.setLength(buffer.length);
        udp.receive(packet);
        serveDatagram(packet, out);
      } catch (Throwable e) {
        if (closing || udp.isClosed()) {
          return;
        }
        // The socket itself would print as DatagramSocket@hash; the ports were described ahead.
        backOff(UDP_SERVICE, ports, e, MIN_PAUSE_MS);
      }
    }
  }

  private void serveDatagram(DatagramPacket packet, XdrEncoder out) {
    udpBusy.lock();
    try {
      if (closing) {
        return;
      }
      InetSocketAddress remote = (InetSocketAddress) packet.getSocketAddress();
      Message request =
          new Message(Arrays.copyOf(packet.getData(), packet.getLength()), packet.getLength());
      out.reset();
      if (dispatcher.dispatch(
          request, remote, CallContext.Transport.UDP, null, out, cache, new UdpLateReply(remote))) {
        udp.send(new DatagramPacket(out.array(), out.position(), remote));
      }
    } catch (IOException | RuntimeException e) {
      if (!droppedByClose(packet.getSocketAddress(), e)) {
        LOG.log(Level.WARNING, "UDP call from " + packet.getSocketAddress() + " failed", e);
      }
    } finally {
      udpBusy.unlock();
    }
  }

  /**
   * Whether a UDP reply failed because {@link #close()} closed the socket, its grace over, while
   * the call ran: then it is one DEBUG line, as on a TCP connection that close() ends, not a
   * warning. {@code e} is in the line.
   */
  private boolean droppedByClose(SocketAddress remote, Exception e) {
    if (!closing) {
      return false;
    }
    LOG.log(
        Level.DEBUG, () -> "UDP reply to " + remote + " dropped: the server closed (" + e + ")");
    return true;
  }

  /**
   * The default of {@link Builder#maxConnections}: what the descriptor limit leaves after a
   * reserve, and no more than the heap allows {@value #HEAP_PER_CONNECTION} bytes each.
   */
  static int defaultMaxConnections() {
    return maxConnections(descriptorLimit(), Runtime.getRuntime().maxMemory());
  }

  static int maxConnections(long descriptors, long heap) {
    long byDescriptors = descriptors - Math.max(RESERVED_DESCRIPTORS, descriptors / 8);
    long byHeap = heap / HEAP_PER_CONNECTION;
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.min(byDescriptors, byHeap)));
  }

  /** The process's descriptor limit, or 1,024 (the usual soft limit) where it cannot be read. */
  private static long descriptorLimit() {
    try {
      if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
        return unix.getMaxFileDescriptorCount();
      }
    } catch (LinkageError | RuntimeException e) {
      // jdk.management is absent from this runtime image.
    }
    return 1_024;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
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
    } catch (Throwable ignored) {
      // Closing is best effort: the socket is being abandoned.
    }
  }

  /** Sends the late reply of one UDP call to the address it came from. */
  private final class UdpLateReply implements LateReplies {
    private final InetSocketAddress remote;

    UdpLateReply(InetSocketAddress remote) {
      this.remote = remote;
    }

    @Override
    public void started() {
      udpPending.add();
    }

    @Override
    public XdrEncoder encoder() {
      return new XdrEncoder(256);
    }

    @Override
    public void send(XdrEncoder reply) {
      try {
        if (reply != null) {
          udp.send(new DatagramPacket(reply.array(), reply.position(), remote));
        }
      } catch (IOException | RuntimeException e) {
        if (!droppedByClose(remote, e)) {
          LOG.log(Level.WARNING, "UDP reply to " + remote + " failed: " + e);
        }
      } finally {
        udpPending.done();
      }
    }
  }

  /**
   * Makes the server's sockets. A test seam: tests give {@link Builder#sockets} one whose sockets
   * fail, to reach failure paths that real sockets take only under load or resource limits.
   */
  interface SocketMaker {
    /** The JDK's own sockets, what every server uses outside tests. */
    SocketMaker JDK =
        new SocketMaker() {
          @Override
          public ServerSocket serverSocket() throws IOException {
            return new ServerSocket();
          }

          @Override
          public DatagramSocket datagramSocket(InetSocketAddress local) throws IOException {
            return new DatagramSocket(local);
          }
        };

    /** An unbound TCP listener. */
    ServerSocket serverSocket() throws IOException;

    /** A UDP socket bound to {@code local}. */
    DatagramSocket datagramSocket(InetSocketAddress local) throws IOException;
  }

  /**
   * One TCP connection: reads calls in order and answers each, those that complete later whenever
   * they do.
   */
  private final class TcpConnection implements LateReplies {
    private final Socket socket;
    private final InetSocketAddress remote;
    // Held while a call is being served and while replies wait to go out with the next calls',
    // so that close() lets the call finish and its reply go out.
    private final ReentrantLock busy = new ReentrantLock();
    // Held while a record is written: late replies come from the threads that complete them.
    private final ReentrantLock writing = new ReentrantLock();
    private final PendingCalls pending = new PendingCalls(maxPendingCalls);
    // Where replies go: the socket's stream, then the TLS session's once it is set up.
    private volatile OutputStream output;
    // When the write in progress began (System.nanoTime), or 0 when none is.
    private volatile long writingSince;
    // Made once: a lambda made in the loop would be garbage of every call.
    private final BooleanSupplier stopped = this::stopping;
    // Calls to the client on this connection: their records are written as replies are.
    private final ConnectionCallbacks callbacks;

    TcpConnection(Socket socket) {
      this.socket = socket;
      this.remote = (InetSocketAddress) socket.getRemoteSocketAddress();
      this.callbacks =
          new ConnectionCallbacks(
              remote,
              (InetSocketAddress) socket.getLocalSocketAddress(),
              call -> write(RecordMarking.frame(call, RecordMarking.MAX_FRAGMENT)));
    }

    private boolean stopping() {
      return closing || socket.isClosed();
    }

    void serve() {
      DeadlineInputStream input = null;
      // Replies of calls that ran, held back to go out in one write with those of the calls
      // buffered behind them. While any are held, busy stays held: close() cannot close the
      // socket under them, and reading the next call does not block, as it is whole in the buffer.
      XdrEncoder out = null;
      Throwable ended = null;
      // Observability hook: the connection as the listener sees it, null without one.
      RpcConnection observed = null;
      try {
        LOG.log(Level.DEBUG, () -> "connection from " + remote + " accepted");
        callbacks.readBy(Thread.currentThread());
        if (listener != null) {
          observed =
              new RpcConnection(
                  RpcCall.Side.SERVER, (InetSocketAddress) socket.getLocalSocketAddress(), remote);
          listener.connectionOpened(observed);
        }
        socket.setTcpNoDelay(true);
        input = new DeadlineInputStream(socket);
        RecordReader reader = new RecordReader(input, maxRecordSize);
        output = new PiecewiseOutputStream(socket.getOutputStream());
        out = new XdrEncoder(1024);
        TlsPeer tlsPeer = null;
        while (!closing) {
          // Calls that answer later hold no thread, but their arguments and futures take memory:
          // at the limit, no more calls are read until one has replied.
          pending.awaitRoom(stopped);
          // A record shares one deadline from its first byte: a peer cannot keep the connection
          // by sending a byte now and then. Between records it may idle as long as it likes,
          // unless an idle timeout was asked for.
          if (reader.hasBufferedBytes()) {
            input.recordBegun(recordTimeout.toNanos());
          } else {
            input.awaitRecord(
                idleTimeout == null ? 0 : System.nanoTime() + idleTimeout.toNanos(),
                recordTimeout.toNanos());
          }
          Message request;
          try {
            request = reader.read();
          } catch (SocketTimeoutException e) {
            if (input.betweenRecords() && (pending.count() > 0 || callbacks.awaitsReplies())) {
              // Idle for the timeout, but not idle: calls are still to be answered, either way.
              continue;
            }
            throw e;
          }
          Integer probe = tls == null || tlsPeer != null ? null : TlsAcceptor.probeXid(request);
          if (probe != null) {
            // Late replies wait for the handshake, then go out in TLS.
            writing.lock();
            try {
              sendHeld(out);
              SocketStreams secured = startTls(reader, output, probe);
              tlsPeer = TlsPeer.of(((SSLSocket) secured.socket()).getSession());
              input = new DeadlineInputStream(secured.socket(), secured.in());
              reader = new RecordReader(input, maxRecordSize);
              output = secured.out();
            } finally {
              writing.unlock();
            }
            continue;
          }
          if (!busy.isHeldByCurrentThread()) {
            busy.lock();
          }
          if (closing) {
            // Not run: close() let the calls in progress finish, and this one came after.
            break;
          }
          int recordStart = out.position();
          out.skip(RecordMarking.HEADER_SIZE);
          try {
            if (!callbacks.tookReply(request)
                && dispatcher.dispatch(
                    request, remote, CallContext.Transport.TCP, tlsPeer, out, null, this)) {
              int length = out.position() - recordStart - RecordMarking.HEADER_SIZE;
              out.putInt(recordStart, 0x8000_0000 | length);
            } else {
              out.truncate(recordStart);
            }
          } catch (Throwable e) {
            // The replies held before this call are whole, and still go out; its part does not.
            out.truncate(recordStart);
            throw e;
          }
          // While more whole calls wait in the buffer, their replies go out in one write; a part of
          // a call must not hold back replies, as its rest may wait for them, nor may the limit of
          // pending calls, which leaves the next call unread until a late reply.
          if (!reader.hasBufferedRecord()
              || out.position() >= COALESCE_LIMIT
              || pending.count() >= maxPendingCalls) {
            sendHeld(out);
          }
        }
      } catch (Throwable e) {
        ended = e;
      } finally {
        if (busy.isHeldByCurrentThread()) {
          // However the connection ends (close(), a bad next record, a failure), the held replies
          // belong to calls that ran: they go out while the socket can still take them.
          try {
            sendHeld(out);
          } catch (Throwable e) {
            ended = ended == null ? e : ended;
          }
        }
        // Why it ends is said before the peer sees the close: whoever sees it, sees the reason
        // in the log.
        reportEnd(ended, input);
        // Before the connection is gone: a back channel asked for later has failed already.
        callbacks.ended(ended);
        connections.remove(this);
        closeQuietly(socket);
      }
      if (observed != null) {
        reportClosed(observed);
      }
    }

    /** Tells the listener the connection closed; nothing escapes, as from {@link #reportEnd}. */
    private void reportClosed(RpcConnection observed) {
      try {
        listener.connectionClosed(observed);
      } catch (Throwable e) {
        // The listener's own failures are logged by its guard; this is beyond even that.
      }
    }

    /**
     * Logs why the connection ended. Nothing escapes, not even running out of memory while the
     * report is made: the thread goes back to the pool, and a failure must not end it.
     */
    private void reportEnd(Throwable ended, DeadlineInputStream input) {
      try {
        if (ended instanceof SocketTimeoutException) {
          boolean idle = input.betweenRecords();
          LOG.log(
              Level.DEBUG,
              () ->
                  "closing connection from "
                      + remote
                      + (idle
                          ? ": idle for " + idleTimeout
                          : ": record not received in " + recordTimeout));
        } else if (ended instanceof PeerClosedException) {
          LOG.log(Level.DEBUG, () -> "connection from " + remote + " closed by peer");
        } else if (ended instanceof IOException) {
          if (!closing) {
            LOG.log(Level.DEBUG, () -> "closing connection from " + remote + ": " + ended);
          }
        } else if (ended != null) {
          // Out of memory, say: this connection ends, the others and the server go on.
          backOff(CONNECTION, remote, ended, 0);
        }
      } catch (Throwable e) {
        // Not even the report could be made.
      }
    }

    /**
     * Answers an {@code AUTH_TLS} probe and runs the TLS handshake. It counts as a write for the
     * watchdog, which closes the connection if the handshake takes longer than the record timeout.
     */
    private SocketStreams startTls(RecordReader reader, OutputStream output, int xid)
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

    /** Writes the replies held in {@code out}, empties it, and lets close() have the connection. */
    private void sendHeld(XdrEncoder out) throws IOException {
      try {
        write(out);
      } finally {
        out.reset();
        if (busy.isHeldByCurrentThread()) {
          busy.unlock();
        }
      }
    }

    /** Writes the records in {@code out}, whole, between those of other threads. */
    private void write(XdrEncoder out) throws IOException {
      if (out.position() == 0) {
        return;
      }
      writing.lock();
      writingSince = System.nanoTime() | 1;
      try {
        // Large opaques in the replies leave from their own arrays, not copied into out's.
        out.writeTo(output);
        // A TLS stream holds the records' bytes until the flush.
        output.flush();
      } catch (IOException | RuntimeException | Error e) {
        // A record may have gone in part, and nothing can follow it: whoever wrote it (this
        // connection's thread, a late reply's, a call to the client), the connection ends here.
        closeQuietly(socket);
        throw e;
      } finally {
        writingSince = 0;
        writing.unlock();
      }
    }

    @Override
    public void started() {
      pending.add();
    }

    @Override
    public Supplier<RpcChannel> backChannel() {
      return callbacks::channel;
    }

    @Override
    public XdrEncoder encoder() {
      XdrEncoder out = new XdrEncoder(256);
      out.skip(RecordMarking.HEADER_SIZE);
      return out;
    }

    @Override
    public void send(XdrEncoder reply) {
      try {
        if (reply != null) {
          reply.putInt(0, 0x8000_0000 | (reply.position() - RecordMarking.HEADER_SIZE));
          write(reply);
        }
      } catch (IOException | RuntimeException e) {
        // The connection is broken, or closed before the call completed: the reply has no way.
        LOG.log(Level.DEBUG, () -> "cannot send a late reply to " + remote + ": " + e);
        closeQuietly(socket);
      } finally {
        pending.done();
      }
    }

    void closeIfStuckWriting(long now, long limit) {
      long since = writingSince;
      if (since != 0 && now - since > limit) {
        LOG.log(
            Level.DEBUG,
            () ->
                "closing connection from "
                    + remote
                    + ": it has not read its replies for "
                    + recordTimeout);
        closeQuietly(socket);
      }
    }

    void close(long deadline) {
      boolean idle = lockUntil(busy, deadline);
      pending.awaitNone(deadline);
      closeQuietly(socket);
      pending.wakeUp();
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
    private Duration idleTimeout;
    private Duration recordTimeout = Duration.ofMinutes(2);
    private int maxConnections;
    private int backlog = 4_096;
    private boolean shutdownOnSignal;
    private Duration closeGrace = Duration.ofSeconds(5);
    private int maxRecordSize = 16 << 20;
    private int maxPendingCalls = 1_024;
    private int cacheEntries;
    private Registrar registrar;
    private ServerTls tls;
    private CallAuthenticator security;
    private SocketMaker sockets = SocketMaker.JDK;
    private RpcListener listener;

    private Builder() {}

    /**
     * Tells {@code listener} of every call served and every TCP connection; none by default, and
     * then nothing is done for one. For JFR events, {@code JfrRpcListener.INSTANCE}.
     */
    public Builder listener(RpcListener listener) {
      if (listener == null) {
        throw new IllegalArgumentException("listener is null");
      }
      this.listener = listener;
      return this;
    }

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

    /**
     * Checks calls of {@code security}'s flavor with it before they reach a procedure, and protects
     * their replies: {@code io.jrpcgen.gss.RpcSecGssServer} for RPCSEC_GSS (Kerberos).
     */
    public Builder security(CallAuthenticator security) {
      if (security == null) {
        throw new IllegalArgumentException("security is null");
      }
      this.security = security;
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

    /**
     * Closes a healthy TCP connection that has no call in progress for this long. Off by default,
     * as in libtirpc: a C client keeps one connection from {@code clnt_create} to {@code
     * clnt_destroy}, and dies of SIGPIPE on its next call if the server closed it.
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = positive("idleTimeout", idleTimeout);
      return this;
    }

    /**
     * Closes a TCP connection whose call record has not arrived whole this long after its first
     * byte, or whose peer has not taken a reply for this long (default 2 minutes).
     */
    public Builder recordTimeout(Duration recordTimeout) {
      this.recordTimeout = positive("recordTimeout", recordTimeout);
      return this;
    }

    /**
     * The most TCP connections served at once; beyond it a new connection is closed at once, with a
     * WARNING. The default keeps descriptors and heap in reserve: the descriptor limit less an
     * eighth (at least 64), and no more than one connection per 32 KiB of heap.
     */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections <= 0) {
        throw new IllegalArgumentException("maxConnections <= 0: " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    /**
     * The TCP listen backlog: connections the kernel completes before the server accepts them
     * (default 4,096; the kernel caps it at {@code net.core.somaxconn}).
     */
    public Builder backlog(int backlog) {
      if (backlog <= 0) {
        throw new IllegalArgumentException("backlog <= 0: " + backlog);
      }
      this.backlog = backlog;
      return this;
    }

    /**
     * Closes the server, as {@link RpcServer#close()} does, when the JVM shuts down: on SIGTERM or
     * SIGINT, or when the last non-daemon thread ends. Off by default.
     */
    public Builder shutdownOnSignal() {
      this.shutdownOnSignal = true;
      return this;
    }

    private static Duration positive(String name, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " <= 0: " + d);
      }
      return d;
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
     * The most calls of one TCP connection, or of the UDP service, that may wait for a late reply
     * at once: calls of {@link AsyncProcedureHandler}s not yet completed (default 1,024). At the
     * limit the server reads no more calls from that connection (or datagrams) until one of them
     * replies, so that memory stays bounded while the peer's calls wait in its socket.
     */
    public Builder maxPendingCalls(int maxPendingCalls) {
      if (maxPendingCalls <= 0) {
        throw new IllegalArgumentException("maxPendingCalls <= 0: " + maxPendingCalls);
      }
      this.maxPendingCalls = maxPendingCalls;
      return this;
    }

    /**
     * Keeps the last {@code entries} UDP replies so that a retransmitted request is answered from
     * the cache instead of running the procedure again. Off by default.
     */
    public Builder duplicateRequestCache(int entries) {
      if (entries <= 0) {
        throw new IllegalArgumentException("entries <= 0: " + entries);
      }
      this.cacheEntries = entries;
      return this;
    }

    /**
     * Registers the server with {@code registrar} once it serves, and unregisters it on {@link
     * RpcServer#close()}; none by default.
     */
    public Builder registrar(Registrar registrar) {
      if (registrar == null) {
        throw new IllegalArgumentException("registrar is null");
      }
      this.registrar = registrar;
      return this;
    }

    /** Makes the sockets with {@code sockets}: a test seam, see {@link SocketMaker}. */
    Builder sockets(SocketMaker sockets) {
      this.sockets = sockets;
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
            udp =
                udpPort >= 0
                    ? sockets.datagramSocket(new InetSocketAddress(bindAddress, port))
                    : null;
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
        server.start(shutdownOnSignal);
        if (registrar != null) {
          try {
            server.registration = registrar.register(server);
            LOG.log(Level.INFO, () -> "registered " + server.ports + " with " + registrar);
          } catch (RuntimeException | Error e) {
            server.close();
            throw e;
          }
        }
        return server;
      } catch (IOException e) {
        // Only the loop throws it, before a UDP socket is made: the listener is all there is.
        closeQuietly(tcp);
        throw new UncheckedIOException("cannot bind the server's sockets", e);
      }
    }

    private ServerSocket openTcp(int port) throws IOException {
      ServerSocket socket = sockets.serverSocket();
      try {
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(bindAddress, port), backlog);
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

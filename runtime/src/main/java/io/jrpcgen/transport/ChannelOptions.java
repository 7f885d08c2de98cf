package io.jrpcgen.transport;

import io.jrpcgen.internal.transport.RecordMarking;
import io.jrpcgen.observe.RpcListener;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * How a client channel uses its socket. Immutable; the {@code with} methods return copies.
 *
 * @param connectTimeout how long opening a TCP connection may take
 * @param keepAlive whether TCP connections use SO_KEEPALIVE, to notice a peer that died silently
 * @param maxRecordSize the largest reply record or datagram accepted
 * @param maxFragmentSize the largest fragment a TCP record is sent in
 * @param tls RPC-with-TLS settings for TCP, or null for plain RPC (UDP refuses TLS settings)
 * @param maxInFlight how many calls, synchronous and asynchronous, may await replies on the channel
 *     at once; a call beyond waits for one to end, within its own deadline
 * @param listener hears every call and TCP connection of the channel, or null (the default: nothing
 *     is done for it)
 * @param keepAliveTimers when keep-alive probes start and repeat, or null for the system's defaults
 *     (on Linux {@code net.ipv4.tcp_keepalive_time}, 2 hours, and its kin)
 * @param backChannel what serves the calls the server makes on the client's TCP connection (its
 *     back channel), or null (the default: such calls are dropped); UDP refuses it
 */
public record ChannelOptions(
    Duration connectTimeout,
    boolean keepAlive,
    int maxRecordSize,
    int maxFragmentSize,
    TlsSettings tls,
    int maxInFlight,
    RpcListener listener,
    KeepAlive keepAliveTimers,
    BackChannelService backChannel) {
  /** At most this many calls await replies on one channel unless told otherwise. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 1024;

  /**
   * 25 s to connect, no keep-alive, records sent as a single fragment, replies of up to 65 MiB: the
   * largest transfer size servers advertise (nfs-ganesha's rtmax of 64 MiB) with room for the RPC
   * and protocol headers around it. A reply's memory grows only as its bytes arrive. At most {@link
   * #DEFAULT_MAX_IN_FLIGHT} calls in flight.
   */
  public static final ChannelOptions DEFAULTS =
      new ChannelOptions(Duration.ofSeconds(25), false, 65 << 20, RecordMarking.MAX_FRAGMENT);

  /** Options without TLS or a listener, with the default bound of calls in flight. */
  public ChannelOptions(
      Duration connectTimeout, boolean keepAlive, int maxRecordSize, int maxFragmentSize) {
    this(connectTimeout, keepAlive, maxRecordSize, maxFragmentSize, null);
  }

  /**
   * Options without a listener, with the default bound of calls in flight and the system's
   * keep-alive timers.
   */
  public ChannelOptions(
      Duration connectTimeout,
      boolean keepAlive,
      int maxRecordSize,
      int maxFragmentSize,
      TlsSettings tls) {
    this(
        connectTimeout,
        keepAlive,
        maxRecordSize,
        maxFragmentSize,
        tls,
        DEFAULT_MAX_IN_FLIGHT,
        null,
        null);
  }

  /** Options without a back channel. */
  public ChannelOptions(
      Duration connectTimeout,
      boolean keepAlive,
      int maxRecordSize,
      int maxFragmentSize,
      TlsSettings tls,
      int maxInFlight,
      RpcListener listener,
      KeepAlive keepAliveTimers) {
    this(
        connectTimeout,
        keepAlive,
        maxRecordSize,
        maxFragmentSize,
        tls,
        maxInFlight,
        listener,
        keepAliveTimers,
        null);
  }

  /**
   * The timers of TCP keep-alive ({@code TCP_KEEPIDLE}, {@code TCP_KEEPINTVL}, {@code
   * TCP_KEEPCNT}), in whole seconds as the kernel counts them: after {@code idle} without traffic a
   * probe is sent, then one every {@code interval}, and after {@code count} probes unanswered the
   * connection is dead, its calls failing with a connection error.
   *
   * @param idle the silence before the first probe, at least a second
   * @param interval the time between probes, at least a second
   * @param count the probes unanswered before the connection is given up, at least 1
   */
  public record KeepAlive(Duration idle, Duration interval, int count) {
    public KeepAlive {
      if (idle == null || idle.getSeconds() < 1) {
        throw new IllegalArgumentException("keep-alive idle < 1 s: " + idle);
      }
      if (interval == null || interval.getSeconds() < 1) {
        throw new IllegalArgumentException("keep-alive interval < 1 s: " + interval);
      }
      if (count < 1) {
        throw new IllegalArgumentException("keep-alive count < 1: " + count);
      }
    }
  }

  public ChannelOptions {
    if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout <= 0: " + connectTimeout);
    }
    if (maxRecordSize <= 0) {
      throw new IllegalArgumentException("maxRecordSize <= 0: " + maxRecordSize);
    }
    if (maxFragmentSize <= 0) {
      throw new IllegalArgumentException("maxFragmentSize <= 0: " + maxFragmentSize);
    }
    if (maxInFlight <= 0) {
      throw new IllegalArgumentException("maxInFlight <= 0: " + maxInFlight);
    }
  }

  /** A copy with another connect timeout. */
  public ChannelOptions withConnectTimeout(Duration connectTimeout) {
    return with(copy -> copy.connectTimeout = connectTimeout);
  }

  /** A copy with SO_KEEPALIVE on or off; on, with the timers set, if any. */
  public ChannelOptions withKeepAlive(boolean keepAlive) {
    return with(copy -> copy.keepAlive = keepAlive);
  }

  /**
   * A copy with SO_KEEPALIVE on and its timers set, where the platform has them ({@code
   * jdk.net.ExtendedSocketOptions}: Linux, macOS, Windows 10 and later); elsewhere keep-alive is on
   * with the system's timers. {@link TcpChannel#keepAliveTimers()} reads what a connection has.
   */
  public ChannelOptions withKeepAlive(KeepAlive timers) {
    if (timers == null) {
      throw new IllegalArgumentException("timers is null");
    }
    return with(
        copy -> {
          copy.keepAlive = true;
          copy.keepAliveTimers = timers;
        });
  }

  /** A copy with another maximum record size. */
  public ChannelOptions withMaxRecordSize(int maxRecordSize) {
    return with(copy -> copy.maxRecordSize = maxRecordSize);
  }

  /** A copy that sends records in fragments of at most {@code maxFragmentSize} bytes. */
  public ChannelOptions withMaxFragmentSize(int maxFragmentSize) {
    return with(copy -> copy.maxFragmentSize = maxFragmentSize);
  }

  /** A copy that lets at most {@code maxInFlight} calls await replies at once. */
  public ChannelOptions withMaxInFlight(int maxInFlight) {
    return with(copy -> copy.maxInFlight = maxInFlight);
  }

  /** A copy whose TCP connections use RPC-with-TLS with {@code tls} (null: plain RPC). */
  public ChannelOptions withTls(TlsSettings tls) {
    return with(copy -> copy.tls = tls);
  }

  /** A copy whose channels tell {@code listener} of every call and connection (null: none). */
  public ChannelOptions withListener(RpcListener listener) {
    return with(copy -> copy.listener = listener);
  }

  /**
   * A copy whose TCP connections serve the calls their server makes on them with {@code
   * backChannel} (null: none), as NFSv4.1's back channel: {@code
   * io.jrpcgen.server.BackChannelServer} serves program versions so. A connection that replaces a
   * lost one is served as well.
   */
  public ChannelOptions withBackChannel(BackChannelService backChannel) {
    return with(copy -> copy.backChannel = backChannel);
  }

  private ChannelOptions with(Consumer<Copy> change) {
    Copy copy = new Copy(this);
    change.accept(copy);
    return copy.build();
  }

  /** The fields of options being copied, for the {@code with} methods to change one or two. */
  private static final class Copy {
    private Duration connectTimeout;
    private boolean keepAlive;
    private int maxRecordSize;
    private int maxFragmentSize;
    private TlsSettings tls;
    private int maxInFlight;
    private RpcListener listener;
    private KeepAlive keepAliveTimers;
    private BackChannelService backChannel;

    Copy(ChannelOptions options) {
      connectTimeout = options.connectTimeout;
      keepAlive = options.keepAlive;
      maxRecordSize = options.maxRecordSize;
      maxFragmentSize = options.maxFragmentSize;
      tls = options.tls;
      maxInFlight = options.maxInFlight;
      listener = options.listener;
      keepAliveTimers = options.keepAliveTimers;
      backChannel = options.backChannel;
    }

    ChannelOptions build() {
      return new ChannelOptions(
          connectTimeout,
          keepAlive,
          maxRecordSize,
          maxFragmentSize,
          tls,
          maxInFlight,
          listener,
          keepAliveTimers,
          backChannel);
    }
  }
}

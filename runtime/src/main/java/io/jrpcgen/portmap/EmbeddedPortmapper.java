package io.jrpcgen.portmap;

import io.jrpcgen.server.RpcServer;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A portmapper in this JVM: PMAP version 2 and rpcbind versions 3 and 4 over TCP and UDP on one
 * port, built on {@link RpcServer}, for hosts that run no rpcbind and for tests.
 *
 * <pre>{@code
 * try (EmbeddedPortmapper portmapper = EmbeddedPortmapper.start(111)) {
 *   RpcServer.builder().program(definition).port(0)
 *       .registrar(PortmapRegistrar.local()).start();
 * }
 * }</pre>
 *
 * <p>It behaves as rpcbind does where clients can tell (see {@code rpcinfo}), with these
 * differences: it forgets registrations whose server is gone, probing them every probe interval and
 * before answering GETPORT or GETADDR (TCP: a connection is accepted; UDP: NULLPROC is answered),
 * at once on a refusal and after long silence only ({@link Builder#giveUpAfter}), so that a server
 * busy in a long call keeps its registration; it does not implement UADDR2TADDR, TADDR2UADDR,
 * INDIRECT, GETADDRLIST and GETSTAT (PROC_UNAVAIL); with remote calls on ({@link
 * Builder#remoteCalls}, off by default as in rpcbind without {@code -r}) it forwards CALLIT
 * synchronously, so that UDP queries wait while a forwarded call does (at most the forward
 * timeout); and owners are whatever the registrant claims, or {@code unknown}, since it cannot see
 * the user behind a socket. As in rpcbind, only callers on a loopback address may SET and UNSET.
 */
public final class EmbeddedPortmapper implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(EmbeddedPortmapper.class.getName());
  private static final int MAX_REGISTRATIONS = 4096;
  // Its calls are small: SET carries a few short strings, CALLIT a datagram's worth.
  private static final int MAX_RECORD = 64 * 1024;

  private final RpcServer server;
  private final Registry registry;
  private final ScheduledExecutorService sweeper;

  private EmbeddedPortmapper(
      RpcServer server, Registry registry, ScheduledExecutorService sweeper) {
    this.server = server;
    this.registry = registry;
    this.sweeper = sweeper;
  }

  /** Starts a portmapper on {@code port} (TCP and UDP, every interface) with the defaults. */
  public static EmbeddedPortmapper start(int port) {
    return builder().port(port).start();
  }

  /** Starts describing a portmapper. */
  public static Builder builder() {
    return new Builder();
  }

  /** The port it serves on, TCP and UDP. */
  public int port() {
    return server.tcpPort();
  }

  /** Where a client on this host reaches it: the loopback address, or the bound address. */
  public InetSocketAddress localAddress() {
    InetAddress bound = server.bindAddress();
    InetAddress host = bound.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bound;
    return new InetSocketAddress(host, port());
  }

  /** Every registration, its own first, as DUMP lists them. */
  public List<Rpcb> registrations() {
    return registry.all();
  }

  /** Stops serving; every registration is forgotten. */
  @Override
  public void close() {
    sweeper.shutdownNow();
    server.close();
  }

  private void addOwnEntries() {
    InetAddress bound = server.bindAddress();
    boolean wildcard = bound.isAnyLocalAddress();
    boolean ipv4 = IpAddresses.isIpv4(bound) || wildcard;
    boolean ipv6 = !IpAddresses.isIpv4(bound) || (wildcard && IpAddresses.wildcardIsDualStack());
    for (int version = PortmapProtocol.RPCB_VERSION_4;
        version >= PortmapProtocol.PMAP_VERSION;
        version--) {
      for (boolean tcp : new boolean[] {true, false}) {
        if (ipv6 && version != PortmapProtocol.PMAP_VERSION) {
          addOwn(
              version,
              PortmapProtocol.netid(tcp, true),
              wildcard ? IpAddresses.ipv6Wildcard() : bound);
        }
        if (ipv4) {
          addOwn(
              version,
              PortmapProtocol.netid(tcp, false),
              wildcard ? IpAddresses.ipv4Wildcard() : bound);
        }
      }
    }
  }

  private void addOwn(int version, String netid, InetAddress address) {
    registry.addPermanent(
        new Rpcb(
            PortmapProtocol.PROGRAM,
            version,
            netid,
            new UniversalAddress(address, port()).toString(),
            "superuser"));
  }

  private void sweep(LivenessPolicy liveness) {
    // A scheduled task that throws is never run again: whatever fails, the next sweep must come.
    try {
      List<Rpcb> registered = registry.registered();
      liveness.retainOnly(registered);
      for (Rpcb r : registered) {
        if (liveness.isGone(r) && registry.remove(r)) {
          LOG.log(
              Level.INFO, () -> "forgot " + PortmapService.describe(r) + ": its server is gone");
        }
      }
    } catch (Throwable e) {
      try {
        LOG.log(Level.WARNING, "probing registrations failed; the next sweep goes on", e);
      } catch (Throwable ignored) {
        // Not even the report could be made (out of memory): the next sweep still comes.
      }
    }
  }

  /** Where it listens: "127.0.0.1 port 111", or "every interface, port 111". */
  String describeWhere() {
    InetAddress bound = server.bindAddress();
    return (bound.isAnyLocalAddress() ? "every interface," : bound.getHostAddress())
        + " port "
        + port();
  }

  /** Describes an embedded portmapper; {@link #start()} binds it. */
  public static final class Builder {
    private int port = PortmapProtocol.PORT;
    private InetAddress bindAddress;
    private Duration probeInterval = Duration.ofSeconds(30);
    private Duration probeTimeout = Duration.ofMillis(500);
    private Duration forwardTimeout = Duration.ofSeconds(2);
    private Duration giveUpAfter = Duration.ofMinutes(5);
    private boolean remoteCalls;
    private LongSupplier nanoClock = System::nanoTime;

    private Builder() {}

    /** The TCP and UDP port (default 111; 0 for any free port). */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /** The local address to bind; every interface if not set, as rpcbind. */
    public Builder bindAddress(InetAddress bindAddress) {
      this.bindAddress = bindAddress;
      return this;
    }

    /** How often every registration is probed (default 30 s). */
    public Builder probeInterval(Duration probeInterval) {
      this.probeInterval = requirePositive("probeInterval", probeInterval);
      return this;
    }

    /** How long a probe waits for a server to answer (default 500 ms). */
    public Builder probeTimeout(Duration probeTimeout) {
      this.probeTimeout = requirePositive("probeTimeout", probeTimeout);
      return this;
    }

    /** How long CALLIT waits for the server it forwards to (default 2 s). */
    public Builder forwardTimeout(Duration forwardTimeout) {
      this.forwardTimeout = requirePositive("forwardTimeout", forwardTimeout);
      return this;
    }

    /**
     * Whether CALLIT (and BCAST) are forwarded to the registered program (default false, as rpcbind
     * without {@code -r}): a portmapper that forwards calls from anyone to anything registered is a
     * UDP reflector and amplifier, but broadcast RPC ({@link BroadcastCall}, {@code
     * clnt_broadcast}) needs it. When off, such calls get no reply at all, as from rpcbind.
     */
    public Builder remoteCalls(boolean remoteCalls) {
      this.remoteCalls = remoteCalls;
      return this;
    }

    /**
     * How long a registration whose server does not answer probes is kept (default 5 min): it is
     * forgotten once that long has passed since the first of at least three unanswered probes in a
     * row. A refusal (connection refused, ICMP port unreachable) forgets it at once.
     */
    public Builder giveUpAfter(Duration giveUpAfter) {
      this.giveUpAfter = requirePositive("giveUpAfter", giveUpAfter);
      return this;
    }

    /** The clock silences are timed with ({@link System#nanoTime()}); for tests. */
    Builder clock(LongSupplier nanoClock) {
      this.nanoClock = nanoClock;
      return this;
    }

    /**
     * Binds TCP and UDP and starts serving.
     *
     * @throws java.io.UncheckedIOException if the port cannot be bound
     */
    public EmbeddedPortmapper start() {
      Registry registry = new Registry(MAX_REGISTRATIONS);
      LivenessPolicy liveness =
          new LivenessPolicy(
              new LivenessProbe(probeTimeout)::probe, giveUpAfter.toNanos(), nanoClock);
      PortmapService service = new PortmapService(registry, liveness, remoteCalls, forwardTimeout);
      RpcServer.Builder b =
          RpcServer.builder().bindAddress(bindAddress).port(port).maxRecordSize(MAX_RECORD);
      service.definitions().forEach(b::program);
      RpcServer server = b.start();
      ScheduledExecutorService sweeper =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "jrpcgen-portmap-probe-" + server.tcpPort());
                t.setDaemon(true);
                return t;
              });
      EmbeddedPortmapper portmapper = new EmbeddedPortmapper(server, registry, sweeper);
      portmapper.addOwnEntries();
      long millis = probeInterval.toMillis();
      // The future has nothing to tell: sweep() catches every Throwable, and close() stops
      // the executor.
      ScheduledFuture<?> unused =
          sweeper.scheduleWithFixedDelay(
              () -> portmapper.sweep(liveness), millis, millis, TimeUnit.MILLISECONDS);
      String forwarding = remoteCalls ? "on" : "off";
      LOG.log(
          Level.DEBUG,
          () ->
              "portmapper serving PMAP 2 and rpcbind 3, 4 on "
                  + portmapper.describeWhere()
                  + " (TCP and UDP), remote calls "
                  + forwarding);
      return portmapper;
    }

    private static Duration requirePositive(String name, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " <= 0: " + d);
      }
      return d;
    }
  }
}

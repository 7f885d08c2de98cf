package io.jrpcgen.portmap;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.server.ProgramDefinition;
import io.jrpcgen.server.Registrar;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.ChannelOptions;
import io.jrpcgen.transport.TcpChannel;
import io.jrpcgen.xdr.XdrCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Registers an {@link RpcServer} with the portmapper, as an rpcgen server's {@code main} does with
 * {@code pmap_unset} and {@code svc_register}: every program version, on each transport; and
 * unregisters on close what is still its own.
 *
 * <p>A registration of the same program version and transport by another server is replaced only if
 * that server is definitely gone (its port refuses: connection refused, ICMP port unreachable; or
 * another program answers there). If it answers, or may be busy (no answer), {@code start()} fails
 * with {@link RpcStatus#PMAP_FAILURE} and says which, as rpcbind refuses a SET of a taken mapping,
 * unless {@link #replacingLive()} asks to take its place.
 *
 * <pre>{@code
 * RpcServer server = RpcServer.builder().program(definition).port(0)
 *     .registrar(PortmapRegistrar.local())      // or PortmapRegistrar.local().orEmbedded()
 *     .start();
 * }</pre>
 *
 * <p>How it talks to the portmapper: to the local one (127.0.0.1 port 111) first over rpcbind's
 * local socket {@code /run/rpcbind.sock}, as libtirpc does, so that rpcbind records the real owner
 * and lets root replace a stale registration another root server left; otherwise over TCP, with
 * rpcbind version 3 (network ids {@code tcp}, {@code udp}, and {@code tcp6}, {@code udp6} for a
 * dual-stack wildcard socket, with universal addresses), falling back to PMAP version 2 (ports
 * only, IPv4) when the portmapper has no version 3. rpcbind accepts SET and UNSET only from the
 * local host: over TCP or UDP from a loopback address (any port, any user, owner then {@code
 * unknown}), or over its local socket; from elsewhere it answers {@code AUTH_TOOWEAK}.
 *
 * <p>{@link #orEmbedded()} starts an {@link EmbeddedPortmapper} on the portmapper's port and
 * address (loopback for {@link #local()}) when nothing answers there, remote calls off, and logs
 * where at INFO; it lives until this server closes, and with it go the registrations other servers
 * made with it.
 */
public final class PortmapRegistrar implements Registrar {
  private static final System.Logger LOG = System.getLogger(PortmapRegistrar.class.getName());
  private static final List<Path> RPCBIND_SOCKETS =
      List.of(Path.of("/run/rpcbind.sock"), Path.of("/var/run/rpcbind.sock"));
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  // Probing the server of a registration in the way: a refusal comes at once, silence is not
  // worth waiting long for, since it does not let us replace the registration anyway.
  private static final Duration MAX_PROBE_TIMEOUT = Duration.ofSeconds(2);

  private final InetSocketAddress portmapper;
  private final boolean embed;
  private final InetAddress embedBindAddress;
  private final Duration timeout;
  private final boolean replaceLive;

  private PortmapRegistrar(
      InetSocketAddress portmapper,
      boolean embed,
      InetAddress embedBindAddress,
      Duration timeout,
      boolean replaceLive) {
    this.portmapper = portmapper;
    this.embed = embed;
    this.embedBindAddress = embedBindAddress;
    this.timeout = timeout;
    this.replaceLive = replaceLive;
  }

  /** Registers with the portmapper of this host: 127.0.0.1, port 111. */
  public static PortmapRegistrar local() {
    return at(new InetSocketAddress(InetAddress.getLoopbackAddress(), PortmapProtocol.PORT));
  }

  /** Registers with the portmapper at {@code portmapper}, which must be on this host. */
  public static PortmapRegistrar at(InetSocketAddress portmapper) {
    if (portmapper == null || portmapper.isUnresolved()) {
      throw new IllegalArgumentException("portmapper address unresolved: " + portmapper);
    }
    return new PortmapRegistrar(portmapper, false, null, DEFAULT_TIMEOUT, false);
  }

  /**
   * A copy that, when no portmapper answers, starts an embedded one (remote calls off) on the
   * portmapper's port and address: the loopback address for {@link #local()}, so that it serves
   * this host only (or loopback, if the portmapper's address is the wildcard); and registers with
   * it. It says where at INFO.
   */
  public PortmapRegistrar orEmbedded() {
    return new PortmapRegistrar(portmapper, true, null, timeout, replaceLive);
  }

  /** A copy that, when no portmapper answers, starts one bound to {@code bindAddress}. */
  public PortmapRegistrar orEmbedded(InetAddress bindAddress) {
    if (bindAddress == null) {
      throw new IllegalArgumentException("bindAddress is null");
    }
    return new PortmapRegistrar(portmapper, true, bindAddress, timeout, replaceLive);
  }

  /**
   * A copy that takes the place of another server's registration of the same program version and
   * transport even while that server answers (by default only a registration whose server is
   * definitely gone is replaced, and {@code start()} fails otherwise, as rpcbind refuses a SET of a
   * taken mapping). The other server keeps running, unreachable through the portmapper.
   */
  public PortmapRegistrar replacingLive() {
    return new PortmapRegistrar(portmapper, embed, embedBindAddress, timeout, true);
  }

  /** A copy whose calls to the portmapper time out after {@code timeout} (default 10 s). */
  public PortmapRegistrar withTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout <= 0: " + timeout);
    }
    return new PortmapRegistrar(portmapper, embed, embedBindAddress, timeout, replaceLive);
  }

  /** The portmapper this registers with. */
  public InetSocketAddress portmapper() {
    return portmapper;
  }

  /**
   * Registers every program version of {@code server} on each of its transports.
   *
   * @throws RpcException with {@link RpcStatus#PMAP_FAILURE} if no portmapper answers (and none may
   *     be embedded), one refuses a registration, or another server that is not definitely gone
   *     holds one (see {@link #replacingLive()})
   */
  @Override
  public Registration register(RpcServer server) {
    List<Entry> entries = entries(server);
    EmbeddedPortmapper started = null;
    Directory directory;
    try {
      directory = open(true);
    } catch (RpcException e) {
      if (!embed) {
        throw failure("no portmapper answers", e);
      }
      started = startEmbedded();
      try {
        directory = open(false);
      } catch (RpcException again) {
        closeQuietly(started);
        throw failure("no portmapper answers, not even an embedded one", again);
      }
    }
    List<Entry> registered = new ArrayList<>();
    try {
      List<Rpcb> present = directory.dump();
      for (Entry e : inTheWay(directory, entries, present)) {
        directory.unset(e);
      }
      for (Entry e : entries) {
        if (!directory.set(e)) {
          throw failure(
              "unable to register ("
                  + e.describe()
                  + "): another server registered"
                  + " it meanwhile, or the portmapper refused",
              null);
        }
        registered.add(e);
      }
    } catch (RuntimeException e) {
      unsetQuietly(directory, registered);
      directory.close();
      closeQuietly(started);
      throw e instanceof RpcException r && r.status() == RpcStatus.PMAP_FAILURE
          ? r
          : failure("registration failed", e);
    }
    directory.close();
    String where = directory.describe();
    LOG.log(Level.DEBUG, () -> "registered " + entries + " with " + where);
    EmbeddedPortmapper embedded = started;
    return () -> unregister(entries, embedded);
  }

  /**
   * Our entries whose program version and transport another registration holds; fails if unsetting
   * one would remove a registration whose server is not definitely gone, unless told to replace
   * live ones.
   */
  private List<Entry> inTheWay(Directory directory, List<Entry> entries, List<Rpcb> present) {
    LivenessProbe probe = new LivenessProbe(Collections.min(List.of(timeout, MAX_PROBE_TIMEOUT)));
    List<Entry> inTheWay = new ArrayList<>();
    for (Entry e : entries) {
      Rpcb holder = find(present, e.program(), e.version(), e.netid());
      if (holder == null || isOurs(directory, holder, entries)) {
        continue;
      }
      for (Rpcb removed : directory.removedByUnset(e, present)) {
        if (!isOurs(directory, removed, entries)) {
          requireReplaceable(removed, probe);
        }
      }
      inTheWay.add(e);
    }
    return inTheWay;
  }

  private void requireReplaceable(Rpcb other, LivenessProbe probe) {
    LivenessProbe.Verdict verdict = probe.probe(other);
    String what =
        Integer.toUnsignedString(other.program())
            + " version "
            + Integer.toUnsignedString(other.version())
            + " over "
            + other.netid();
    if (verdict == LivenessProbe.Verdict.GONE) {
      LOG.log(
          Level.INFO,
          () ->
              "replacing the registration of "
                  + what
                  + " ("
                  + other.address()
                  + "): its server is gone");
      return;
    }
    if (replaceLive) {
      LOG.log(
          Level.WARNING,
          () ->
              "replacing the registration of "
                  + what
                  + " ("
                  + other.address()
                  + ") although its server may still run, as asked");
      return;
    }
    String state =
        verdict == LivenessProbe.Verdict.ALIVE
            ? "that answers"
            : "that may be busy (no answer within " + probe.timeout().toMillis() + " ms)";
    throw failure(
        what
            + " is registered to a server "
            + state
            + " ("
            + other.address()
            + "); stop that server, or register with PortmapRegistrar.replacingLive() to take its"
            + " place",
        null);
  }

  /** Whether {@code r} registers one of {@code entries}. */
  private static boolean isOurs(Directory directory, Rpcb r, List<Entry> entries) {
    for (Entry e : entries) {
      if (e.program() == r.program()
          && e.version() == r.version()
          && e.netid().equals(r.netid())
          && directory.sameAddress(r, e)) {
        return true;
      }
    }
    return false;
  }

  private static Rpcb find(List<Rpcb> present, int program, int version, String netid) {
    for (Rpcb r : present) {
      if (r.program() == program && r.version() == version && r.netid().equals(netid)) {
        return r;
      }
    }
    return null;
  }

  private void unregister(List<Entry> entries, EmbeddedPortmapper embedded) {
    try {
      Directory directory = open(embedded == null);
      try {
        List<Rpcb> present = directory.dump();
        List<Entry> stillOurs = new ArrayList<>();
        for (Entry e : entries) {
          // Replaced meanwhile (replacingLive): the other server's registration stays.
          Rpcb current = find(present, e.program(), e.version(), e.netid());
          if (current != null
              && isOurs(directory, current, entries)
              && directory.removedByUnset(e, present).stream()
                  .allMatch(r -> isOurs(directory, r, entries))) {
            stillOurs.add(e);
          }
        }
        unsetQuietly(directory, stillOurs);
      } finally {
        directory.close();
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot unregister from the portmapper at " + portmapper + ": " + e);
    } finally {
      closeQuietly(embedded);
    }
  }

  private EmbeddedPortmapper startEmbedded() {
    InetAddress bind = embedBindAddress;
    if (bind == null) {
      InetAddress address = portmapper.getAddress();
      bind = address.isAnyLocalAddress() ? IpAddresses.loopbackLike(address) : address;
    }
    try {
      EmbeddedPortmapper started =
          EmbeddedPortmapper.builder().port(portmapper.getPort()).bindAddress(bind).start();
      LOG.log(
          Level.INFO,
          "no portmapper answers at "
              + portmapper.getAddress().getHostAddress()
              + " port "
              + portmapper.getPort()
              + ": started an embedded portmapper on "
              + started.describeWhere()
              + " for as long as this server runs");
      return started;
    } catch (UncheckedIOException e) {
      // Another server may have started one in the meantime: registering with it will tell.
      LOG.log(
          Level.INFO,
          "cannot start an embedded portmapper on port "
              + portmapper.getPort()
              + ": "
              + e.getCause());
      return null;
    }
  }

  /** What to register: each program version on each transport and address family served. */
  private static List<Entry> entries(RpcServer server) {
    InetAddress bound = server.bindAddress();
    boolean wildcard = bound.isAnyLocalAddress();
    boolean dualStack = wildcard && IpAddresses.wildcardIsDualStack();
    List<Entry> entries = new ArrayList<>();
    for (ProgramDefinition d : server.programs()) {
      for (boolean tcp : new boolean[] {true, false}) {
        int port = tcp ? server.tcpPort() : server.udpPort();
        if (port == -1) {
          continue;
        }
        if (!wildcard) {
          entries.add(
              new Entry(
                  d.program(),
                  d.version(),
                  PortmapProtocol.netid(tcp, !IpAddresses.isIpv4(bound)),
                  new UniversalAddress(bound, port)));
          continue;
        }
        entries.add(
            new Entry(
                d.program(),
                d.version(),
                PortmapProtocol.netid(tcp, false),
                new UniversalAddress(IpAddresses.ipv4Wildcard(), port)));
        if (dualStack) {
          entries.add(
              new Entry(
                  d.program(),
                  d.version(),
                  PortmapProtocol.netid(tcp, true),
                  new UniversalAddress(IpAddresses.ipv6Wildcard(), port)));
        }
      }
    }
    return entries;
  }

  private static void unsetQuietly(Directory directory, List<Entry> entries) {
    for (Entry e : entries) {
      try {
        directory.unset(e);
      } catch (RuntimeException ex) {
        LOG.log(Level.WARNING, "cannot unregister (" + e.describe() + "): " + ex);
      }
    }
  }

  /**
   * Connects to the portmapper: over rpcbind's local socket if {@code tryLocalSocket} and this is
   * the local portmapper, else over TCP with rpcbind version 3, or PMAP version 2 if it has no 3.
   */
  private Directory open(boolean tryLocalSocket) {
    if (tryLocalSocket
        && portmapper.getAddress().isLoopbackAddress()
        && portmapper.getPort() == PortmapProtocol.PORT) {
      for (Path socket : RPCBIND_SOCKETS) {
        if (Files.exists(socket)) {
          try {
            return new RpcbindDirectory(
                UnixStreamCaller.connect(socket, timeout), socket.toString());
          } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "rpcbind socket " + socket + " does not answer: " + e);
          }
        }
      }
    }
    CallOptions options = CallOptions.DEFAULTS.withTimeout(timeout);
    TcpChannel channel =
        TcpChannel.connect(portmapper, ChannelOptions.DEFAULTS.withConnectTimeout(timeout));
    RpcbindClient rpcbind = RpcbindClient.create(channel, PortmapProtocol.RPCB_VERSION_3, options);
    try {
      rpcbind.ping();
      return new RpcbindDirectory(rpcbind);
    } catch (RpcException e) {
      if (e.status() == RpcStatus.PROG_VERS_MISMATCH || e.status() == RpcStatus.PROG_UNAVAIL) {
        return new PmapDirectory(PortmapperClient.create(channel, options));
      }
      channel.close();
      throw e;
    }
  }

  private RpcException failure(String what, Throwable cause) {
    String detail = cause == null ? what : what + ": " + cause.getMessage();
    return new RpcException(
        RpcStatus.PMAP_FAILURE, portmapper.getAddress().getHostAddress(), detail, cause);
  }

  private static void closeQuietly(EmbeddedPortmapper portmapper) {
    if (portmapper != null) {
      portmapper.close();
    }
  }

  /** One registration: a program version on a network id at an address. */
  private record Entry(int program, int version, String netid, UniversalAddress address) {
    String describe() {
      return Integer.toUnsignedString(program)
          + ", "
          + Integer.toUnsignedString(version)
          + ", "
          + netid;
    }

    @Override
    public String toString() {
      return "(" + describe() + ", " + address + ")";
    }
  }

  /** A portmapper as this class uses it, whatever the protocol version. */
  private interface Directory {
    boolean set(Entry e);

    /** Removes the registration of {@code e}'s program version and transport, and see below. */
    void unset(Entry e);

    /** What {@link #unset(Entry)} of {@code e} removes, of the registrations {@code present}. */
    List<Rpcb> removedByUnset(Entry e, List<Rpcb> present);

    /** Every registration. */
    List<Rpcb> dump();

    /** Whether {@code r}, as {@link #dump()} lists it, has the address of {@code e}. */
    default boolean sameAddress(Rpcb r, Entry e) {
      return r.address().equals(e.address().toString());
    }

    String describe();

    void close();
  }

  /** rpcbind version 3, over TCP or the local socket. */
  private static final class RpcbindDirectory implements Directory {
    private final RpcbindClient tcp;
    private final UnixStreamCaller local;
    private final String name;
    private final String owner = System.getProperty("user.name", "");

    RpcbindDirectory(RpcbindClient tcp) {
      this.tcp = tcp;
      this.local = null;
      this.name = "rpcbind at " + tcp.rpcClient().serverAddress();
    }

    RpcbindDirectory(UnixStreamCaller local, String path) {
      this.tcp = null;
      this.local = local;
      this.name = "rpcbind at " + path;
    }

    @Override
    public boolean set(Entry e) {
      return call(
          PortmapProtocol.PROC_SET,
          new Rpcb(e.program(), e.version(), e.netid(), e.address().toString(), owner));
    }

    @Override
    public void unset(Entry e) {
      call(PortmapProtocol.PROC_UNSET, new Rpcb(e.program(), e.version(), e.netid(), "", owner));
    }

    @Override
    public List<Rpcb> removedByUnset(Entry e, List<Rpcb> present) {
      return present.stream()
          .filter(
              r ->
                  r.program() == e.program()
                      && r.version() == e.version()
                      && r.netid().equals(e.netid()))
          .toList();
    }

    @Override
    public List<Rpcb> dump() {
      return call(PortmapProtocol.PROC_DUMP, XdrCodec.VOID, null, Rpcb.LIST_CODEC);
    }

    private boolean call(int procedure, Rpcb args) {
      return call(procedure, Rpcb.CODEC, args, XdrCodec.BOOL);
    }

    private <A, R> R call(int procedure, XdrCodec<A> argsCodec, A args, XdrCodec<R> resultCodec) {
      if (local != null) {
        return local.call(
            PortmapProtocol.PROGRAM,
            PortmapProtocol.RPCB_VERSION_3,
            procedure,
            argsCodec,
            args,
            resultCodec);
      }
      RpcClient client = tcp.rpcClient();
      return client.call(procedure, argsCodec, args, resultCodec);
    }

    @Override
    public String describe() {
      return name;
    }

    @Override
    public void close() {
      if (local != null) {
        local.close();
      } else {
        tcp.close();
      }
    }
  }

  /** PMAP version 2: IPv4 ports only; UNSET covers every protocol. */
  private static final class PmapDirectory implements Directory {
    private final PortmapperClient client;

    PmapDirectory(PortmapperClient client) {
      this.client = client;
    }

    @Override
    public boolean set(Entry e) {
      int protocol = PortmapProtocol.protocolOf(e.netid());
      if (protocol == 0) {
        // tcp6 and udp6 have no PMAP mapping; the IPv4 entry of the same socket has one.
        return true;
      }
      return client.set(new Mapping(e.program(), e.version(), protocol, e.address().port()));
    }

    @Override
    public void unset(Entry e) {
      client.unset(e.program(), e.version());
    }

    /** PMAP's UNSET removes the program version over TCP and UDP alike. */
    @Override
    public List<Rpcb> removedByUnset(Entry e, List<Rpcb> present) {
      return present.stream()
          .filter(r -> r.program() == e.program() && r.version() == e.version())
          .toList();
    }

    /** PMAP has ports only. */
    @Override
    public boolean sameAddress(Rpcb r, Entry e) {
      return r.universalAddress().port() == e.address().port();
    }

    /** The mappings as rpcbind lists them: PMAP registers the wildcard IPv4 address. */
    @Override
    public List<Rpcb> dump() {
      List<Rpcb> all = new ArrayList<>();
      for (Mapping m : client.dump()) {
        String netid = PortmapProtocol.netidOf(m.protocol());
        if (netid != null) {
          all.add(
              new Rpcb(
                  m.program(),
                  m.version(),
                  netid,
                  new UniversalAddress(IpAddresses.ipv4Wildcard(), m.port()).toString(),
                  ""));
        }
      }
      return all;
    }

    @Override
    public String describe() {
      return "portmapper at " + client.rpcClient().serverAddress();
    }

    @Override
    public void close() {
      client.close();
    }
  }
}

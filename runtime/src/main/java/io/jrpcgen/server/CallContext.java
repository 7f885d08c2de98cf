package io.jrpcgen.server;

import io.jrpcgen.gss.GssCaller;
import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.rpc.AuthFlavor;
import io.jrpcgen.rpc.AuthSys;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.transport.RpcChannel;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a server knows about the call being served: its header, the caller's credentials and
 * address, and the transport it came by. Immutable: it may be kept and read on any thread, for as
 * long as the call takes.
 *
 * <p>Handlers, and the methods of generated asynchronous service interfaces, get it as a parameter.
 * A generated synchronous interface's methods have no such parameter; they, and code deeper down,
 * ask for {@link #current()}, which holds on the thread that runs the implementation until it
 * returns.
 */
public final class CallContext {
  /** The transport a call arrived by. */
  public enum Transport {
    TCP,
    UDP
  }

  private static final ThreadLocal<CallContext> CURRENT = new ThreadLocal<>();

  private final CallHeader header;
  private final AuthSys authSys;
  private final InetSocketAddress remoteAddress;
  private final Transport transport;
  private final TlsPeer tlsPeer;
  private final GssCaller gssCaller;
  // Null where the call came by UDP.
  private final Supplier<RpcChannel> backChannel;

  CallContext(
      CallHeader header,
      AuthSys authSys,
      InetSocketAddress remoteAddress,
      Transport transport,
      TlsPeer tlsPeer) {
    this(header, authSys, remoteAddress, transport, tlsPeer, null);
  }

  CallContext(
      CallHeader header,
      AuthSys authSys,
      InetSocketAddress remoteAddress,
      Transport transport,
      TlsPeer tlsPeer,
      GssCaller gssCaller) {
    this(header, authSys, remoteAddress, transport, tlsPeer, gssCaller, null);
  }

  CallContext(
      CallHeader header,
      AuthSys authSys,
      InetSocketAddress remoteAddress,
      Transport transport,
      TlsPeer tlsPeer,
      GssCaller gssCaller,
      Supplier<RpcChannel> backChannel) {
    this.backChannel = backChannel;
    this.gssCaller = gssCaller;
    this.header = header;
    this.authSys = authSys;
    this.remoteAddress = remoteAddress;
    this.transport = transport;
    this.tlsPeer = tlsPeer;
  }

  /**
   * The call the current thread is serving: set while a procedure's implementation runs, on its
   * thread, until it returns (for an asynchronous one, until it has returned its stage). Code that
   * completes the call later, on another thread, has no current call: keep the context before
   * handing off (an asynchronous implementation is given it as a parameter anyway).
   *
   * @throws IllegalStateException on a thread that is not running a procedure's implementation
   */
  public static CallContext current() {
    CallContext context = CURRENT.get();
    if (context == null) {
      throw new IllegalStateException("not inside an RPC procedure handler");
    }
    return context;
  }

  static void enter(CallContext context) {
    CURRENT.set(context);
  }

  static void leave() {
    // Not remove(): the thread's entry stays for its next call instead of being made anew.
    CURRENT.set(null);
  }

  /** The transaction id. */
  public int xid() {
    return header.xid();
  }

  /** The program number called. */
  public int program() {
    return header.program();
  }

  /** The program version called. */
  public int version() {
    return header.version();
  }

  /** The procedure number called. */
  public int procedure() {
    return header.procedure();
  }

  /** The credential as sent, whatever its flavor ({@code AUTH_SHORT} ones pass through). */
  public OpaqueAuth credential() {
    return header.credential();
  }

  /** The verifier as sent. */
  public OpaqueAuth verifier() {
    return header.verifier();
  }

  /** The caller's {@code AUTH_SYS} credentials, if it sent some. */
  public Optional<AuthSys> authSys() {
    return Optional.ofNullable(authSys);
  }

  /** Whether the caller sent credentials of {@code flavor}. */
  public boolean hasFlavor(AuthFlavor flavor) {
    return header.credential().is(flavor);
  }

  /** The caller's address. */
  public InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  /** The transport the call came by. */
  public Transport transport() {
    return transport;
  }

  /**
   * What TLS established about the caller when the call came over RPC-with-TLS: protocol, cipher
   * suite and, with mutual TLS, the verified certificate's subject and alternative names. Empty for
   * a call in the clear.
   */
  public Optional<TlsPeer> tlsPeer() {
    return Optional.ofNullable(tlsPeer);
  }

  /**
   * Who made an {@code RPCSEC_GSS} call, as its security context established: the principal, the
   * mechanism and the service (krb5, krb5i, krb5p). Empty for other flavors.
   */
  public Optional<GssCaller> gssCaller() {
    return Optional.ofNullable(gssCaller);
  }

  /**
   * A channel that calls the caller on the connection this call came by: NFSv4.1's back channel, on
   * which generated clients of the programs the caller serves there are built ({@code
   * CbProg.CbV1Client.create(call.backChannel().orElseThrow())}). On a server it is one channel per
   * TCP connection, which may be kept and used on any thread after the call: when the connection
   * ends, its calls in progress fail at once and later ones fail too, with an {@link
   * io.jrpcgen.rpc.RpcConnectionException}, while other connections' channels go on. Closing it
   * ends the back channel only. On a client serving a back channel ({@code BackChannelServer}) it
   * is the client's own channel to its server. Empty for a call that came by UDP.
   */
  public Optional<RpcChannel> backChannel() {
    return backChannel == null ? Optional.empty() : Optional.of(backChannel.get());
  }

  @Override
  public String toString() {
    return "CallContext[xid="
        + Integer.toUnsignedString(xid())
        + ", program="
        + Integer.toUnsignedString(program())
        + ", version="
        + version()
        + ", procedure="
        + procedure()
        + ", from="
        + remoteAddress
        + "/"
        + transport
        + (tlsPeer == null ? "" : "+TLS")
        + "]";
  }
}

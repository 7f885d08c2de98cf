package io.jrpcgen.portmap;

import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.XdrException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Broadcast RPC over UDP, libtirpc's {@code clnt_broadcast}: sends one PMAPPROC_CALLIT to the
 * portmapper (port 111) of every host on the local networks, each of which forwards it to the
 * program if it has it registered and answers with the program's port and results, or stays silent.
 * IPv6 targets (single hosts: IPv6 has no broadcast) get rpcbind version 4's RPCBPROC_BCAST
 * instead, as from libtirpc's {@code rpc_broadcast}, since rpcbind runs a PMAP CALLIT that came
 * over IPv6 but never answers it. Replies are taken from any port of a host (rpcbind answers from
 * the socket it forwarded with) and collected, with the server's address, until the time limit; the
 * call is resent at growing intervals (1 s, 2 s, 4 s, ...) in the meantime, with the same XID, so a
 * server's procedure may run more than once. Each server is reported once. Only portmappers with
 * remote calls on answer ({@code rpcbind -r}, {@link EmbeddedPortmapper.Builder#remoteCalls}).
 * Immutable.
 *
 * <pre>{@code
 * List<BroadcastCall.Reply<SquareOut>> replies = BroadcastCall.toLocalNetworks()
 *     .withTimeLimit(Duration.ofSeconds(3))
 *     .call(SQUARE_PROG, 1, SQUAREPROC, SquareIn.CODEC, new SquareIn(5), SquareOut.CODEC);
 * }</pre>
 */
public final class BroadcastCall {
  /**
   * A server's answer.
   *
   * @param server the server's address: the portmapper's host and the program's port
   * @param value the decoded results
   * @param <R> the result type
   */
  public record Reply<R>(InetSocketAddress server, R value) {}

  /** Receives each reply; returning true ends the call early ({@code eachresult}). */
  @FunctionalInterface
  public interface ReplyHandler<R> {
    /** Handles one reply; true if no more replies are wanted. */
    boolean onReply(Reply<R> reply);
  }

  private static final Duration FIRST_RESEND = Duration.ofSeconds(1);
  private static final int MAX_DATAGRAM = 65_507;

  private final List<InetSocketAddress> targets;
  private final Duration timeLimit;
  private final OpaqueAuth credential;

  private BroadcastCall(
      List<InetSocketAddress> targets, Duration timeLimit, OpaqueAuth credential) {
    this.targets = targets;
    this.timeLimit = timeLimit;
    this.credential = credential;
  }

  /**
   * To the portmapper port on the broadcast address of every interface that is up and has one, or
   * {@code 255.255.255.255} if none has; a 5 s time limit, AUTH_NONE.
   */
  public static BroadcastCall toLocalNetworks() {
    Set<InetSocketAddress> targets = new LinkedHashSet<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp()) {
          continue;
        }
        for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
          if (ia.getBroadcast() != null) {
            targets.add(new InetSocketAddress(ia.getBroadcast(), PortmapProtocol.PORT));
          }
        }
      }
    } catch (SocketException e) {
      throw new UncheckedIOException("cannot list the network interfaces", e);
    }
    if (targets.isEmpty()) {
      targets.add(new InetSocketAddress(limitedBroadcast(), PortmapProtocol.PORT));
    }
    return to(List.copyOf(targets));
  }

  /**
   * To the portmappers at {@code targets}: broadcast addresses, or single hosts (such as {@code
   * 127.0.0.1} and a test portmapper's port).
   */
  public static BroadcastCall to(List<InetSocketAddress> targets) {
    if (targets == null || targets.isEmpty()) {
      throw new IllegalArgumentException("no target to broadcast to");
    }
    for (InetSocketAddress t : targets) {
      if (t == null || t.isUnresolved()) {
        throw new IllegalArgumentException("target unresolved: " + t);
      }
    }
    return new BroadcastCall(List.copyOf(targets), Duration.ofSeconds(5), OpaqueAuth.NONE);
  }

  /** A copy that listens for replies for {@code timeLimit} in all. */
  public BroadcastCall withTimeLimit(Duration timeLimit) {
    if (timeLimit == null || timeLimit.isNegative() || timeLimit.isZero()) {
      throw new IllegalArgumentException("timeLimit <= 0: " + timeLimit);
    }
    return new BroadcastCall(targets, timeLimit, credential);
  }

  /** A copy that sends {@code credential}, which the portmappers pass on. */
  public BroadcastCall withCredential(OpaqueAuth credential) {
    if (credential == null) {
      throw new IllegalArgumentException("credential is null");
    }
    return new BroadcastCall(targets, timeLimit, credential);
  }

  /** The addresses the call is sent to. */
  public List<InetSocketAddress> targets() {
    return targets;
  }

  /** Calls and collects every server's reply until the time limit. */
  public <A, R> List<Reply<R>> call(
      int program,
      int version,
      int procedure,
      XdrCodec<A> argsCodec,
      A args,
      XdrCodec<R> resultCodec) {
    List<Reply<R>> replies = new ArrayList<>();
    call(
        program,
        version,
        procedure,
        argsCodec,
        args,
        resultCodec,
        reply -> {
          replies.add(reply);
          return false;
        });
    return List.copyOf(replies);
  }

  /**
   * Calls and hands each server's reply to {@code handler} until it returns true or the time limit
   * ends.
   *
   * @throws RpcException ({@link RpcStatus#CANT_ENCODE_ARGS}, {@link RpcStatus#CANT_SEND}) if the
   *     call cannot be encoded or sent to any target
   */
  public <A, R> void call(
      int program,
      int version,
      int procedure,
      XdrCodec<A> argsCodec,
      A args,
      XdrCodec<R> resultCodec,
      ReplyHandler<R> handler) {
    // One XID per protocol version, so that a reply says how to read it.
    int xid = ThreadLocalRandom.current().nextInt();
    RemoteCallArgs remote =
        new RemoteCallArgs(program, version, procedure, encodeArgs(argsCodec, args));
    byte[] pmapRequest = encodeCall(xid, PortmapProtocol.PMAP_VERSION, remote);
    byte[] bcastRequest = encodeCall(xid + 1, PortmapProtocol.RPCB_VERSION_4, remote);
    long start = System.nanoTime();
    long deadline = start + timeLimit.toNanos();
    Set<InetSocketAddress> seen = new HashSet<>();
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setBroadcast(true);
      byte[] buffer = new byte[MAX_DATAGRAM];
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      long resend = FIRST_RESEND.toNanos();
      long nextSend = start;
      while (true) {
        long now = System.nanoTime();
        if (now - deadline >= 0) {
          return;
        }
        if (now - nextSend >= 0) {
          sendToAll(socket, pmapRequest, bcastRequest);
          nextSend = now + resend;
          resend *= 2;
        }
        // An ICMP error from some target (port unreachable) says nothing about the others.
        if (!AnyPortUdpCall.receive(socket, packet, Math.min(deadline, nextSend) - now)) {
          continue;
        }
        Reply<R> reply = decodeReply(xid, packet, resultCodec);
        if (reply != null && seen.add(reply.server()) && handler.onReply(reply)) {
          return;
        }
      }
    } catch (SocketException e) {
      throw new RpcException(RpcStatus.CANT_SEND, null, "errno = " + e.getMessage(), e);
    }
  }

  private static <A> Opaque encodeArgs(XdrCodec<A> argsCodec, A args) {
    try {
      return RawBytes.encode(argsCodec, args);
    } catch (XdrException e) {
      throw new RpcException(RpcStatus.CANT_ENCODE_ARGS, null, e.getMessage(), e);
    }
  }

  /** PMAPPROC_CALLIT (version 2) or RPCBPROC_BCAST (version 4): the same procedure number. */
  private byte[] encodeCall(int xid, int portmapVersion, RemoteCallArgs remote) {
    XdrEncoder out = new XdrEncoder();
    RpcMessages.writeCall(
        out,
        new CallHeader(
            xid,
            PortmapProtocol.PROGRAM,
            portmapVersion,
            PortmapProtocol.PROC_CALLIT,
            credential,
            OpaqueAuth.NONE));
    RemoteCallArgs.CODEC.encode(out, remote);
    return out.toByteArray();
  }

  private void sendToAll(DatagramSocket socket, byte[] pmapRequest, byte[] bcastRequest) {
    IOException last = null;
    int sent = 0;
    for (InetSocketAddress target : targets) {
      byte[] request = IpAddresses.isIpv4(target.getAddress()) ? pmapRequest : bcastRequest;
      try {
        socket.send(new DatagramPacket(request, request.length, target));
        sent++;
      } catch (IOException e) {
        last = e;
      }
    }
    if (sent == 0) {
      throw new RpcException(RpcStatus.CANT_SEND, null, "errno = " + last.getMessage(), last);
    }
  }

  /**
   * The reply in {@code packet} if it is a successful one to the PMAP call ({@code xid}) or the
   * rpcbind one ({@code xid + 1}); null otherwise.
   */
  private static <R> Reply<R> decodeReply(int xid, DatagramPacket packet, XdrCodec<R> codec) {
    try {
      XdrDecoder in = new XdrDecoder(packet.getData(), 0, packet.getLength());
      io.jrpcgen.internal.rpc.Reply header = RpcMessages.readReply(in);
      if (!(header instanceof io.jrpcgen.internal.rpc.Reply.Success)
          || (header.xid() != xid && header.xid() != xid + 1)) {
        return null;
      }
      int port;
      Opaque results;
      if (header.xid() == xid) {
        CallResult result = CallResult.CODEC.decode(in);
        port = result.port();
        results = result.result();
      } else {
        RemoteCallResult result = RemoteCallResult.CODEC.decode(in);
        port = UniversalAddress.parse(result.address()).port();
        results = result.result();
      }
      if (port <= 0 || port > 65_535) {
        return null;
      }
      // Decoded from a copy: the packet's buffer is reused for the next datagram.
      R value = RawBytes.decode(codec, results);
      return new Reply<>(new InetSocketAddress(packet.getAddress(), port), value);
    } catch (XdrException | IllegalArgumentException e) {
      return null;
    }
  }

  private static InetAddress limitedBroadcast() {
    try {
      return InetAddress.getByAddress(new byte[] {-1, -1, -1, -1});
    } catch (IOException e) {
      throw new AssertionError("4 bytes are an address", e);
    }
  }
}

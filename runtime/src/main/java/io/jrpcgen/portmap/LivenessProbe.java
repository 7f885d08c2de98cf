package io.jrpcgen.portmap;

import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.transport.ChannelOptions;
import io.jrpcgen.transport.RpcClient;
import io.jrpcgen.transport.UdpChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Tells whether the server behind a registration is still there: a TCP registration if its port
 * accepts a connection, a UDP one if it answers NULLPROC (any reply but PROG_UNAVAIL, which says
 * another program has the port now). Registrations it cannot probe (not IP) count as alive.
 */
final class LivenessProbe {
  private final Duration timeout;

  LivenessProbe(Duration timeout) {
    this.timeout = timeout;
  }

  boolean isAlive(Rpcb rpcb) {
    InetSocketAddress target = target(rpcb.address());
    if (target == null) {
      return true;
    }
    return PortmapProtocol.isDatagram(rpcb.netid())
        ? udpAlive(target, rpcb.program(), rpcb.version()) : tcpAlive(target);
  }

  /** Where to reach a registered address; a wildcard means this host. Null if not IP. */
  static InetSocketAddress target(String uaddr) {
    UniversalAddress address = UniversalAddress.parseOrNull(uaddr);
    if (address == null) {
      return null;
    }
    if (!address.isWildcard()) {
      return address.toSocketAddress();
    }
    return new InetSocketAddress(IpAddresses.loopbackLike(address.address()), address.port());
  }

  private boolean tcpAlive(InetSocketAddress target) {
    try (Socket socket = new Socket()) {
      socket.connect(target, (int) Math.max(1, timeout.toMillis()));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private boolean udpAlive(InetSocketAddress target, int program, int version) {
    CallOptions options = CallOptions.DEFAULTS.withTimeout(timeout)
        .withRetryInterval(timeout.dividedBy(2).isZero() ? timeout : timeout.dividedBy(2));
    try (RpcClient client = RpcClient.create(
        UdpChannel.open(target, ChannelOptions.DEFAULTS), program, version, options)) {
      client.ping();
      return true;
    } catch (RpcException e) {
      // Any answer but "no such program here" comes from a live server of the program.
      return e.status() != RpcStatus.PROG_UNAVAIL && e.status() != RpcStatus.TIMED_OUT
          && e.status() != RpcStatus.CANT_SEND && e.status() != RpcStatus.CANT_RECV;
    } catch (RuntimeException e) {
      return false;
    }
  }
}

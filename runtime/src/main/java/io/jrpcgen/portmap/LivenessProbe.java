package io.jrpcgen.portmap;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.RpcConnectionException;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.transport.ChannelOptions;
import io.jrpcgen.transport.UdpChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Asks whether the server behind a registration is still there: a TCP registration by connecting to
 * its port, a UDP one by calling its NULLPROC. Only a refusal (TCP RST, ICMP port unreachable) or a
 * server saying it has no such program (PROG_UNAVAIL: another program has the port now) tells that
 * it is gone; silence may be a server busy in a long call, and says nothing. Registrations it
 * cannot probe (not IP) count as alive.
 */
final class LivenessProbe {
  /** What one probe tells. */
  enum Verdict {
    /** The server answered. */
    ALIVE,
    /** Definitely gone: refused, or another program has the port. */
    GONE,
    /** No answer in time: busy, or gone without a word; only repeated silence tells. */
    NO_ANSWER
  }

  private final Duration timeout;

  LivenessProbe(Duration timeout) {
    this.timeout = timeout;
  }

  /** How long a probe waits for an answer. */
  Duration timeout() {
    return timeout;
  }

  Verdict probe(Rpcb rpcb) {
    InetSocketAddress target = target(rpcb.address());
    if (target == null) {
      return Verdict.ALIVE;
    }
    return PortmapProtocol.isDatagram(rpcb.netid())
        ? probeUdp(target, rpcb.program(), rpcb.version())
        : probeTcp(target);
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

  private Verdict probeTcp(InetSocketAddress target) {
    try (Socket socket = new Socket()) {
      socket.connect(target, (int) Math.max(1, timeout.toMillis()));
      return Verdict.ALIVE;
    } catch (ConnectException e) {
      return Verdict.GONE;
    } catch (IOException e) {
      // A full accept queue drops the SYN: a busy server looks like this too.
      return Verdict.NO_ANSWER;
    }
  }

  private Verdict probeUdp(InetSocketAddress target, int program, int version) {
    CallOptions options =
        CallOptions.DEFAULTS
            .withTimeout(timeout)
            .withRetryInterval(timeout.dividedBy(2).isZero() ? timeout : timeout.dividedBy(2));
    // A connected socket, so that an ICMP port unreachable shows as a refusal.
    try (RpcClient client =
        RpcClient.create(
            UdpChannel.open(target, ChannelOptions.DEFAULTS), program, version, options)) {
      client.ping();
      return Verdict.ALIVE;
    } catch (RpcConnectionException e) {
      return e.reason() == RpcConnectionException.Reason.REFUSED ? Verdict.GONE : Verdict.NO_ANSWER;
    } catch (RpcException e) {
      if (e.status() == RpcStatus.PROG_UNAVAIL) {
        return Verdict.GONE;
      }
      // Any other answer comes from a live server of the program.
      return e.status() == RpcStatus.TIMED_OUT ? Verdict.NO_ANSWER : Verdict.ALIVE;
    } catch (UncheckedIOException e) {
      return Verdict.NO_ANSWER;
    }
  }
}

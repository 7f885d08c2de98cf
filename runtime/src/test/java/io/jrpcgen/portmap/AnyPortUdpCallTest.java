package io.jrpcgen.portmap;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.internal.xdr.Bytes;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When a call over UDP to any port of a host is sent again: only at the retry interval. */
@Timeout(60)
class AnyPortUdpCallTest {
  @Test
  void aCallIsNotSentAgainBeforeItsRetryIntervalEvenWhenOtherDatagramsArrive() throws Exception {
    try (DatagramSocket server =
            new DatagramSocket(new InetSocketAddress(RemoteCallReplyTest.LOOPBACK, 0));
        RpcClient client =
            RpcClient.create(
                    RpcChannel.udp((InetSocketAddress) server.getLocalSocketAddress()),
                    RemoteCallReplyTest.PROG,
                    1)
                .withOptions(
                    CallOptions.DEFAULTS
                        .withTimeout(Duration.ofSeconds(50))
                        .withRetryInterval(Duration.ofSeconds(40)))) {
      // Takes the call, sends something that is no reply, then counts what else arrives for a
      // while before answering: a resend within the retry interval would be counted.
      CompletableFuture<Integer> datagramsBeforeTheReply =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  DatagramPacket call = new DatagramPacket(new byte[1024], 1024);
                  server.receive(call);
                  server.send(new DatagramPacket(new byte[4], 4, call.getSocketAddress()));
                  int datagrams = 1;
                  server.setSoTimeout(500);
                  try {
                    while (datagrams < 100) {
                      server.receive(new DatagramPacket(new byte[1024], 1024));
                      datagrams++;
                    }
                  } catch (SocketTimeoutException quiet) {
                    // Nothing more came.
                  }
                  XdrEncoder reply = new XdrEncoder();
                  RpcMessages.writeAccepted(
                      reply, Bytes.getInt(call.getData(), 0), OpaqueAuth.NONE, AcceptStat.SUCCESS);
                  reply.writeInt(7);
                  byte[] bytes = reply.toByteArray();
                  server.send(new DatagramPacket(bytes, bytes.length, call.getSocketAddress()));
                  return datagrams;
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      assertThat(AnyPortUdpCall.call(client, 1, XdrCodec.INT, 3, XdrCodec.INT)).isEqualTo(7);
      assertThat(datagramsBeforeTheReply.get(30, TimeUnit.SECONDS)).isEqualTo(1);
    }
  }
}

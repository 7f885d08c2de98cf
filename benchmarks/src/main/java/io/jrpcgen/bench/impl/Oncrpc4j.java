package io.jrpcgen.bench.impl;

import io.jrpcgen.bench.load.AsyncLoad;
import io.jrpcgen.bench.load.LoadClient;
import io.jrpcgen.bench.load.Sample;
import io.jrpcgen.bench.load.ThreadedLoad;
import io.jrpcgen.bench.load.Timing;
import io.jrpcgen.bench.load.Workload;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.CompletionHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.dcache.oncrpc4j.rpc.OncRpcProgram;
import org.dcache.oncrpc4j.rpc.OncRpcSvc;
import org.dcache.oncrpc4j.rpc.OncRpcSvcBuilder;
import org.dcache.oncrpc4j.rpc.RpcAuthTypeNone;
import org.dcache.oncrpc4j.rpc.RpcCall;
import org.dcache.oncrpc4j.rpc.RpcDispatchable;
import org.dcache.oncrpc4j.rpc.RpcReply;
import org.dcache.oncrpc4j.rpc.RpcTransport;
import org.dcache.oncrpc4j.rpc.net.IpProtocolType;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;
import org.dcache.oncrpc4j.xdr.XdrVoid;

/**
 * dCache's oncrpc4j (Grizzly NIO), with its builders' defaults: a server, a synchronous client
 * (calls block) and an asynchronous one (futures; N calls in flight without N threads).
 */
public final class Oncrpc4j {
  private static final int SQUARE_PROG = 0x31230000;
  private static final int ECHO_PROG = 0x31230001;
  private static final int VERSION = 1;
  private static final int PROC = 1;
  // oncrpc4j does not resend UDP calls: a lost datagram fails its call after this long.
  private static final long TIMEOUT_SECONDS = 5;

  private Oncrpc4j() {}

  /**
   * {@code struct square_in} and {@code struct square_out}, each one {@code long} (4 bytes):
   * hand-written in oncrpc4j's mutable XdrAble style.
   */
  public static final class Square implements XdrAble {
    int value;

    public Square() {}

    Square(int value) {
      this.value = value;
    }

    @Override
    public void xdrDecode(XdrDecodingStream in) throws IOException {
      value = in.xdrDecodeInt();
    }

    @Override
    public void xdrEncode(XdrEncodingStream out) {
      out.xdrEncodeInt(value);
    }
  }

  /** {@code echo_data}: {@code opaque<>}. */
  public static final class Echo implements XdrAble {
    byte[] data;

    public Echo() {}

    Echo(byte[] data) {
      this.data = data;
    }

    @Override
    public void xdrDecode(XdrDecodingStream in) throws IOException {
      data = in.xdrDecodeDynamicOpaque();
    }

    @Override
    public void xdrEncode(XdrEncodingStream out) {
      out.xdrEncodeDynamicOpaque(data);
    }
  }

  /** Starts a server of both programs on loopback, TCP and UDP. */
  public static BenchServer startServer() throws IOException {
    RpcDispatchable square =
        call -> {
          if (call.getProcedure() == 0) {
            call.reply(XdrVoid.XDR_VOID);
          } else if (call.getProcedure() == PROC) {
            Square in = new Square();
            call.retrieveCall(in);
            call.reply(new Square(in.value * in.value));
          } else {
            call.failProcedureUnavailable();
          }
        };
    RpcDispatchable echo =
        call -> {
          if (call.getProcedure() == 0) {
            call.reply(XdrVoid.XDR_VOID);
          } else if (call.getProcedure() == PROC) {
            Echo in = new Echo();
            call.retrieveCall(in);
            call.reply(in);
          } else {
            call.failProcedureUnavailable();
          }
        };
    OncRpcSvc svc =
        new OncRpcSvcBuilder()
            .withTCP()
            .withUDP()
            .withoutAutoPublish()
            .withBindAddress("127.0.0.1")
            .withPort(0)
            .withServiceName("bench-oncrpc4j")
            .withRpcService(new OncRpcProgram(SQUARE_PROG, VERSION), square)
            .withRpcService(new OncRpcProgram(ECHO_PROG, VERSION), echo)
            .build();
    svc.start();
    return new BenchServer() {
      @Override
      public int tcpPort() {
        return svc.getInetSocketAddress(IpProtocolType.TCP).getPort();
      }

      @Override
      public int udpPort() {
        return svc.getInetSocketAddress(IpProtocolType.UDP).getPort();
      }

      @Override
      public void close() throws IOException {
        svc.stop();
      }
    };
  }

  /** One client-mode service per sample; each connection is a transport of it. */
  private static final class Session implements AutoCloseable {
    final OncRpcSvc svc;

    Session(Workload workload) throws IOException {
      OncRpcSvcBuilder builder =
          new OncRpcSvcBuilder()
              .withClientMode()
              .withPort(0)
              .withServiceName("bench-oncrpc4j-client");
      svc =
          (workload.transport() == Workload.Transport.TCP ? builder.withTCP() : builder.withUDP())
              .build();
      svc.start();
    }

    /**
     * One caller per thread from {@code callerOf}, each on its own connection or all on one; the
     * service's stop closes them.
     */
    <C> List<C> callers(
        Workload workload, InetSocketAddress server, BiFunction<Workload, RpcCall, C> callerOf)
        throws IOException {
      int program = workload.kind() == Workload.Kind.SQUARE ? SQUARE_PROG : ECHO_PROG;
      List<C> callers = new ArrayList<>();
      RpcCall shared = null;
      for (int i = 0; i < workload.threads(); i++) {
        RpcCall call =
            shared != null
                ? shared
                : new RpcCall(program, VERSION, new RpcAuthTypeNone(), svc.connect(server));
        if (workload.sharing() == Workload.Sharing.SHARED) {
          shared = call;
        }
        callers.add(callerOf.apply(workload, call));
      }
      return callers;
    }

    @Override
    public void close() throws IOException {
      svc.stop();
    }
  }

  /** The synchronous client: each thread blocks in {@code RpcCall.call}. */
  public static final class SyncClient implements LoadClient {
    @Override
    public Sample run(Workload workload, InetSocketAddress server, Timing timing) throws Exception {
      try (Session session = new Session(workload)) {
        return ThreadedLoad.run(session.callers(workload, server, SyncClient::caller), timing);
      }
    }

    private static ThreadedLoad.Caller caller(Workload workload, RpcCall call) {
      if (workload.kind() == Workload.Kind.SQUARE) {
        return seq -> {
          int n = Payloads.squareArg(seq);
          Square out = new Square();
          call.call(PROC, new Square(n), out, TIMEOUT_SECONDS, TimeUnit.SECONDS);
          return out.value == n * n;
        };
      }
      Echo payload = new Echo(Payloads.of(workload.payload()));
      return seq -> {
        Echo out = new Echo();
        call.call(PROC, payload, out, TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return out.data.length == payload.data.length;
      };
    }
  }

  /** The asynchronous client: futures completed by Grizzly's threads start the next call. */
  public static final class AsyncClient implements LoadClient {
    @Override
    public Sample run(Workload workload, InetSocketAddress server, Timing timing) throws Exception {
      try (Session session = new Session(workload)) {
        return AsyncLoad.run(session.callers(workload, server, AsyncClient::caller), timing);
      }
    }

    private static AsyncLoad.AsyncCaller caller(Workload workload, RpcCall call) {
      // RpcCall's CompletableFuture-returning call() completes only through get(), which blocks;
      // its CompletionHandler form is the truly asynchronous one.
      if (workload.kind() == Workload.Kind.SQUARE) {
        return (seq, done) -> {
          int n = Payloads.squareArg(seq);
          Square out = new Square();
          call.call(
              PROC,
              new Square(n),
              handler(out, () -> out.value == n * n, done),
              TIMEOUT_SECONDS,
              TimeUnit.SECONDS);
        };
      }
      Echo payload = new Echo(Payloads.of(workload.payload()));
      return (seq, done) -> {
        Echo out = new Echo();
        call.call(
            PROC,
            payload,
            handler(out, () -> out.data.length == payload.data.length, done),
            TIMEOUT_SECONDS,
            TimeUnit.SECONDS);
      };
    }

    /** Decodes a reply into {@code result} and reports whether {@code check} holds. */
    private static CompletionHandler<RpcReply, RpcTransport> handler(
        XdrAble result, BooleanSupplier check, Consumer<Boolean> done) {
      return new CompletionHandler<>() {
        @Override
        public void completed(RpcReply reply, RpcTransport transport) {
          boolean ok;
          try {
            reply.getReplyResult(result);
            ok = check.getAsBoolean();
          } catch (IOException e) {
            ok = false;
          }
          done.accept(ok);
        }

        @Override
        public void failed(Throwable e, RpcTransport transport) {
          done.accept(false);
        }
      };
    }
  }
}

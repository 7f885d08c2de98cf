package io.jrpcgen.gss;

import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.rpc.AuthFlavor;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.CallSecurity;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.RpcReply;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.ietf.jgss.Oid;

/**
 * The client side of RPCSEC_GSS (RFC 2203) with Kerberos V5 through the JDK's JGSS: it creates a
 * security context with the server's NULL procedure, then protects every call made with {@link
 * #callOptions()} (krb5, krb5i or krb5p) and checks each reply's verifier. A server that refuses
 * the context ({@code RPCSEC_GSS_CREDPROBLEM}, {@code RPCSEC_GSS_CTXPROBLEM}) gets a new one and
 * the call once more; the calls refused together share one new context, made on a thread of its
 * own. {@link #establish} makes the first context on the caller's thread; a client made with {@link
 * #create} makes it when the first call needs it, on a thread of its own that the calls started
 * meanwhile wait for, so that an asynchronous call returns its future at once. {@link #close()}
 * destroys the context on the server.
 *
 * <pre>{@code
 * GssLogin login = GssLogin.keytab("alice@EXAMPLE.ORG", Path.of("alice.keytab"));
 * try (RpcChannel channel = RpcChannel.tcp(server);
 *     RpcSecGssClient gss = RpcSecGssClient.establish(channel, PROG, VERS,
 *         GssSettings.of("nfs@server.example.org", login, GssService.INTEGRITY))) {
 *   RpcClient client = RpcClient.create(channel, PROG, VERS, gss.callOptions());
 * }
 * }</pre>
 */
public final class RpcSecGssClient implements CallSecurity, AutoCloseable {
  private static final Oid KRB5 = oid(GssCaller.KERBEROS_V5);

  /**
   * One established context: its handle, the sequence numbers it has used, and whether the server
   * has refused a call made with it (then it is renewed).
   */
  private record Context(
      GssProtection protection,
      Opaque handle,
      int window,
      AtomicInteger nextSequence,
      AtomicBoolean refused) {}

  /**
   * The making of a new context in place of {@code failed} (null: the first one), which the calls
   * refused with it, or started before there was one, wait for.
   */
  private record Renewal(Context failed, CompletableFuture<Void> next) {}

  private final RpcChannel channel;
  private final int program;
  private final int version;
  private final GssSettings settings;
  private final String serverName;
  // Null until the first context is made.
  private volatile Context context;
  private volatile boolean closed;
  // Calls in flight, at most the window the server granted first (see admit); set with the
  // first context.
  private volatile Semaphore inFlight;
  private final Object renewalLock = new Object();
  // The latest renewal started; guarded by renewalLock.
  private Renewal renewal;

  private RpcSecGssClient(RpcChannel channel, int program, int version, GssSettings settings) {
    this.channel = channel;
    this.program = program;
    this.version = version;
    this.settings = settings;
    this.serverName = channel.serverAddress().getHostString();
  }

  /**
   * Creates a security context with the server of {@code program} version {@code version} on {@code
   * channel}.
   *
   * @throws SecurityException if GSS fails on either side (no ticket, unknown principal, ...)
   * @throws RpcException if a context creation call fails
   */
  public static RpcSecGssClient establish(
      RpcChannel channel, int program, int version, GssSettings settings) {
    if (channel == null || settings == null) {
      throw new IllegalArgumentException("channel and settings must not be null");
    }
    RpcSecGssClient client = create(channel, program, version, settings);
    Context first = client.createContext();
    client.inFlight = new Semaphore(first.window());
    client.context = first;
    return client;
  }

  /**
   * A client of the server of {@code program} version {@code version} on {@code channel} whose
   * context is made when the first call needs it: on a thread of its own, which that call (and
   * every call started before it is done) waits for within its deadline; an asynchronous call does
   * not wait on its caller's thread. A context that cannot be made fails the calls that waited for
   * it with the {@link SecurityException} or {@link RpcException} {@link #establish} would throw;
   * the next call tries again.
   */
  public static RpcSecGssClient create(
      RpcChannel channel, int program, int version, GssSettings settings) {
    if (channel == null || settings == null) {
      throw new IllegalArgumentException("channel and settings must not be null");
    }
    return new RpcSecGssClient(channel, program, version, settings);
  }

  /** Call options (default timeouts) whose calls this client protects. */
  public CallOptions callOptions() {
    return CallOptions.DEFAULTS.withSecurity(this);
  }

  /** The protection of the calls. */
  public GssService service() {
    return settings.service();
  }

  /**
   * The sequence window the server granted.
   *
   * @throws IllegalStateException if there is no context yet (see {@link #create}) or any more
   */
  public int sequenceWindow() {
    return current().window();
  }

  private Context createContext() {
    GSSManager manager = GSSManager.getInstance();
    GssLogin login = settings.login();
    try {
      String principal = settings.servicePrincipal();
      GSSName server =
          manager.createName(
              principal,
              principal.contains("/") ? GSSName.NT_USER_NAME : GSSName.NT_HOSTBASED_SERVICE);
      GSSContext gss =
          login.run(
              () -> {
                GSSContext c =
                    manager.createContext(server, KRB5, null, GSSContext.DEFAULT_LIFETIME);
                c.requestMutualAuth(true);
                c.requestInteg(true);
                c.requestConf(settings.service() == GssService.PRIVACY);
                // RPCSEC_GSS numbers its calls itself; GSS's own replay and ordering checks would
                // refuse the checksums of calls that overtake each other.
                c.requestReplayDet(false);
                c.requestSequenceDet(false);
                return c;
              });
      byte[] token = login.run(() -> gss.initSecContext(new byte[0], 0, 0));
      int procedure = GssCred.INIT;
      Opaque handle = Opaque.EMPTY;
      while (true) {
        RpcReply<InitResult> reply = sendInit(procedure, handle, token);
        InitResult result = reply.value();
        if (result.major() != InitResult.GSS_S_COMPLETE
            && result.major() != InitResult.GSS_S_CONTINUE_NEEDED) {
          throw new SecurityException(
              serverName
                  + ": RPCSEC_GSS context refused: GSS major "
                  + Integer.toHexString(result.major())
                  + ", minor "
                  + Integer.toUnsignedString(result.minor()));
        }
        handle = result.handle();
        byte[] input = result.token().toByteArray();
        if (!gss.isEstablished() && input.length > 0) {
          token = login.run(() -> gss.initSecContext(input, 0, input.length));
        }
        if (result.major() == InitResult.GSS_S_COMPLETE) {
          if (!gss.isEstablished()) {
            throw new SecurityException(
                serverName + ": server completed the RPCSEC_GSS context before the client");
          }
          GssProtection protection = new GssProtection(gss);
          if (!reply.verifier().is(AuthFlavor.RPCSEC_GSS)
              || !protection.verifyMicOfInt(reply.verifier().body(), result.window())) {
            throw new SecurityException(
                serverName
                    + ": RPCSEC_GSS context reply has a bad verifier of the sequence window");
          }
          if (result.window() <= 0) {
            throw new SecurityException(
                serverName
                    + ": RPCSEC_GSS sequence window "
                    + Integer.toUnsignedString(result.window()));
          }
          return new Context(
              protection, handle, result.window(), new AtomicInteger(), new AtomicBoolean());
        }
        if (token == null || token.length == 0) {
          throw new SecurityException(
              serverName + ": server wants another RPCSEC_GSS round but GSS has no token for it");
        }
        procedure = GssCred.CONTINUE_INIT;
      }
    } catch (GSSException e) {
      throw new SecurityException(
          serverName
              + ": RPCSEC_GSS context with "
              + settings.servicePrincipal()
              + " failed: "
              + e.getMessage(),
          e);
    }
  }

  private RpcReply<InitResult> sendInit(int procedure, Opaque handle, byte[] token) {
    GssCred cred = new GssCred(GssCred.VERSION, procedure, 0, settings.service().value(), handle);
    CallOptions options =
        CallOptions.DEFAULTS.withTimeout(settings.timeout()).withCredential(cred.toOpaqueAuth());
    return channel.call(
        program,
        version,
        0,
        options,
        XdrCodec.opaque(Integer.MAX_VALUE),
        Opaque.copyOf(token),
        InitResult.CODEC);
  }

  private Context current() {
    Context c = context;
    if (closed) {
      throw closedException();
    }
    if (c == null) {
      throw new IllegalStateException("no RPCSEC_GSS context with " + serverName + " yet");
    }
    return c;
  }

  /** Test seam: the current context's next call has sequence number {@code next}. */
  void nextSequence(int next) {
    current().nextSequence().set(next);
  }

  /** Test seam: the current context's checksum of {@code bytes}, for calls no client sends. */
  Opaque checksum(byte[] bytes) throws GSSException {
    return current().protection().mic(bytes, 0, bytes.length);
  }

  private IllegalStateException closedException() {
    return new IllegalStateException("RPCSEC_GSS context with " + serverName + " is closed");
  }

  /**
   * Done once there is a context to protect calls with: at once after {@link #establish} or the
   * first call, else when the context that {@link #create}'s first call started is made.
   */
  @Override
  public CompletableFuture<?> ready() {
    if (context != null) {
      return CompletableFuture.completedFuture(null);
    }
    if (closed) {
      return CompletableFuture.failedFuture(closedException());
    }
    return renewalOf(null);
  }

  /**
   * {@inheritDoc}
   *
   * @throws RpcAuthException with {@code RPCSEC_GSS_CTXPROBLEM} when the context has used its last
   *     sequence number: the channel sends the call once more with a new context
   */
  @Override
  public <A> ReplyCheck writeCall(XdrEncoder out, int headerStart, XdrCodec<A> argsCodec, A args) {
    return writeCall(GssCred.DATA, out, headerStart, argsCodec, args);
  }

  /** As {@link #writeCall(XdrEncoder, int, XdrCodec, Object)} for {@code gssProcedure}. */
  <A> ReplyCheck writeCall(
      int gssProcedure, XdrEncoder out, int headerStart, XdrCodec<A> argsCodec, A args) {
    return writeCall(current(), gssProcedure, out, headerStart, argsCodec, args);
  }

  private <A> ReplyCheck writeCall(
      Context c, int gssProcedure, XdrEncoder out, int headerStart, XdrCodec<A> argsCodec, A args) {
    int sequence = c.nextSequence().getAndIncrement();
    if (Integer.compareUnsigned(sequence, GssCred.MAXSEQ) >= 0) {
      // RFC 2203 section 5.3.3.1: the context is used up. Refused here as the server would, the
      // call goes again with a new context made on a thread of its own (see renewAfter): made
      // here, its creation call would be encoded over this one, in this thread's buffer.
      c.refused().set(true);
      throw new RpcAuthException(serverName, AuthStat.RPCSEC_GSS_CTXPROBLEM);
    }
    GssService service = settings.service();
    GssCred cred =
        new GssCred(GssCred.VERSION, gssProcedure, sequence, service.value(), c.handle());
    GssProtection protection = c.protection();
    try {
      RpcMessages.writeAuth(out, cred.toOpaqueAuth());
      byte[] header = Arrays.copyOfRange(out.array(), headerStart, out.position());
      RpcMessages.writeAuth(
          out,
          new OpaqueAuth(AuthFlavor.RPCSEC_GSS.value(), protection.mic(header, 0, header.length)));
      if (service == GssService.NONE || gssProcedure != GssCred.DATA) {
        argsCodec.encode(out, args);
      } else {
        XdrEncoder body = new XdrEncoder();
        argsCodec.encode(body, args);
        protection.writeBody(out, service, sequence, body.toByteArray());
      }
    } catch (GSSException e) {
      throw new RpcAuthException(serverName, AuthStat.AUTH_FAILED);
    }
    int seq = sequence;
    return new ReplyCheck() {
      @Override
      public <R> R readResults(OpaqueAuth verifier, XdrDecoder in, XdrCodec<R> resultCodec) {
        if (!verifier.is(AuthFlavor.RPCSEC_GSS)
            || !protection.verifyMicOfInt(verifier.body(), seq)) {
          throw new RpcAuthException(serverName, AuthStat.AUTH_INVALIDRESP);
        }
        if (service == GssService.NONE || gssProcedure != GssCred.DATA) {
          return resultCodec.decode(in);
        }
        return resultCodec.decode(protection.readBody(in, service, seq));
      }

      @Override
      public void refused(AuthStat status) {
        if (renewable(status)) {
          c.refused().set(true);
        }
      }
    };
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if there is no context yet: the channel waits for {@link
   *     #ready()} first
   */
  @Override
  public boolean admit(long timeoutNanos) throws InterruptedException {
    Semaphore s = inFlight;
    if (s == null) {
      throw new IllegalStateException("no RPCSEC_GSS context with " + serverName + " yet");
    }
    return s.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void done() {
    inFlight.release();
  }

  @Override
  public CompletableFuture<Boolean> renewAfter(AuthStat status) {
    if (closed || !renewable(status)) {
      return CompletableFuture.completedFuture(false);
    }
    Context c = context;
    if (!c.refused().get()) {
      // The context the call used was renewed already, by another call refused with it.
      return CompletableFuture.completedFuture(true);
    }
    return renewalOf(c).thenApply(next -> true);
  }

  private static boolean renewable(AuthStat status) {
    return status == AuthStat.RPCSEC_GSS_CREDPROBLEM || status == AuthStat.RPCSEC_GSS_CTXPROBLEM;
  }

  /**
   * The renewal of {@code failed} (null: the making of the first context), started on a thread of
   * its own unless one is under way: making a context takes round trips to the KDC and the server,
   * which no caller's thread should wait for. One that failed is started again: the next call may
   * find the KDC or the server able to make it.
   */
  private CompletableFuture<Void> renewalOf(Context failed) {
    synchronized (renewalLock) {
      if (renewal == null
          || renewal.failed() != failed
          || renewal.next().isCompletedExceptionally()) {
        CompletableFuture<Void> next = new CompletableFuture<>();
        renewal = new Renewal(failed, next);
        Thread thread =
            new Thread(
                () -> {
                  try {
                    if (failed == null) {
                      first();
                    } else {
                      renew(failed);
                    }
                    next.complete(null);
                  } catch (RuntimeException | Error e) {
                    next.completeExceptionally(e);
                  }
                },
                "jrpcgen-gss-context " + serverName);
        thread.setDaemon(true);
        thread.start();
      }
      return renewal.next();
    }
  }

  /**
   * The first context of a client made with {@link #create}, made without holding the client's lock
   * so that {@link #close()} need not wait for it; closed meanwhile, it is destroyed at once.
   */
  private void first() {
    Context c = createContext();
    synchronized (this) {
      if (!closed) {
        inFlight = new Semaphore(c.window());
        context = c;
        return;
      }
    }
    destroy(c);
    throw closedException();
  }

  /**
   * A new context in place of {@code failed}, unless another thread has made one already. The
   * failed one is left to the garbage collector, not disposed: calls on other threads may still be
   * computing their checksums with it (the server refuses them, and they go again on the new one).
   */
  private synchronized void renew(Context failed) {
    if (context == failed) {
      context = createContext();
    }
  }

  /**
   * Destroys the context on the server ({@code RPCSEC_GSS_DESTROY}) and here; the channel stays
   * open. A server that does not answer is not waited for beyond the context timeout.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    Context c = context;
    closed = true;
    if (c != null) {
      destroy(c);
    }
  }

  /** Destroys {@code c} on the server and here. */
  private void destroy(Context c) {
    try {
      CallSecurity destroy =
          new CallSecurity() {
            @Override
            public <A> ReplyCheck writeCall(
                XdrEncoder out, int headerStart, XdrCodec<A> codec, A args) {
              return RpcSecGssClient.this.writeCall(
                  c, GssCred.DESTROY, out, headerStart, codec, args);
            }

            @Override
            public CompletableFuture<Boolean> renewAfter(AuthStat status) {
              return CompletableFuture.completedFuture(false);
            }
          };
      channel.call(
          program,
          version,
          0,
          CallOptions.DEFAULTS.withTimeout(settings.timeout()).withSecurity(destroy),
          XdrCodec.VOID,
          null,
          XdrCodec.VOID);
    } catch (RpcException | IllegalStateException e) {
      // The server forgets the context when it expires; nothing more to do here.
    } finally {
      dispose(c);
    }
  }

  private static void dispose(Context c) {
    try {
      c.protection().context().dispose();
    } catch (GSSException e) {
      // JGSS only clears key material here.
    }
  }

  private static Oid oid(String value) {
    try {
      return new Oid(value);
    } catch (GSSException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}

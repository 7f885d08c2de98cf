package io.jrpcgen.gss;

import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.rpc.AuthFlavor;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.server.CallAuthenticator;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.XdrException;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSCredential;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.Oid;

/**
 * The server side of RPCSEC_GSS (RFC 2203) with Kerberos V5 through the JDK's JGSS: it answers
 * context creation and destruction on every program's NULL procedure, and checks each data call
 * before it reaches a procedure: the header checksum, the sequence number against the context's
 * window (replays and old numbers are dropped unanswered), and the integrity or privacy of the
 * arguments; it protects the results the same way. Procedures see the caller in {@link
 * io.jrpcgen.server.CallContext#gssCaller()}.
 *
 * <p>A context lives at most a maximum lifetime from its creation ({@link
 * #DEFAULT_MAX_CONTEXT_LIFETIME} unless told otherwise); after it, calls with it are refused with
 * {@code RPCSEC_GSS_CTXPROBLEM} (RFC 2203 §5.3.3.3), and the client makes a new one, with a ticket
 * that is still valid. The ticket's own end time would be the right bound, but the JDK's Kerberos
 * does not tell an acceptor (its contexts report an indefinite lifetime, on Java 17 as on 25).
 *
 * <pre>{@code
 * GssLogin login = GssLogin.acceptor(Path.of("/etc/krb5.keytab"));
 * RpcServer.builder().security(RpcSecGssServer.create(login)).program(...).tcp(0).start();
 * }</pre>
 */
public final class RpcSecGssServer implements CallAuthenticator {
  private static final System.Logger LOG = System.getLogger(RpcSecGssServer.class.getName());

  /** The window granted to each context, as libtirpc's server grants. */
  public static final int DEFAULT_WINDOW = 128;

  /** How many contexts are kept at most; a client that never destroys its own uses one up. */
  public static final int DEFAULT_MAX_CONTEXTS = 4096;

  /**
   * How long a context lives unless told otherwise: 10 hours, the ticket lifetime Active Directory
   * issues and MIT Kerberos set-ups commonly configure, so that a context outlives its ticket by
   * little.
   */
  public static final Duration DEFAULT_MAX_CONTEXT_LIFETIME = Duration.ofHours(10);

  private static final int HANDLE_BYTES = 16;

  /** A context being made or made, under its handle. */
  private static final class ServerContext {
    final GssProtection protection;
    final SequenceWindow window;
    // When the INIT call came, on the server's clock.
    final long createdNanos;
    volatile GssCaller caller;

    ServerContext(GSSContext context, int window, long createdNanos) {
      this.protection = new GssProtection(context);
      this.window = new SequenceWindow(window);
      this.createdNanos = createdNanos;
    }
  }

  private final GssLogin login;
  private final GSSCredential credential;
  private final int window;
  private final int maxContexts;
  private final long maxLifetimeNanos;
  private final LongSupplier nanoClock;
  private final Map<Opaque, ServerContext> contexts = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final AtomicLong established = new AtomicLong();
  private final AtomicLong destroyed = new AtomicLong();
  private final AtomicLong replays = new AtomicLong();
  private final AtomicLong tooOld = new AtomicLong();
  private final AtomicLong badHeaders = new AtomicLong();
  private final AtomicLong unknown = new AtomicLong();
  private final AtomicLong badBodies = new AtomicLong();
  private final AtomicLong failedInits = new AtomicLong();
  private final AtomicLong expired = new AtomicLong();

  private RpcSecGssServer(
      GssLogin login, int window, int maxContexts, Duration maxLifetime, LongSupplier nanoClock) {
    this.login = login;
    this.window = window;
    this.maxContexts = maxContexts;
    // Beyond Long.MAX_VALUE nanoseconds (292 years) a context never expires.
    this.maxLifetimeNanos =
        maxLifetime.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0
            ? Long.MAX_VALUE
            : maxLifetime.toNanos();
    this.nanoClock = nanoClock;
    try {
      this.credential =
          login.run(
              () ->
                  GSSManager.getInstance()
                      .createCredential(
                          null,
                          GSSCredential.INDEFINITE_LIFETIME,
                          (Oid) null,
                          GSSCredential.ACCEPT_ONLY));
    } catch (GSSException e) {
      throw new SecurityException(
          "no GSS acceptor credential in " + login + ": " + e.getMessage(), e);
    }
  }

  /**
   * A server that accepts contexts with the keys of {@code login} (a keytab login).
   *
   * @throws SecurityException if the login holds no key to accept with
   */
  public static RpcSecGssServer create(GssLogin login) {
    return create(login, DEFAULT_WINDOW, DEFAULT_MAX_CONTEXTS);
  }

  /** A server with its own sequence window and limit on contexts. */
  public static RpcSecGssServer create(GssLogin login, int window, int maxContexts) {
    return create(login, window, maxContexts, DEFAULT_MAX_CONTEXT_LIFETIME);
  }

  /**
   * A server with its own sequence window, limit on contexts, and maximum lifetime of a context:
   * set it to the realm's longest ticket lifetime (MIT's {@code max_life}).
   */
  public static RpcSecGssServer create(
      GssLogin login, int window, int maxContexts, Duration maxContextLifetime) {
    return create(login, window, maxContexts, maxContextLifetime, System::nanoTime);
  }

  /** As the public factory, with a clock of its own: the tests' seam. */
  static RpcSecGssServer create(
      GssLogin login,
      int window,
      int maxContexts,
      Duration maxContextLifetime,
      LongSupplier nanoClock) {
    if (login == null) {
      throw new IllegalArgumentException("login is null");
    }
    if (window <= 0 || maxContexts <= 0) {
      throw new IllegalArgumentException(
          "window and maxContexts must be > 0: " + window + ", " + maxContexts);
    }
    if (maxContextLifetime == null
        || maxContextLifetime.isNegative()
        || maxContextLifetime.isZero()) {
      throw new IllegalArgumentException("maxContextLifetime <= 0: " + maxContextLifetime);
    }
    return new RpcSecGssServer(login, window, maxContexts, maxContextLifetime, nanoClock);
  }

  /** The counts of contexts and refused calls so far. */
  public GssServerStats stats() {
    return new GssServerStats(
        established.get(),
        destroyed.get(),
        replays.get(),
        tooOld.get(),
        badHeaders.get(),
        unknown.get(),
        badBodies.get(),
        failedInits.get(),
        expired.get());
  }

  /** How many contexts are kept now. */
  public int contextCount() {
    return contexts.size();
  }

  @Override
  public int flavor() {
    return AuthFlavor.RPCSEC_GSS.value();
  }

  @Override
  public Verdict verify(CallHeader header, byte[] message, int credentialEnd, XdrDecoder body) {
    GssCred cred;
    try {
      cred = GssCred.decode(header.credential());
    } catch (XdrException e) {
      return new Deny(AuthStat.AUTH_BADCRED);
    }
    GssService service = GssService.fromValue(cred.service());
    if (cred.version() != GssCred.VERSION || service == null) {
      return new Deny(AuthStat.AUTH_BADCRED);
    }
    return switch (cred.procedure()) {
      case GssCred.INIT, GssCred.CONTINUE_INIT -> init(header, cred, body);
      case GssCred.DATA, GssCred.DESTROY -> data(header, cred, service, message, credentialEnd);
      default -> new Deny(AuthStat.AUTH_BADCRED);
    };
  }

  private Verdict init(CallHeader header, GssCred cred, XdrDecoder body) {
    if (header.procedure() != 0) {
      return new Deny(AuthStat.AUTH_BADCRED);
    }
    Opaque handle;
    ServerContext context;
    if (cred.procedure() == GssCred.INIT) {
      if (contexts.size() >= maxContexts && !dropExpired()) {
        LOG.log(Level.WARNING, "RPCSEC_GSS: " + maxContexts + " contexts kept, refusing more");
        return initFailure(InitResult.GSS_S_FAILURE);
      }
      GSSContext gss;
      try {
        gss = login.run(() -> GSSManager.getInstance().createContext(credential));
      } catch (GSSException e) {
        return initFailure(InitResult.GSS_S_FAILURE);
      }
      handle = newHandle();
      context = new ServerContext(gss, window, nanoClock.getAsLong());
    } else {
      handle = cred.handle();
      context = contexts.get(handle);
      if (context == null || context.caller != null) {
        unknown.incrementAndGet();
        return new Deny(AuthStat.RPCSEC_GSS_CREDPROBLEM);
      }
    }
    byte[] token;
    try {
      token = body.readVariableOpaque(body.remaining()).toByteArray();
    } catch (XdrException e) {
      contexts.remove(handle);
      return initFailure(InitResult.GSS_S_DEFECTIVE_TOKEN);
    }
    GSSContext gss = context.protection.context();
    byte[] reply;
    try {
      reply = login.run(() -> gss.acceptSecContext(token, 0, token.length));
    } catch (GSSException e) {
      contexts.remove(handle);
      LOG.log(Level.DEBUG, () -> "RPCSEC_GSS context refused: " + e.getMessage());
      return initFailure(gssMajor(e));
    }
    Opaque out = reply == null ? Opaque.EMPTY : Opaque.copyOf(reply);
    if (!gss.isEstablished()) {
      contexts.put(handle, context);
      InitResult result = new InitResult(handle, InitResult.GSS_S_CONTINUE_NEEDED, 0, 0, out);
      return new Answer(OpaqueAuth.NONE, o -> InitResult.CODEC.encode(o, result));
    }
    try {
      context.caller =
          new GssCaller(gss.getSrcName().toString(), gss.getMech().toString(), GssService.NONE);
      OpaqueAuth verifier = new OpaqueAuth(flavor(), context.protection.micOfInt(window));
      contexts.put(handle, context);
      established.incrementAndGet();
      InitResult result = new InitResult(handle, InitResult.GSS_S_COMPLETE, 0, window, out);
      return new Answer(verifier, o -> InitResult.CODEC.encode(o, result));
    } catch (GSSException e) {
      contexts.remove(handle);
      return initFailure(gssMajor(e));
    }
  }

  private Verdict initFailure(int major) {
    failedInits.incrementAndGet();
    InitResult result = new InitResult(Opaque.EMPTY, major, 0, 0, Opaque.EMPTY);
    return new Answer(OpaqueAuth.NONE, o -> InitResult.CODEC.encode(o, result));
  }

  private Verdict data(
      CallHeader header, GssCred cred, GssService service, byte[] message, int credentialEnd) {
    ServerContext context = contexts.get(cred.handle());
    if (context == null || context.caller == null) {
      unknown.incrementAndGet();
      return new Deny(AuthStat.RPCSEC_GSS_CREDPROBLEM);
    }
    GssProtection protection = context.protection;
    if (!header.verifier().is(AuthFlavor.RPCSEC_GSS)
        || !protection.verifyMic(header.verifier().body(), message, 0, credentialEnd)) {
      badHeaders.incrementAndGet();
      return new Deny(AuthStat.RPCSEC_GSS_CREDPROBLEM);
    }
    int sequence = cred.sequence();
    boolean expiredNow = expired(context);
    if (expiredNow || Integer.compareUnsigned(sequence, GssCred.MAXSEQ) >= 0) {
      // Expired or used up: the client must make a new context.
      if (contexts.remove(cred.handle()) != null && expiredNow) {
        expired.incrementAndGet();
      }
      return new Deny(AuthStat.RPCSEC_GSS_CTXPROBLEM);
    }
    switch (context.window.accept(sequence)) {
      case REPLAYED -> {
        replays.incrementAndGet();
        return new Drop(
            "RPCSEC_GSS sequence number " + Integer.toUnsignedString(sequence) + " replayed");
      }
      case TOO_OLD -> {
        tooOld.incrementAndGet();
        return new Drop(
            "RPCSEC_GSS sequence number "
                + Integer.toUnsignedString(sequence)
                + " below the window");
      }
      case NEW -> {}
    }
    OpaqueAuth verifier;
    try {
      verifier = new OpaqueAuth(flavor(), protection.micOfInt(sequence));
    } catch (GSSException e) {
      contexts.remove(cred.handle());
      return new Deny(AuthStat.RPCSEC_GSS_CTXPROBLEM);
    }
    if (cred.procedure() == GssCred.DESTROY) {
      if (contexts.remove(cred.handle()) != null) {
        destroyed.incrementAndGet();
      }
      return new Answer(verifier, o -> {});
    }
    GssCaller caller =
        new GssCaller(context.caller.principal(), context.caller.mechanism(), service);
    return new Accept(
        new SecureCall() {
          @Override
          public GssCaller caller() {
            return caller;
          }

          @Override
          public OpaqueAuth replyVerifier() {
            return verifier;
          }

          @Override
          public XdrDecoder arguments(XdrDecoder in) {
            if (service == GssService.NONE) {
              return in;
            }
            try {
              return protection.readBody(in, service, sequence);
            } catch (XdrException e) {
              badBodies.incrementAndGet();
              throw e;
            }
          }

          @Override
          public void protectResults(XdrEncoder out, int resultsStart) {
            if (service == GssService.NONE) {
              return;
            }
            byte[] results = Arrays.copyOfRange(out.array(), resultsStart, out.position());
            out.truncate(resultsStart);
            try {
              protection.writeBody(out, service, sequence, results);
            } catch (GSSException e) {
              throw new IllegalStateException("RPCSEC_GSS cannot protect results: " + e, e);
            }
          }
        });
  }

  private boolean dropExpired() {
    contexts.values().removeIf(this::expired);
    return contexts.size() < maxContexts;
  }

  /**
   * Whether {@code c} has lived its maximum lifetime, or GSS says it has expired: the JDK's
   * Kerberos says indefinite today, and one that tells the ticket's end is heeded.
   */
  private boolean expired(ServerContext c) {
    return nanoClock.getAsLong() - c.createdNanos >= maxLifetimeNanos
        || c.protection.context().getLifetime() <= 0;
  }

  private Opaque newHandle() {
    byte[] handle = new byte[HANDLE_BYTES];
    random.nextBytes(handle);
    return Opaque.copyOf(handle);
  }

  private static int gssMajor(GSSException e) {
    // JGSS numbers its major codes otherwise than the C API (RFC 2744) that peers expect.
    return switch (e.getMajor()) {
      case GSSException.DEFECTIVE_TOKEN -> InitResult.GSS_S_DEFECTIVE_TOKEN;
      case GSSException.BAD_MIC -> 6 << 16;
      case GSSException.NO_CRED -> 7 << 16;
      case GSSException.CREDENTIALS_EXPIRED -> 11 << 16;
      case GSSException.CONTEXT_EXPIRED -> 12 << 16;
      default -> InitResult.GSS_S_FAILURE;
    };
  }
}

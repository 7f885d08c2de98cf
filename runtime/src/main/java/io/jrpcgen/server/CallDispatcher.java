package io.jrpcgen.server;

import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.observe.RpcListener;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.AuthFlavor;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.AuthSys;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.XdrException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Turns one call message into one reply by the rules of RFC 5531: RPC version, then credentials,
 * then program, version and procedure, then arguments. Shared by the TCP and UDP paths.
 */
final class CallDispatcher {
  private static final System.Logger LOG = System.getLogger(RpcServer.class.getName());

  /** The versions served of one program, with the range PROG_MISMATCH reports. */
  private record Versions(
      Map<Integer, ProgramDefinition> byVersion, int low, int high, String name) {}

  /**
   * Who hears the calls and the server's own addresses that it reports, the listening ones (the
   * wildcard address where the server was bound to none).
   */
  record Observation(
      RpcListener listener, InetSocketAddress tcpLocal, InetSocketAddress udpLocal) {}

  // The programs served and their versions, side by side: looked up with no Integer boxed per call.
  private final int[] programNumbers;
  private final Versions[] programVersions;
  private final List<ProgramDefinition> definitions;
  private final Set<Integer> tlsOnlyPrograms;
  // Observability hook: null without a listener, the default, which then costs a null check.
  private final Observation observation;
  private final CallAuthenticator authenticator;

  CallDispatcher(List<ProgramDefinition> definitions, Set<Integer> tlsOnlyPrograms) {
    this(definitions, tlsOnlyPrograms, null, null);
  }

  /**
   * A dispatcher that lets {@code authenticator} (null: none) check its flavor's calls and tells
   * {@code observation}'s listener (null: none) of each call.
   */
  CallDispatcher(
      List<ProgramDefinition> definitions,
      Set<Integer> tlsOnlyPrograms,
      CallAuthenticator authenticator,
      Observation observation) {
    this.definitions = List.copyOf(definitions);
    this.tlsOnlyPrograms = Set.copyOf(tlsOnlyPrograms);
    this.authenticator = authenticator;
    this.observation =
        observation == null
            ? null
            : new Observation(
                RpcListener.guarded(observation.listener()),
                observation.tcpLocal(),
                observation.udpLocal());
    Map<Integer, Map<Integer, ProgramDefinition>> grouped = new HashMap<>();
    for (ProgramDefinition d : definitions) {
      var versions = grouped.computeIfAbsent(d.program(), p -> new HashMap<>());
      if (versions.putIfAbsent(d.version(), d) != null) {
        throw new IllegalArgumentException(
            "program "
                + Integer.toUnsignedString(d.program())
                + " version "
                + Integer.toUnsignedString(d.version())
                + " is defined twice");
      }
    }
    Map<Integer, Versions> programs = new HashMap<>();
    grouped.forEach(
        (program, versions) -> {
          int low = versions.keySet().stream().min(Integer::compareUnsigned).orElseThrow();
          int high = versions.keySet().stream().max(Integer::compareUnsigned).orElseThrow();
          String name =
              versions.values().stream()
                  .map(ProgramDefinition::programName)
                  .filter(n -> n != null)
                  .findFirst()
                  .orElse(null);
          programs.put(program, new Versions(Map.copyOf(versions), low, high, name));
        });
    programNumbers = programs.keySet().stream().mapToInt(Integer::intValue).toArray();
    programVersions = new Versions[programNumbers.length];
    for (int i = 0; i < programNumbers.length; i++) {
      programVersions[i] = programs.get(programNumbers[i]);
    }
  }

  /** The versions of {@code program} served, or null. A server serves a few programs at most. */
  private Versions versionsOf(int program) {
    for (int i = 0; i < programNumbers.length; i++) {
      if (programNumbers[i] == program) {
        return programVersions[i];
      }
    }
    return null;
  }

  /** The name of {@code program}, or null if it is not served or was not named. */
  String programName(int program) {
    Versions versions = versionsOf(program);
    return versions == null ? null : versions.name();
  }

  /** The name of a procedure, or null if it is not served. */
  String procedureName(int program, int version, int procedure) {
    Versions versions = versionsOf(program);
    ProgramDefinition definition = versions == null ? null : versions.byVersion().get(version);
    Procedure<?, ?> p = definition == null ? null : definition.procedure(procedure);
    return p == null ? null : p.name();
  }

  /** The program versions served, in the order they were added. */
  List<ProgramDefinition> definitions() {
    return definitions;
  }

  /** What became of a call: its reply is in the encoder, it sends none, or it replies later. */
  enum Outcome {
    REPLY,
    NONE,
    LATER
  }

  /**
   * Handles {@code request}, which came over {@code transport} (over TLS with {@code tlsPeer} when
   * not null), and appends the reply to {@code out}; a call that completes later replies through
   * {@code late}.
   *
   * @return true if the reply is in {@code out}; false if there is nothing to send now: the message
   *     was not a well-formed call, the procedure never replies or replies later, or the call is a
   *     retransmission of one still in progress
   */
  boolean dispatch(
      Message request,
      InetSocketAddress remote,
      CallContext.Transport transport,
      TlsPeer tlsPeer,
      XdrEncoder out,
      DuplicateRequestCache cache,
      LateReplies late) {
    // Observability hook: with no listener, straight through, with nothing allocated for it.
    if (observation == null) {
      return serve(request, remote, transport, tlsPeer, out, cache, late);
    }
    ServerCallProbe probe =
        ServerCallProbe.start(
            observation.listener(),
            this,
            request,
            transport == CallContext.Transport.TCP
                ? observation.tcpLocal()
                : observation.udpLocal(),
            remote,
            transport,
            tlsPeer != null);
    if (probe == null) {
      return serve(request, remote, transport, tlsPeer, out, cache, late);
    }
    int start = out.position();
    ObservedLateReplies observed = new ObservedLateReplies(late, probe);
    boolean replied;
    try {
      replied = serve(request, remote, transport, tlsPeer, out, cache, observed);
    } catch (RuntimeException | Error e) {
      probe.failed(e);
      throw e;
    }
    if (!observed.later) {
      probe.ended(replied, out, start);
    }
    return replied;
  }

  private boolean serve(
      Message request,
      InetSocketAddress remote,
      CallContext.Transport transport,
      TlsPeer tlsPeer,
      XdrEncoder out,
      DuplicateRequestCache cache,
      LateReplies late) {
    XdrDecoder in = request.decoder();
    int start = out.position();
    int xid;
    CallHeader header;
    int credentialEnd;
    try {
      xid = in.readInt();
      if (in.readInt() != RpcMessages.CALL) {
        return false;
      }
      if (in.readInt() != RpcMessages.RPC_VERSION) {
        RpcMessages.writeRpcMismatch(out, xid);
        return true;
      }
      int program = in.readInt();
      int version = in.readInt();
      int procedure = in.readInt();
      OpaqueAuth credential;
      try {
        credential = RpcMessages.readAuth(in);
      } catch (XdrException e) {
        RpcMessages.writeAuthError(out, xid, AuthStat.AUTH_BADCRED);
        return true;
      }
      credentialEnd = in.position();
      OpaqueAuth verifier;
      try {
        verifier = RpcMessages.readAuth(in);
      } catch (XdrException e) {
        RpcMessages.writeAuthError(out, xid, AuthStat.AUTH_BADVERF);
        return true;
      }
      header = new CallHeader(xid, program, version, procedure, credential, verifier);
    } catch (XdrException e) {
      // Too short to be a call: there is no one to answer.
      LOG.log(Level.DEBUG, () -> "dropping malformed call from " + remote + ": " + e.getMessage());
      return false;
    }

    if (cache == null) {
      return dispatchCall(
              header, request.bytes(), credentialEnd, in, remote, transport, tlsPeer, out, late)
          == Outcome.REPLY;
    }
    DuplicateRequestCache.Key key =
        new DuplicateRequestCache.Key(
            xid, header.program(), header.version(), header.procedure(), remote);
    byte[] cached = cache.lookUpOrStart(key);
    if (cached == DuplicateRequestCache.IN_PROGRESS) {
      LOG.log(Level.DEBUG, () -> "dropping a retransmission of a call in progress: " + header);
      return false;
    }
    if (cached != null) {
      out.writeRaw(cached, 0, cached.length);
      return true;
    }
    Outcome outcome =
        dispatchCall(
            header,
            request.bytes(),
            credentialEnd,
            in,
            remote,
            transport,
            tlsPeer,
            out,
            new CachingLateReplies(late, cache, key));
    if (outcome == Outcome.REPLY) {
      cache.complete(key, Arrays.copyOfRange(out.array(), start, out.position()));
    } else if (outcome == Outcome.NONE) {
      cache.complete(key, null);
    }
    return outcome == Outcome.REPLY;
  }

  private Outcome dispatchCall(
      CallHeader header,
      byte[] message,
      int credentialEnd,
      XdrDecoder in,
      InetSocketAddress remote,
      CallContext.Transport transport,
      TlsPeer tlsPeer,
      XdrEncoder out,
      LateReplies late) {
    int xid = header.xid();
    AuthSys authSys = null;
    OpaqueAuth credential = header.credential();
    if (credential.is(AuthFlavor.AUTH_TLS)) {
      // RFC 9289 §4.1: a probe inside TLS, or AUTH_TLS on another procedure. A probe on a plain
      // connection of a server that offers TLS never gets here.
      RpcMessages.writeAuthError(out, xid, AuthStat.AUTH_BADCRED);
      return Outcome.REPLY;
    }
    if (tlsPeer == null
        && !tlsOnlyPrograms.isEmpty()
        && tlsOnlyPrograms.contains(header.program())) {
      RpcMessages.writeAuthError(out, xid, AuthStat.AUTH_TOOWEAK);
      return Outcome.REPLY;
    }
    CallAuthenticator.SecureCall secure = null;
    if (authenticator != null && credential.flavor() == authenticator.flavor()) {
      CallAuthenticator.Verdict verdict = authenticator.verify(header, message, credentialEnd, in);
      if (verdict instanceof CallAuthenticator.Drop drop) {
        LOG.log(
            Level.DEBUG,
            () -> "dropping call " + header + " from " + remote + ": " + drop.reason());
        return Outcome.NONE;
      } else if (verdict instanceof CallAuthenticator.Deny deny) {
        RpcMessages.writeAuthError(out, xid, deny.status());
        return Outcome.REPLY;
      } else if (verdict instanceof CallAuthenticator.Answer answer) {
        RpcMessages.writeAccepted(out, xid, answer.verifier(), AcceptStat.SUCCESS);
        answer.results().accept(out);
        return Outcome.REPLY;
      }
      secure = ((CallAuthenticator.Accept) verdict).call();
    } else if (credential.is(AuthFlavor.AUTH_SYS)) {
      try {
        authSys = AuthSys.fromOpaqueAuth(credential);
      } catch (XdrException e) {
        RpcMessages.writeAuthError(out, xid, AuthStat.AUTH_BADCRED);
        return Outcome.REPLY;
      }
    } else if (!credential.is(AuthFlavor.AUTH_NONE) && !credential.is(AuthFlavor.AUTH_SHORT)) {
      RpcMessages.writeAuthError(out, xid, AuthStat.AUTH_REJECTEDCRED);
      return Outcome.REPLY;
    }

    OpaqueAuth verf = secure == null ? OpaqueAuth.NONE : secure.replyVerifier();
    Versions versions = versionsOf(header.program());
    if (versions == null) {
      RpcMessages.writeAccepted(out, xid, verf, AcceptStat.PROG_UNAVAIL);
      return Outcome.REPLY;
    }
    ProgramDefinition definition = versions.byVersion().get(header.version());
    if (definition == null) {
      RpcMessages.writeProgramMismatch(out, xid, verf, versions.low(), versions.high());
      return Outcome.REPLY;
    }
    Procedure<?, ?> procedure = definition.procedure(header.procedure());
    if (procedure == null) {
      if (header.procedure() == 0) {
        // NULLPROC: every program answers it, with no arguments and no results.
        RpcMessages.writeAccepted(out, xid, verf, AcceptStat.SUCCESS);
        if (secure != null) {
          secure.protectResults(out, out.position());
        }
        return Outcome.REPLY;
      }
      RpcMessages.writeAccepted(out, xid, verf, AcceptStat.PROC_UNAVAIL);
      return Outcome.REPLY;
    }
    CallContext call =
        new CallContext(
            header,
            authSys,
            remote,
            transport,
            tlsPeer,
            secure == null ? null : secure.caller(),
            late.backChannel());
    return invoke(procedure, call, secure, verf, in, out, late);
  }

  private static <A, R> Outcome invoke(
      Procedure<A, R> procedure,
      CallContext call,
      CallAuthenticator.SecureCall secure,
      OpaqueAuth verf,
      XdrDecoder in,
      XdrEncoder out,
      LateReplies late) {
    A args;
    try {
      args = procedure.argsCodec().decode(secure == null ? in : secure.arguments(in));
    } catch (XdrException | StackOverflowError e) {
      // Codecs of self-referencing types recurse: nesting deep enough overflows the stack, which
      // would otherwise kill the thread (for UDP, the only one).
      LOG.log(Level.DEBUG, () -> "garbage arguments in " + call + ": " + e);
      RpcMessages.writeAccepted(out, call.xid(), verf, AcceptStat.GARBAGE_ARGS);
      return Outcome.REPLY;
    }
    ProcedureImplementation<A, R> implementation = procedure.handler();
    R result = null;
    CompletionStage<R> stage = null;
    CallContext.enter(call);
    try {
      if (implementation instanceof ProcedureHandler<A, R> handler) {
        result = handler.handle(call, args);
      } else {
        stage = ((AsyncProcedureHandler<A, R>) implementation).handle(call, args);
      }
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      // Whatever one call does wrong is that call's error reply, never the server's death.
      return answer(procedure, call, secure, verf, null, e, out);
    } finally {
      CallContext.leave();
    }
    if (implementation instanceof ProcedureHandler) {
      return answer(procedure, call, secure, verf, result, null, out);
    }
    if (stage == null) {
      return answer(
          procedure, call, secure, verf, null, new NullPointerException("no stage returned"), out);
    }
    CompletableFuture<R> future = asFuture(stage);
    if (future != null && future.isDone()) {
      // Answered at once: no hand-off, the reply goes out with the others.
      try {
        return answer(procedure, call, secure, verf, future.join(), null, out);
      } catch (CompletionException | CancellationException e) {
        return answer(procedure, call, secure, verf, null, cause(e), out);
      }
    }
    late.started();
    try {
      stage.whenComplete(
          (value, failure) -> replyLate(procedure, call, secure, verf, value, failure, late));
    } catch (RuntimeException e) {
      // A stage of the implementation's own making that takes no action: it cannot reply.
      late.send(null);
      return answer(procedure, call, secure, verf, null, e, out);
    }
    return Outcome.LATER;
  }

  /** The stage as a future, to see whether it is done; null for a stage that cannot be one. */
  private static <R> CompletableFuture<R> asFuture(CompletionStage<R> stage) {
    try {
      return stage.toCompletableFuture();
    } catch (UnsupportedOperationException e) {
      return null;
    }
  }

  private static <A, R> void replyLate(
      Procedure<A, R> procedure,
      CallContext call,
      CallAuthenticator.SecureCall secure,
      OpaqueAuth verf,
      R result,
      Throwable failure,
      LateReplies late) {
    XdrEncoder reply = null;
    try {
      XdrEncoder out = late.encoder();
      if (answer(
              procedure, call, secure, verf, result, failure == null ? null : cause(failure), out)
          == Outcome.REPLY) {
        reply = out;
      }
    } catch (Throwable e) {
      LOG.log(Level.WARNING, "cannot reply to " + call + ": " + e);
    } finally {
      late.send(reply);
    }
  }

  private static Throwable cause(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  /**
   * Writes the reply to a call whose implementation returned {@code result} or failed with {@code
   * failure} (when not null).
   */
  private static <A, R> Outcome answer(
      Procedure<A, R> procedure,
      CallContext call,
      CallAuthenticator.SecureCall secure,
      OpaqueAuth verf,
      R result,
      Throwable failure,
      XdrEncoder out) {
    Outcome replied = procedure.replies() ? Outcome.REPLY : Outcome.NONE;
    if (failure instanceof RpcAuthException e) {
      RpcMessages.writeAuthError(out, call.xid(), e.authStat());
      return replied;
    }
    if (failure instanceof ProcedureUnavailableException) {
      RpcMessages.writeAccepted(out, call.xid(), verf, AcceptStat.PROC_UNAVAIL);
      return replied;
    }
    if (failure instanceof NoReplyException e) {
      LOG.log(Level.DEBUG, () -> "no reply to " + call + ": " + e.getMessage());
      return Outcome.NONE;
    }
    if (failure != null) {
      LOG.log(Level.WARNING, "procedure " + procedure.name() + " failed in " + call, failure);
      RpcMessages.writeAccepted(out, call.xid(), verf, AcceptStat.SYSTEM_ERR);
      return replied;
    }
    if (!procedure.replies()) {
      return Outcome.NONE;
    }
    int start = out.position();
    try {
      RpcMessages.writeAccepted(out, call.xid(), verf, AcceptStat.SUCCESS);
      int resultsStart = out.position();
      procedure.resultCodec().encode(out, result);
      if (secure != null) {
        secure.protectResults(out, resultsStart);
      }
    } catch (RuntimeException | StackOverflowError e) {
      LOG.log(
          Level.WARNING,
          "procedure "
              + procedure.name()
              + " returned a result that cannot"
              + " be encoded in "
              + call
              + ": "
              + e);
      out.truncate(start);
      RpcMessages.writeAccepted(out, call.xid(), verf, AcceptStat.SYSTEM_ERR);
    }
    return Outcome.REPLY;
  }

  /** Late replies that also complete their entry of the duplicate request cache. */
  private record CachingLateReplies(
      LateReplies transport, DuplicateRequestCache cache, DuplicateRequestCache.Key key)
      implements LateReplies {
    @Override
    public void started() {
      transport.started();
    }

    @Override
    public XdrEncoder encoder() {
      return transport.encoder();
    }

    @Override
    public void send(XdrEncoder reply) {
      // Only UDP caches, and its encoders start at 0: the reply is the encoder's whole content.
      try {
        cache.complete(key, reply == null ? null : Arrays.copyOf(reply.array(), reply.position()));
      } finally {
        transport.send(reply);
      }
    }
  }

  /** Late replies that tell the call's listener of the reply when it is sent. */
  private static final class ObservedLateReplies implements LateReplies {
    private final LateReplies transport;
    private final ServerCallProbe probe;
    // Set in the serving thread before dispatch returns, read by it after.
    boolean later;
    private int from;

    ObservedLateReplies(LateReplies transport, ServerCallProbe probe) {
      this.transport = transport;
      this.probe = probe;
    }

    @Override
    public void started() {
      later = true;
      transport.started();
    }

    @Override
    public XdrEncoder encoder() {
      XdrEncoder out = transport.encoder();
      from = out.position();
      return out;
    }

    @Override
    public Supplier<RpcChannel> backChannel() {
      return transport.backChannel();
    }

    @Override
    public void send(XdrEncoder reply) {
      try {
        probe.ended(reply != null, reply, from);
      } finally {
        transport.send(reply);
      }
    }
  }
}

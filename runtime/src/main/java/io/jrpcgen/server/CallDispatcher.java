package io.jrpcgen.server;

import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.AuthFlavor;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.AuthSys;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.XdrException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one call message into one reply by the rules of RFC 5531: RPC version, then credentials,
 * then program, version and procedure, then arguments. Shared by the TCP and UDP paths.
 */
final class CallDispatcher {
  private static final System.Logger LOG = System.getLogger(RpcServer.class.getName());

  /** The versions served of one program, with the range PROG_MISMATCH reports. */
  private record Versions(Map<Integer, ProgramDefinition> byVersion, int low, int high) {}

  private final Map<Integer, Versions> programs = new HashMap<>();
  private final List<ProgramDefinition> definitions;
  private final Set<Integer> tlsOnlyPrograms;

  CallDispatcher(List<ProgramDefinition> definitions, Set<Integer> tlsOnlyPrograms) {
    this.definitions = List.copyOf(definitions);
    this.tlsOnlyPrograms = Set.copyOf(tlsOnlyPrograms);
    Map<Integer, Map<Integer, ProgramDefinition>> grouped = new HashMap<>();
    for (ProgramDefinition d : definitions) {
      var versions = grouped.computeIfAbsent(d.program(), p -> new HashMap<>());
      if (versions.putIfAbsent(d.version(), d) != null) {
        throw new IllegalArgumentException("program " + Integer.toUnsignedString(d.program())
            + " version " + Integer.toUnsignedString(d.version()) + " is defined twice");
      }
    }
    grouped.forEach((program, versions) -> {
      int low = versions.keySet().stream().min(Integer::compareUnsigned).orElseThrow();
      int high = versions.keySet().stream().max(Integer::compareUnsigned).orElseThrow();
      programs.put(program, new Versions(Map.copyOf(versions), low, high));
    });
  }

  /** The program versions served, in the order they were added. */
  List<ProgramDefinition> definitions() {
    return definitions;
  }

  /**
   * Handles {@code request} and appends the reply to {@code out}.
   *
   * @return false if there is nothing to send: the message was not a well-formed call, or the
   *     procedure never replies
   */
  boolean dispatch(Message request, InetSocketAddress remote, CallContext.Transport transport,
      XdrEncoder out, DuplicateRequestCache cache) {
    return dispatch(request, remote, transport, null, out, cache);
  }

  /** As {@link #dispatch}, for a call that came over TLS with {@code tlsPeer} (null: plain). */
  boolean dispatch(Message request, InetSocketAddress remote, CallContext.Transport transport,
      TlsPeer tlsPeer, XdrEncoder out, DuplicateRequestCache cache) {
    XdrDecoder in = request.decoder();
    int start = out.position();
    int xid;
    CallHeader header;
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

    DuplicateRequestCache.Key key = null;
    if (cache != null) {
      key = new DuplicateRequestCache.Key(xid, header.program(), header.version(),
          header.procedure(), remote);
      byte[] cached = cache.get(key);
      if (cached != null) {
        out.writeRaw(cached, 0, cached.length);
        return true;
      }
    }
    boolean reply = dispatchCall(header, in, remote, transport, tlsPeer, out);
    if (reply && key != null) {
      cache.put(key, java.util.Arrays.copyOfRange(out.array(), start, out.position()));
    }
    return reply;
  }

  private boolean dispatchCall(CallHeader header, XdrDecoder in, InetSocketAddress remote,
      CallContext.Transport transport, TlsPeer tlsPeer, XdrEncoder out) {
    int xid = header.xid();
    AuthSys authSys = null;
    OpaqueAuth credential = header.credential();
    if (credential.is(AuthFlavor.AUTH_TLS)) {
      // RFC 9289 §4.1: a probe inside TLS, or AUTH_TLS on another procedure. A probe on a plain
      // connection of a server that offers TLS never gets here.
      RpcMessages.writeAuthError(out, xid, AuthStat.AUTH_BADCRED);
      return true;
    }
    if (tlsPeer == null && tlsOnlyPrograms.contains(header.program())) {
      RpcMessages.writeAuthError(out, xid, AuthStat.AUTH_TOOWEAK);
      return true;
    }
    if (credential.is(AuthFlavor.AUTH_SYS)) {
      try {
        authSys = AuthSys.fromOpaqueAuth(credential);
      } catch (XdrException e) {
        RpcMessages.writeAuthError(out, xid, AuthStat.AUTH_BADCRED);
        return true;
      }
    } else if (!credential.is(AuthFlavor.AUTH_NONE) && !credential.is(AuthFlavor.AUTH_SHORT)) {
      RpcMessages.writeAuthError(out, xid, AuthStat.AUTH_REJECTEDCRED);
      return true;
    }

    Versions versions = programs.get(header.program());
    if (versions == null) {
      RpcMessages.writeAccepted(out, xid, OpaqueAuth.NONE, AcceptStat.PROG_UNAVAIL);
      return true;
    }
    ProgramDefinition definition = versions.byVersion().get(header.version());
    if (definition == null) {
      RpcMessages.writeProgramMismatch(out, xid, OpaqueAuth.NONE, versions.low(),
          versions.high());
      return true;
    }
    Procedure<?, ?> procedure = definition.procedure(header.procedure());
    if (procedure == null) {
      if (header.procedure() == 0) {
        // NULLPROC: every program answers it, with no arguments and no results.
        RpcMessages.writeAccepted(out, xid, OpaqueAuth.NONE, AcceptStat.SUCCESS);
        return true;
      }
      RpcMessages.writeAccepted(out, xid, OpaqueAuth.NONE, AcceptStat.PROC_UNAVAIL);
      return true;
    }
    return invoke(procedure, new CallContext(header, authSys, remote, transport, tlsPeer), in, out);
  }

  private static <A, R> boolean invoke(Procedure<A, R> procedure, CallContext call,
      XdrDecoder in, XdrEncoder out) {
    A args;
    try {
      args = procedure.argsCodec().decode(in);
    } catch (XdrException | StackOverflowError e) {
      // Codecs of self-referencing types recurse: nesting deep enough overflows the stack, which
      // would otherwise kill the thread (for UDP, the only one).
      LOG.log(Level.DEBUG, () -> "garbage arguments in " + call + ": " + e);
      RpcMessages.writeAccepted(out, call.xid(), OpaqueAuth.NONE, AcceptStat.GARBAGE_ARGS);
      return true;
    }
    R result;
    CallContext.enter(call);
    try {
      result = procedure.handler().handle(call, args);
    } catch (RpcAuthException e) {
      RpcMessages.writeAuthError(out, call.xid(), e.authStat());
      return procedure.replies();
    } catch (NoReplyException e) {
      LOG.log(Level.DEBUG, () -> "no reply to " + call + ": " + e.getMessage());
      return false;
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      // Whatever one call does wrong is that call's SYSTEM_ERR, never the server's death.
      LOG.log(Level.WARNING, "procedure " + procedure.name() + " failed in " + call, e);
      RpcMessages.writeAccepted(out, call.xid(), OpaqueAuth.NONE, AcceptStat.SYSTEM_ERR);
      return procedure.replies();
    } finally {
      CallContext.leave();
    }
    if (!procedure.replies()) {
      return false;
    }
    int start = out.position();
    try {
      RpcMessages.writeAccepted(out, call.xid(), OpaqueAuth.NONE, AcceptStat.SUCCESS);
      procedure.resultCodec().encode(out, result);
    } catch (RuntimeException | StackOverflowError e) {
      LOG.log(Level.WARNING, "procedure " + procedure.name() + " returned a result that cannot"
          + " be encoded in " + call + ": " + e);
      out.truncate(start);
      RpcMessages.writeAccepted(out, call.xid(), OpaqueAuth.NONE, AcceptStat.SYSTEM_ERR);
    }
    return true;
  }
}

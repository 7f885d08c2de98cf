package io.jrpcgen.internal.rpc;

import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.XdrException;

/**
 * Reads and writes RPC message headers (RFC 5531 §9).
 *
 * <pre>
 * call:  xid | CALL=0  | rpcvers=2 | prog | vers | proc | cred | verf | arguments...
 * reply: xid | REPLY=1 | MSG_ACCEPTED=0 | verf | accept_stat | results or mismatch_info
 *        xid | REPLY=1 | MSG_DENIED=1   | RPC_MISMATCH=0 | low | high
 *        xid | REPLY=1 | MSG_DENIED=1   | AUTH_ERROR=1   | auth_stat
 * </pre>
 */
public final class RpcMessages {
  /** {@code msg_type} of a call. */
  public static final int CALL = 0;

  /** {@code msg_type} of a reply. */
  public static final int REPLY = 1;

  /** The only RPC protocol version: 2. */
  public static final int RPC_VERSION = 2;

  private static final int MSG_ACCEPTED = 0;
  private static final int MSG_DENIED = 1;
  private static final int RPC_MISMATCH = 0;
  private static final int AUTH_ERROR = 1;

  private RpcMessages() {}

  /** Writes a call header; the arguments go after it. */
  public static void writeCall(XdrEncoder out, CallHeader call) {
    writeCall(
        out,
        call.xid(),
        call.program(),
        call.version(),
        call.procedure(),
        call.credential(),
        call.verifier());
  }

  /** Writes a call header from its fields, for senders that make no {@link CallHeader}. */
  public static void writeCall(
      XdrEncoder out,
      int xid,
      int program,
      int version,
      int procedure,
      OpaqueAuth credential,
      OpaqueAuth verifier) {
    writeCallStart(out, xid, program, version, procedure);
    credential.encode(out);
    verifier.encode(out);
  }

  /**
   * Writes a call header up to the procedure number, for a {@link io.jrpcgen.rpc.CallSecurity} that
   * writes the credential and verifier (which covers these bytes with a checksum).
   */
  public static void writeCallStart(
      XdrEncoder out, int xid, int program, int version, int procedure) {
    out.writeInt(xid);
    out.writeInt(CALL);
    out.writeInt(RPC_VERSION);
    out.writeInt(program);
    out.writeInt(version);
    out.writeInt(procedure);
  }

  /** Writes an {@code opaque_auth}. */
  public static void writeAuth(XdrEncoder out, OpaqueAuth auth) {
    auth.encode(out);
  }

  /** Reads an {@code opaque_auth}, refusing a body over 400 bytes. */
  public static OpaqueAuth readAuth(XdrDecoder in) {
    return OpaqueAuth.decode(in);
  }

  /**
   * Reads the fields of a call that follow {@code xid, msg_type, rpcvers}: the server reads those
   * three first because a call of another RPC version may have another layout after them.
   */
  public static CallHeader readCallBody(int xid, XdrDecoder in) {
    int program = in.readInt();
    int version = in.readInt();
    int procedure = in.readInt();
    OpaqueAuth credential = readAuth(in);
    OpaqueAuth verifier = readAuth(in);
    return new CallHeader(xid, program, version, procedure, credential, verifier);
  }

  /** Writes an accepted reply's header with {@code status}; results follow a SUCCESS. */
  public static void writeAccepted(
      XdrEncoder out, int xid, OpaqueAuth verifier, AcceptStat status) {
    if (status == AcceptStat.PROG_MISMATCH) {
      throw new IllegalArgumentException("PROG_MISMATCH needs writeProgramMismatch");
    }
    writeAcceptedHead(out, xid, verifier, status);
  }

  /** Writes {@code PROG_MISMATCH} with the lowest and highest version the server has. */
  public static void writeProgramMismatch(
      XdrEncoder out, int xid, OpaqueAuth verifier, int low, int high) {
    writeAcceptedHead(out, xid, verifier, AcceptStat.PROG_MISMATCH);
    out.writeInt(low);
    out.writeInt(high);
  }

  /** Writes {@code MSG_DENIED / RPC_MISMATCH} with the RPC versions this runtime speaks. */
  public static void writeRpcMismatch(XdrEncoder out, int xid) {
    writeDeniedHead(out, xid, RPC_MISMATCH);
    out.writeInt(RPC_VERSION);
    out.writeInt(RPC_VERSION);
  }

  /** Writes {@code MSG_DENIED / AUTH_ERROR} with {@code status}. */
  public static void writeAuthError(XdrEncoder out, int xid, AuthStat status) {
    writeDeniedHead(out, xid, AUTH_ERROR);
    out.writeEnum(status);
  }

  /**
   * Reads a reply header; after a {@link Reply.Success} the decoder is positioned at the results.
   *
   * @throws XdrException if the message is not a well-formed reply
   */
  public static Reply readReply(XdrDecoder in) {
    int xid = in.readInt();
    int type = in.readInt();
    if (type != REPLY) {
      throw new XdrException("expected a reply (msg_type 1), got msg_type " + type);
    }
    int replyStat = in.readInt();
    if (replyStat == MSG_ACCEPTED) {
      OpaqueAuth verifier = readAuth(in);
      AcceptStat status = AcceptStat.fromValue(in.readInt());
      return switch (status) {
        case SUCCESS -> new Reply.Success(xid, verifier);
        case PROG_MISMATCH -> new Reply.ProgramMismatch(xid, verifier, in.readInt(), in.readInt());
        default -> new Reply.AcceptedError(xid, verifier, status);
      };
    } else if (replyStat == MSG_DENIED) {
      int rejectStat = in.readInt();
      if (rejectStat == RPC_MISMATCH) {
        return new Reply.RpcMismatch(xid, in.readInt(), in.readInt());
      } else if (rejectStat == AUTH_ERROR) {
        return new Reply.AuthError(xid, AuthStat.fromValue(in.readInt()));
      }
      throw new XdrException("unknown reject_stat " + rejectStat);
    }
    throw new XdrException("unknown reply_stat " + replyStat);
  }

  private static void writeAcceptedHead(
      XdrEncoder out, int xid, OpaqueAuth verifier, AcceptStat status) {
    out.writeInt(xid);
    out.writeInt(REPLY);
    out.writeInt(MSG_ACCEPTED);
    verifier.encode(out);
    out.writeEnum(status);
  }

  private static void writeDeniedHead(XdrEncoder out, int xid, int rejectStat) {
    out.writeInt(xid);
    out.writeInt(REPLY);
    out.writeInt(MSG_DENIED);
    out.writeInt(rejectStat);
  }
}

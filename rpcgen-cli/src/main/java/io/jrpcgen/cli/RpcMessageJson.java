package io.jrpcgen.cli;

import io.jrpcgen.compiler.model.NamedType;
import io.jrpcgen.compiler.model.Schema;
import io.jrpcgen.compiler.model.Shapes;
import io.jrpcgen.compiler.model.XdrType;
import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.XdrException;
import io.jrpcgen.xdr.schema.Json;
import io.jrpcgen.xdr.schema.JsonException;
import io.jrpcgen.xdr.schema.XdrJson;
import io.jrpcgen.xdr.schema.XdrShape;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whole RPC messages (RFC 5531 §9) as JSON: the header's fields, the program, version and procedure
 * named from the {@code .x}, and the arguments or results in the form of {@link XdrJson}. A message
 * may start with a record mark (TCP), which is recognised when its fragments cover the input
 * exactly.
 */
final class RpcMessageJson {
  private static final int LAST_FRAGMENT = 0x8000_0000;

  private final XdrVerbs.Loaded loaded;
  private final XdrJson json;

  RpcMessageJson(XdrVerbs.Loaded loaded) {
    this.loaded = loaded;
    this.json = XdrJson.of(loaded.shapes());
  }

  /** A procedure of the file with its program and version. */
  record Target(Schema.Program program, Schema.Version version, Schema.Procedure procedure) {}

  Json readCall(byte[] message) {
    XdrDecoder in = new XdrDecoder(withoutRecordMark(message));
    int xid = in.readInt();
    int type = in.readInt();
    if (type != RpcMessages.CALL) {
      throw new XdrException(
          "not a call: msg_type "
              + type
              + (type == RpcMessages.REPLY ? " (a reply: use --reply PROCEDURE)" : ""));
    }
    int rpcvers = in.readInt();
    if (rpcvers != RpcMessages.RPC_VERSION) {
      throw new XdrException("RPC version " + rpcvers + ", not 2");
    }
    CallHeader header = RpcMessages.readCallBody(xid, in);
    Target target = find(header.program(), header.version(), header.procedure());
    Map<String, Json> out = new LinkedHashMap<>();
    out.put("xid", unsigned(xid));
    out.put("message", new Json.Str("call"));
    names(target, out);
    out.put("credential", auth(header.credential()));
    out.put("verifier", auth(header.verifier()));
    out.put("arguments", readArguments(target.procedure(), in));
    in.requireEnd();
    return new Json.Obj(out);
  }

  Json readReply(byte[] message, String procedure) {
    Target target = find(procedure, 2);
    XdrDecoder in = new XdrDecoder(withoutRecordMark(message));
    Reply reply = RpcMessages.readReply(in);
    Map<String, Json> out = new LinkedHashMap<>();
    out.put("xid", unsigned(reply.xid()));
    out.put("message", new Json.Str("reply"));
    names(target, out);
    if (reply instanceof Reply.Success s) {
      out.put("verifier", auth(s.verifier()));
      out.put("status", new Json.Str(AcceptStat.SUCCESS.name()));
      out.put("result", json.read(shape(target.procedure().result()), in));
    } else if (reply instanceof Reply.ProgramMismatch m) {
      out.put("verifier", auth(m.verifier()));
      out.put("status", new Json.Str(AcceptStat.PROG_MISMATCH.name()));
      out.put("low", unsigned(m.low()));
      out.put("high", unsigned(m.high()));
    } else if (reply instanceof Reply.AcceptedError e) {
      out.put("verifier", auth(e.verifier()));
      out.put("status", new Json.Str(e.status().name()));
    } else if (reply instanceof Reply.RpcMismatch m) {
      out.put("status", new Json.Str("RPC_MISMATCH"));
      out.put("low", unsigned(m.low()));
      out.put("high", unsigned(m.high()));
    } else {
      out.put("status", new Json.Str("AUTH_ERROR"));
      out.put("auth", new Json.Str(((Reply.AuthError) reply).status().name()));
    }
    in.requireEnd();
    return new Json.Obj(out);
  }

  byte[] writeCall(Json value) {
    Map<String, Json> m =
        members(
            value,
            List.of(
                "xid",
                "message",
                "program",
                "version",
                "procedure",
                "credential",
                "verifier",
                "arguments"));
    requireMessage(m, "call");
    Target target = find(m);
    XdrEncoder out = new XdrEncoder();
    RpcMessages.writeCall(
        out,
        (int) number(required(m, "xid"), "$.xid"),
        target.program().number(),
        target.version().number(),
        target.procedure().number(),
        auth(m.get("credential"), "$.credential"),
        auth(m.get("verifier"), "$.verifier"));
    writeArguments(target.procedure(), m.get("arguments"), out);
    return out.toByteArray();
  }

  byte[] writeReply(Json value) {
    Map<String, Json> m =
        members(
            value,
            List.of(
                "xid",
                "message",
                "program",
                "version",
                "procedure",
                "verifier",
                "status",
                "result",
                "low",
                "high",
                "auth"));
    requireMessage(m, "reply");
    int xid = (int) number(required(m, "xid"), "$.xid");
    OpaqueAuth verifier = auth(m.get("verifier"), "$.verifier");
    String status = text(required(m, "status"), "$.status");
    XdrEncoder out = new XdrEncoder();
    switch (status) {
      case "SUCCESS" -> {
        Target target = find(m);
        RpcMessages.writeAccepted(out, xid, verifier, AcceptStat.SUCCESS);
        json.write(shape(target.procedure().result()), required(m, "result"), out);
      }
      case "PROG_MISMATCH" ->
          RpcMessages.writeProgramMismatch(
              out,
              xid,
              verifier,
              (int) number(required(m, "low"), "$.low"),
              (int) number(required(m, "high"), "$.high"));
      case "RPC_MISMATCH" -> {
        XdrEncoder denied = new XdrEncoder();
        RpcMessages.writeRpcMismatch(denied, xid);
        // writeRpcMismatch names this runtime's versions: put the JSON's in their place.
        byte[] b = denied.toByteArray();
        out.writeRaw(b, 0, b.length - 8);
        out.writeInt((int) number(required(m, "low"), "$.low"));
        out.writeInt((int) number(required(m, "high"), "$.high"));
      }
      case "AUTH_ERROR" ->
          RpcMessages.writeAuthError(out, xid, authStat(text(required(m, "auth"), "$.auth")));
      default -> RpcMessages.writeAccepted(out, xid, verifier, acceptStat(status));
    }
    return out.toByteArray();
  }

  private static AcceptStat acceptStat(String name) {
    for (AcceptStat s : AcceptStat.values()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw new JsonException(
        "$.status: \""
            + name
            + "\" is none of SUCCESS, PROG_UNAVAIL,"
            + " PROG_MISMATCH, PROC_UNAVAIL, GARBAGE_ARGS, SYSTEM_ERR, RPC_MISMATCH, AUTH_ERROR");
  }

  private static AuthStat authStat(String name) {
    for (AuthStat s : AuthStat.values()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw new JsonException("$.auth: \"" + name + "\" is not an auth_stat");
  }

  private Json readArguments(Schema.Procedure p, XdrDecoder in) {
    List<NamedType.Field> params = p.parameters();
    if (params.size() == 1) {
      return json.read(shape(params.get(0).type()), in);
    } else if (params.isEmpty()) {
      return Json.NULL;
    }
    Map<String, Json> out = new LinkedHashMap<>();
    for (NamedType.Field f : params) {
      out.put(f.name(), json.read(shape(f.type()), in));
    }
    return new Json.Obj(out);
  }

  private void writeArguments(Schema.Procedure p, Json value, XdrEncoder out) {
    List<NamedType.Field> params = p.parameters();
    if (params.size() != 1) {
      List<XdrShape.Member> members = new ArrayList<>();
      params.forEach(f -> members.add(new XdrShape.Member(f.name(), shape(f.type()))));
      // Several parameters go one after another, as the members of a struct would.
      json.write(
          params.isEmpty() ? new XdrShape.Void() : new XdrShape.Struct(members),
          value == null ? Json.NULL : value,
          out);
    } else {
      if (value == null) {
        throw new JsonException("$: member \"arguments\" is missing");
      }
      json.write(shape(params.get(0).type()), value, out);
    }
  }

  private XdrShape shape(XdrType type) {
    try {
      return Shapes.shape(type);
    } catch (IllegalArgumentException e) {
      throw new XdrVerbs.Failure(2, "no JSON form: " + e.getMessage());
    }
  }

  private void names(Target t, Map<String, Json> out) {
    out.put("program", named(t.program().name(), t.program().number()));
    out.put("version", named(t.version().name(), t.version().number()));
    out.put("procedure", named(t.procedure().name(), t.procedure().number()));
  }

  private static Json named(String name, int number) {
    Map<String, Json> m = new LinkedHashMap<>();
    m.put("name", new Json.Str(name));
    m.put("number", unsigned(number));
    return new Json.Obj(m);
  }

  private static Json unsigned(int value) {
    return new Json.Number(Integer.toUnsignedString(value));
  }

  private static Json auth(OpaqueAuth auth) {
    Map<String, Json> m = new LinkedHashMap<>();
    m.put("flavor", unsigned(auth.flavor()));
    m.put("body", new Json.Str(auth.body().toHex()));
    return new Json.Obj(m);
  }

  private static OpaqueAuth auth(Json value, String path) {
    if (value == null) {
      return OpaqueAuth.NONE;
    }
    Map<String, Json> m = members(value, List.of("flavor", "body"));
    int flavor = (int) number(required(m, "flavor"), path + ".flavor");
    String body = m.containsKey("body") ? text(m.get("body"), path + ".body") : "";
    try {
      return new OpaqueAuth(flavor, Opaque.fromHex(body));
    } catch (IllegalArgumentException e) {
      throw new JsonException(path + ": " + e.getMessage());
    }
  }

  /** The procedure a call names; one the file lacks is an error that says what it has. */
  private Target find(int program, int version, int procedure) {
    for (Schema.Program p : loaded.schema().programs()) {
      if (p.number() != program) {
        continue;
      }
      for (Schema.Version v : p.versions()) {
        if (v.number() != version) {
          continue;
        }
        for (Schema.Procedure proc : v.procedures()) {
          if (proc.number() == procedure) {
            return new Target(p, v, proc);
          }
        }
        if (procedure == 0) {
          return new Target(p, v, nullProcedure(v));
        }
        throw new XdrException(
            "procedure "
                + Integer.toUnsignedString(procedure)
                + " is not in "
                + p.name()
                + " version "
                + v.name()
                + " of "
                + loaded.schema().file());
      }
      throw new XdrException(
          "version "
              + Integer.toUnsignedString(version)
              + " of "
              + p.name()
              + " is not in "
              + loaded.schema().file());
    }
    throw new XdrException(
        String.format(
            "program %d (0x%x) is not in %s (it has: %s)",
            Integer.toUnsignedLong(program),
            program,
            loaded.schema().file(),
            loaded.schema().programs().stream()
                .map(p -> p.name() + " = " + Integer.toUnsignedString(p.number()))
                .toList()));
  }

  /** NULLPROC: every version answers procedure 0, with no arguments and no results. */
  private static Schema.Procedure nullProcedure(Schema.Version v) {
    return new Schema.Procedure("NULLPROC", 0, List.of(), new XdrType.Void(), v.pos(), null);
  }

  /**
   * The procedure named {@code name} or {@code PROGRAM.VERSION.PROCEDURE}; unique, else a failure
   * with {@code exitCode} (2 for an option, 1 for the JSON read).
   */
  private Target find(String name, int exitCode) {
    String[] parts = name.split("\\.", -1);
    if (parts.length != 1 && parts.length != 3) {
      throw new XdrVerbs.Failure(
          exitCode,
          "a procedure is named PROCEDURE or" + " PROGRAM.VERSION.PROCEDURE, not '" + name + "'");
    }
    List<Target> found = new ArrayList<>();
    for (Schema.Program p : loaded.schema().programs()) {
      for (Schema.Version v : p.versions()) {
        List<Schema.Procedure> procedures = new ArrayList<>(v.procedures());
        procedures.add(nullProcedure(v));
        for (Schema.Procedure proc : procedures) {
          boolean matches =
              parts.length == 1
                  ? proc.name().equals(name)
                  : p.name().equals(parts[0])
                      && v.name().equals(parts[1])
                      && proc.name().equals(parts[2]);
          if (matches
              && found.stream()
                  .noneMatch(t -> t.procedure().name().equals(proc.name()) && t.version() == v)) {
            found.add(new Target(p, v, proc));
          }
        }
      }
    }
    if (found.size() == 1) {
      return found.get(0);
    }
    throw new XdrVerbs.Failure(
        exitCode,
        found.isEmpty()
            ? "no procedure '" + name + "' in " + loaded.schema().file()
            : "'"
                + name
                + "' is in several versions: name one as PROGRAM.VERSION.PROCEDURE ("
                + found.stream()
                    .map(
                        t ->
                            t.program().name()
                                + "."
                                + t.version().name()
                                + "."
                                + t.procedure().name())
                    .toList()
                + ")");
  }

  /** The procedure a message's JSON names: with its program and version, or alone if unique. */
  private Target find(Map<String, Json> m) {
    if (!m.containsKey("program") && !m.containsKey("version")) {
      return find(name(m, "procedure"), 1);
    }
    return find(name(m, "program") + "." + name(m, "version") + "." + name(m, "procedure"), 1);
  }

  /** The message without its record mark, if it has one whose fragments cover it exactly. */
  static byte[] withoutRecordMark(byte[] input) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int at = 0;
    while (input.length - at >= 4) {
      int mark =
          (input[at] & 0xff) << 24
              | (input[at + 1] & 0xff) << 16
              | (input[at + 2] & 0xff) << 8
              | input[at + 3] & 0xff;
      int length = mark & ~LAST_FRAGMENT;
      if (length > input.length - at - 4) {
        return input;
      }
      body.write(input, at + 4, length);
      at += 4 + length;
      if ((mark & LAST_FRAGMENT) != 0) {
        return at == input.length ? body.toByteArray() : input;
      }
    }
    return input;
  }

  /** {@code message} as one last fragment. */
  static byte[] withRecordMark(byte[] message) {
    byte[] out = new byte[message.length + 4];
    int mark = LAST_FRAGMENT | message.length;
    out[0] = (byte) (mark >>> 24);
    out[1] = (byte) (mark >>> 16);
    out[2] = (byte) (mark >>> 8);
    out[3] = (byte) mark;
    System.arraycopy(message, 0, out, 4, message.length);
    return out;
  }

  /** The members of an object that has none but {@code known}. */
  private static Map<String, Json> members(Json value, List<String> known) {
    if (!(value instanceof Json.Obj o)) {
      throw new JsonException("$: expected an object, not " + Json.write(value));
    }
    for (String key : o.members().keySet()) {
      if (!known.contains(key)) {
        throw new JsonException(
            "$: unknown member \"" + key + "\" (the members are " + known + ")");
      }
    }
    return o.members();
  }

  private static Json required(Map<String, Json> m, String key) {
    Json v = m.get(key);
    if (v == null) {
      throw new JsonException("$: member \"" + key + "\" is missing");
    }
    return v;
  }

  private static void requireMessage(Map<String, Json> m, String kind) {
    Json message = m.get("message");
    if (message != null && !(message instanceof Json.Str s && s.value().equals(kind))) {
      throw new JsonException("$.message: expected \"" + kind + "\", not " + Json.write(message));
    }
  }

  /** A program, version or procedure: its name, from {@code {"name": ...}} or a string. */
  private static String name(Map<String, Json> m, String key) {
    Json v = required(m, key);
    if (v instanceof Json.Obj o && o.members().get("name") instanceof Json.Str s) {
      return s.value();
    }
    return text(v, "$." + key);
  }

  private static String text(Json value, String path) {
    if (value instanceof Json.Str s) {
      return s.value();
    }
    throw new JsonException(path + ": expected a string, not " + Json.write(value));
  }

  private static long number(Json value, String path) {
    if (value instanceof Json.Number n && n.text().matches("(0|[1-9][0-9]{0,9})")) {
      long v = Long.parseLong(n.text());
      if (v <= 0xffff_ffffL) {
        return v;
      }
    }
    throw new JsonException(
        path + ": expected a number from 0 to 4294967295, not " + Json.write(value));
  }
}

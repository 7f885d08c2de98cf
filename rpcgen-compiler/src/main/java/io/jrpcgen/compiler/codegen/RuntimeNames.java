package io.jrpcgen.compiler.codegen;

import com.palantir.javapoet.ClassName;

/** The runtime classes generated code refers to. */
final class RuntimeNames {
  static final ClassName XDR_CODEC = ClassName.get("io.jrpcgen.xdr", "XdrCodec");
  static final ClassName XDR_ENCODER = ClassName.get("io.jrpcgen.xdr", "XdrEncoder");
  static final ClassName XDR_DECODER = ClassName.get("io.jrpcgen.xdr", "XdrDecoder");
  static final ClassName XDR_ENUM = ClassName.get("io.jrpcgen.xdr", "XdrEnum");
  static final ClassName XDR_EXCEPTION = ClassName.get("io.jrpcgen.xdr", "XdrException");
  static final ClassName XDR_CHECKS = ClassName.get("io.jrpcgen.xdr", "XdrChecks");
  static final ClassName LINKED_NODES = ClassName.get("io.jrpcgen.xdr", "LinkedNodes");
  static final ClassName OPAQUE = ClassName.get("io.jrpcgen.xdr", "Opaque");
  static final ClassName QUADRUPLE = ClassName.get("io.jrpcgen.xdr", "Quadruple");
  static final ClassName RPC_EXCEPTION = ClassName.get("io.jrpcgen.rpc", "RpcException");
  static final ClassName CALL_OPTIONS = ClassName.get("io.jrpcgen.rpc", "CallOptions");
  static final ClassName RPC_CHANNEL = ClassName.get("io.jrpcgen.transport", "RpcChannel");
  static final ClassName RPC_CLIENT = ClassName.get("io.jrpcgen.transport", "RpcClient");
  static final ClassName RPC_CLIENT_FACTORY =
      ClassName.get("io.jrpcgen.portmap", "RpcClientFactory");
  static final ClassName PROGRAM_DEFINITION =
      ClassName.get("io.jrpcgen.server", "ProgramDefinition");
  static final ClassName PROCEDURE = ClassName.get("io.jrpcgen.server", "Procedure");
  static final ClassName DURATION = ClassName.get("java.time", "Duration");
  static final ClassName LIST = ClassName.get("java.util", "List");
  static final ClassName ARRAYS = ClassName.get("java.util", "Arrays");
  static final ClassName OBJECTS = ClassName.get("java.util", "Objects");

  private RuntimeNames() {}
}

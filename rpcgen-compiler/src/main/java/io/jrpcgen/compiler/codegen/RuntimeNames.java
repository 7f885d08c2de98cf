package io.jrpcgen.compiler.codegen;

import com.palantir.javapoet.ClassName;
import java.lang.reflect.Field;
import java.util.Set;

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
  static final ClassName RPC_CLIENT = ClassName.get("io.jrpcgen.client", "RpcClient");
  static final ClassName ABSTRACT_STUB = ClassName.get("io.jrpcgen.client", "AbstractStub");
  static final ClassName GSS_SETTINGS = ClassName.get("io.jrpcgen.gss", "GssSettings");
  static final ClassName RPC_CLIENT_FACTORY =
      ClassName.get("io.jrpcgen.client", "RpcClientFactory");
  static final ClassName PROGRAM_DEFINITION =
      ClassName.get("io.jrpcgen.server", "ProgramDefinition");
  static final ClassName PROCEDURE = ClassName.get("io.jrpcgen.server", "Procedure");
  static final ClassName PROGRAM_NAMES = ClassName.get("io.jrpcgen.observe", "ProgramNames");
  static final ClassName PROCEDURE_UNAVAILABLE =
      ClassName.get("io.jrpcgen.server", "ProcedureUnavailableException");
  static final ClassName CALL_CONTEXT = ClassName.get("io.jrpcgen.server", "CallContext");
  static final ClassName COMPLETABLE_FUTURE =
      ClassName.get("java.util.concurrent", "CompletableFuture");
  static final ClassName DURATION = ClassName.get("java.time", "Duration");
  static final ClassName LIST = ClassName.get("java.util", "List");
  static final ClassName ARRAYS = ClassName.get("java.util", "Arrays");
  static final ClassName OBJECTS = ClassName.get("java.util", "Objects");
  static final ClassName UNARY_OPERATOR = ClassName.get("java.util.function", "UnaryOperator");

  private RuntimeNames() {}

  /**
   * The classes of {@code java.lang} generated code refers to, or may: every file sees them without
   * an import, so a class of the generated package with one of these names hides them.
   */
  private static final Set<String> JAVA_LANG =
      Set.of(
          "AutoCloseable",
          "Boolean",
          "Byte",
          "Character",
          "CharSequence",
          "Class",
          "Comparable",
          "Deprecated",
          "Double",
          "Exception",
          "Float",
          "IllegalArgumentException",
          "IllegalStateException",
          "IndexOutOfBoundsException",
          "Integer",
          "Iterable",
          "Long",
          "Math",
          "NullPointerException",
          "Number",
          "Object",
          "Override",
          "RuntimeException",
          "SafeVarargs",
          "Short",
          "String",
          "StringBuilder",
          "SuppressWarnings",
          "System",
          "UnsupportedOperationException",
          "Void");

  /**
   * Whether a class of the generated package named {@code simpleName} would hide a class the
   * generated code refers to: one of the constants above or of {@link #JAVA_LANG}.
   */
  static boolean hidesAReferencedClass(String simpleName) {
    if (JAVA_LANG.contains(simpleName)) {
      return true;
    }
    for (Field f : RuntimeNames.class.getDeclaredFields()) {
      try {
        if (f.get(null) instanceof ClassName c && c.simpleName().equals(simpleName)) {
          return true;
        }
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    return false;
  }
}

package io.jrpcgen.compiler.codegen;

import static io.jrpcgen.compiler.codegen.RuntimeNames.ABSTRACT_STUB;
import static io.jrpcgen.compiler.codegen.RuntimeNames.CALL_CONTEXT;
import static io.jrpcgen.compiler.codegen.RuntimeNames.CALL_OPTIONS;
import static io.jrpcgen.compiler.codegen.RuntimeNames.COMPLETABLE_FUTURE;
import static io.jrpcgen.compiler.codegen.RuntimeNames.DURATION;
import static io.jrpcgen.compiler.codegen.RuntimeNames.GSS_SETTINGS;
import static io.jrpcgen.compiler.codegen.RuntimeNames.PROCEDURE;
import static io.jrpcgen.compiler.codegen.RuntimeNames.PROCEDURE_UNAVAILABLE;
import static io.jrpcgen.compiler.codegen.RuntimeNames.PROGRAM_DEFINITION;
import static io.jrpcgen.compiler.codegen.RuntimeNames.PROGRAM_NAMES;
import static io.jrpcgen.compiler.codegen.RuntimeNames.RPC_CHANNEL;
import static io.jrpcgen.compiler.codegen.RuntimeNames.RPC_CLIENT;
import static io.jrpcgen.compiler.codegen.RuntimeNames.RPC_CLIENT_FACTORY;
import static io.jrpcgen.compiler.codegen.RuntimeNames.RPC_EXCEPTION;
import static io.jrpcgen.compiler.codegen.RuntimeNames.XDR_CODEC;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.jrpcgen.compiler.codegen.GenerateOptions.Emit;
import io.jrpcgen.compiler.model.NamedType;
import io.jrpcgen.compiler.model.Schema;
import io.jrpcgen.compiler.model.XdrType;
import io.jrpcgen.compiler.naming.Names;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * A program as one outer class holding, per version, the interface to implement, an immutable
 * client stub and a binder that turns an implementation into a dispatch table; and for servers that
 * answer later, an asynchronous interface with its binder.
 */
final class ProgramEmitter {
  private final TypeMapper types;
  private final Names names;
  private final StructEmitter structs;
  private final GenerateOptions options;

  ProgramEmitter(TypeMapper types, StructEmitter structs, GenerateOptions options) {
    this.types = types;
    this.names = types.names();
    this.structs = structs;
    this.options = options;
  }

  TypeSpec emit(Schema.Program program, String packageName) {
    ClassName outer = ClassName.get(packageName, names.program(program));
    TypeSpec.Builder type =
        types
            .qualifying(TypeSpec.classBuilder(outer))
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addJavadoc(Docs.cite("program " + program.name(), program.pos()))
            .addField(
                intConstant(
                    names.number(program),
                    program.number(),
                    program.numberLiteral(),
                    "The program number."))
            .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    for (Schema.Version v : program.versions()) {
      type.addField(
          intConstant(
              names.number(v),
              v.number(),
              v.numberLiteral(),
              "The number of version {@code " + v.name() + "}."));
    }
    if (options.emit().contains(Emit.CLIENT)) {
      type.addField(
          FieldSpec.builder(
                  DURATION, "DEFAULT_TIMEOUT", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
              .addJavadoc("How long a call of a new client waits for its reply.\n")
              .initializer(duration(options.defaultTimeout()))
              .build());
    }
    for (Schema.Version v : program.versions()) {
      for (Schema.Procedure p : v.procedures()) {
        if (p.parameters().size() > 1) {
          type.addType(argumentsRecord(outer, p));
        }
      }
      type.addType(versionInterface(program, v));
      if (options.emit().contains(Emit.CLIENT)) {
        type.addType(client(outer, program, v));
      }
      if (options.emit().contains(Emit.SERVER)) {
        type.addType(asyncInterface(outer, program, v));
        type.addMethod(binder(outer, program, v));
        type.addMethod(asyncBinder(outer, program, v));
      }
    }
    return type.build();
  }

  private TypeSpec argumentsRecord(ClassName outer, Schema.Procedure p) {
    long minSize = p.parameters().stream().mapToLong(a -> a.type().minEncodedSize()).sum();
    return structs
        .recordWithCodec(
            outer.nestedClass(names.arguments(p)),
            p.parameters(),
            null,
            "The arguments of {@code " + p.name() + "}, sent one after another.\n",
            minSize)
        .addModifiers(Modifier.STATIC)
        .build();
  }

  private TypeSpec versionInterface(Schema.Program program, Schema.Version v) {
    TypeSpec.Builder type =
        TypeSpec.interfaceBuilder(names.version(v))
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "Version {@code $L} of {@code $L}:\nwhat a server implements and a client"
                    + " calls.$L\n",
                v.name(),
                program.name(),
                partialDoc(
                    v,
                    "\n\n<p>{@link io.jrpcgen.server.CallContext#current()} describes the call being"
                        + " served."));
    for (Schema.Procedure p : v.procedures()) {
      type.addField(
          intConstant(
              names.number(p),
              p.number(),
              p.numberLiteral(),
              "The number of procedure {@code " + p.name() + "}."));
    }
    for (Schema.Procedure p : v.procedures()) {
      MethodSpec.Builder m =
          MethodSpec.methodBuilder(names.procedure(p))
              .addModifiers(Modifier.PUBLIC)
              .addJavadoc(Docs.cite(signature(p), p.pos()))
              .returns(resultType(p));
      for (NamedType.Field param : p.parameters()) {
        m.addParameter(types.javaType(param.type()), names.field(param));
      }
      if (isNullProcedure(p)) {
        m.addModifiers(Modifier.DEFAULT).addComment("Answered as NULLPROC: with nothing.");
      } else if (hasDefaults(v)) {
        m.addModifiers(Modifier.DEFAULT)
            .addStatement("throw new $T($W$S)", PROCEDURE_UNAVAILABLE, p.name());
      } else {
        m.addModifiers(Modifier.ABSTRACT);
      }
      type.addMethod(m.build());
    }
    return type.build();
  }

  /**
   * The interface of a server whose procedures answer later: each returns a future of its results
   * at once, given the call it serves.
   */
  private TypeSpec asyncInterface(ClassName outer, Schema.Program program, Schema.Version v) {
    TypeSpec.Builder type =
        TypeSpec.interfaceBuilder(names.asyncVersion(v))
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "Version {@code $L} of {@code $L}\nfor a server that answers later: each method"
                    + " returns at once, and the reply is sent\nwhen its future completes; no thread"
                    + " waits meanwhile. A future that fails answers as\n"
                    + "{@link io.jrpcgen.server.AsyncProcedureHandler} says.$L\nBind it with"
                    + " {@link $T#$N}.\n",
                v.name(),
                program.name(),
                partialDoc(v, ""),
                outer,
                names.asyncBinder(v));
    for (Schema.Procedure p : v.procedures()) {
      MethodSpec.Builder m =
          MethodSpec.methodBuilder(names.procedure(p))
              .addModifiers(Modifier.PUBLIC)
              .addJavadoc(Docs.cite(signature(p), p.pos()))
              .returns(futureType(p))
              .addParameter(CALL_CONTEXT, "call");
      for (NamedType.Field param : p.parameters()) {
        m.addParameter(types.javaType(param.type()), names.field(param));
      }
      if (isNullProcedure(p)) {
        m.addModifiers(Modifier.DEFAULT)
            .addStatement("return $T.completedFuture(null)", COMPLETABLE_FUTURE);
      } else if (hasDefaults(v)) {
        m.addModifiers(Modifier.DEFAULT)
            .addStatement(
                "return $T.failedFuture($Wnew $T($W$S))",
                COMPLETABLE_FUTURE,
                PROCEDURE_UNAVAILABLE,
                p.name());
      } else {
        m.addModifiers(Modifier.ABSTRACT);
      }
      type.addMethod(m.build());
    }
    return type.build();
  }

  /**
   * Whether a version's procedures get {@code default} methods that answer PROC_UNAVAIL, so that a
   * partial implementation compiles. Not when it has only one besides procedure 0: then the
   * interface stays functional, for a lambda, and an implementation of none would serve nothing.
   */
  private static boolean hasDefaults(Schema.Version v) {
    return v.procedures().stream().filter(p -> !isNullProcedure(p)).count() > 1;
  }

  /** The sentence about defaults for a version's interface docs, and {@code more} after it. */
  private static String partialDoc(Schema.Version v, String more) {
    return (hasDefaults(v) ? " A procedure not implemented\nanswers {@code PROC_UNAVAIL}." : "")
        + more;
  }

  /** Procedure 0 as RFC 5531 wants it: no arguments, no results, answered by every server. */
  private static boolean isNullProcedure(Schema.Procedure p) {
    return p.number() == 0 && p.parameters().isEmpty() && p.result() instanceof XdrType.Void;
  }

  private TypeSpec client(ClassName outer, Schema.Program program, Schema.Version v) {
    ClassName iface = outer.nestedClass(names.version(v));
    ClassName self = outer.nestedClass(names.client(v));
    // The RpcClient of a client over a channel, whose calls wait the default timeout.
    CodeBlock channelClient =
        CodeBlock.of(
            "$T.create(channel,$W$N,$W$N,$W$T.DEFAULTS.withTimeout(DEFAULT_TIMEOUT)",
            RPC_CLIENT,
            names.number(program),
            names.number(v),
            CALL_OPTIONS);
    TypeSpec.Builder type =
        TypeSpec.classBuilder(self)
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .superclass(ParameterizedTypeName.get(ABSTRACT_STUB, self))
            .addSuperinterface(iface)
            .addJavadoc(
                "A client of version {@code $L}: immutable and thread-safe. Each procedure"
                    + " is\ncalled blocking, asynchronously ({@code Async}) and, if it has no results,"
                    + " one-way\n({@code OneWay}); options, {@code ping()} and {@code close()} are"
                    + " {@link $T}'s.\n",
                v.name(),
                ABSTRACT_STUB)
            .addField(
                FieldSpec.builder(
                        PROGRAM_NAMES, "NAMES", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc("The {@code .x} names its calls are reported with to listeners.\n")
                    .initializer(programNames(iface, program, v))
                    .build())
            .addMethod(
                MethodSpec.constructorBuilder()
                    .addModifiers(Modifier.PRIVATE)
                    .addParameter(RPC_CLIENT, "client")
                    .addStatement("super(client.withNames(NAMES))")
                    .build())
            .addMethod(
                MethodSpec.methodBuilder("create")
                    .addJavadoc(
                        "A client over {@code channel} whose calls wait {@link #DEFAULT_TIMEOUT}."
                            + "\n")
                    .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                    .addParameter(RPC_CHANNEL, "channel")
                    .returns(self)
                    .addStatement("return new $T($L))", self, channelClient)
                    .build())
            .addMethod(
                MethodSpec.methodBuilder("create")
                    .addJavadoc(
                        "A client over {@code channel} whose calls an RPCSEC_GSS context of its"
                            + " own protects, made\nas {@code gss} says when the first call needs"
                            + " it; {@code close()} destroys it on the server,\nthen closes the"
                            + " channel.\n")
                    .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                    .addParameter(RPC_CHANNEL, "channel")
                    .addParameter(GSS_SETTINGS, "gss")
                    .returns(self)
                    .addStatement("return new $T($L,$Wgss))", self, channelClient)
                    .build())
            .addMethod(
                MethodSpec.methodBuilder("create")
                    .addJavadoc(
                        "A client of the server that {@code host}'s portmapper names, as rpcgen's"
                            + "\n{@code clnt_create(host, prog, vers, protocol)}: {@code protocol} is"
                            + " {@code \"tcp\"} or\n{@code \"udp\"}.\n\n@throws $T if the program"
                            + " is not registered there or lacks this version\n",
                        RPC_EXCEPTION)
                    .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                    .addParameter(String.class, "host")
                    .addParameter(String.class, "protocol")
                    .returns(self)
                    .addStatement("return create($T.DEFAULT, host, protocol)", RPC_CLIENT_FACTORY)
                    .build())
            .addMethod(
                MethodSpec.methodBuilder("create")
                    .addJavadoc(
                        "As {@link #create(String, String)}, asking with {@code factory}'s"
                            + " portmapper port and\noptions.\n")
                    .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                    .addParameter(RPC_CLIENT_FACTORY, "factory")
                    .addParameter(String.class, "host")
                    .addParameter(String.class, "protocol")
                    .returns(self)
                    .addStatement(
                        "return new $T(factory.client(host,$W$N,$W$N,$Wprotocol)"
                            + ".withTimeout(DEFAULT_TIMEOUT))",
                        self,
                        names.number(program),
                        names.number(v))
                    .build())
            .addMethod(
                MethodSpec.methodBuilder("copy")
                    .addAnnotation(Override.class)
                    .addModifiers(Modifier.PROTECTED)
                    .addParameter(RPC_CLIENT, "client")
                    .returns(self)
                    .addStatement("return new $T(client)", self)
                    .build());
    for (Schema.Procedure p : v.procedures()) {
      CodeBlock procedure =
          CodeBlock.of("$T.$N,$W$L", iface, names.number(p), argumentsCodecAndValue(outer, p));
      CodeBlock call = CodeBlock.of("call($L,$W$L)", procedure, types.codec(p.result()));
      MethodSpec.Builder blocking =
          procedureMethod(p, names.procedure(p))
              .addAnnotation(Override.class)
              .returns(resultType(p));
      if (p.result() instanceof XdrType.Void) {
        blocking.addStatement("$L", call);
      } else {
        blocking.addStatement("return $L", call);
      }
      type.addMethod(blocking.build());
      type.addMethod(
          procedureMethod(p, names.asyncProcedure(p))
              .addJavadoc(
                  "{@link #$N}, without waiting:\nthe future ends with the results or fails"
                      + " with the {@link $T} the\nblocking call would throw, at the latest at the"
                      + " timeout.\n",
                  names.procedure(p),
                  RPC_EXCEPTION)
              .returns(ParameterizedTypeName.get(COMPLETABLE_FUTURE, resultType(p).box()))
              .addStatement("return callAsync($L,$W$L)", procedure, types.codec(p.result()))
              .build());
      if (p.result() instanceof XdrType.Void) {
        type.addMethod(
            procedureMethod(p, names.oneWayProcedure(p))
                .addJavadoc(
                    "{@link #$N}, one-way:\nno reply is awaited (RFC 5531 batching), and"
                        + " over TCP the call leaves with the next\none or {@link #flush()}.\n",
                    names.procedure(p))
                .addStatement("callOneWay($L)", procedure)
                .build());
      }
    }
    return type.build();
  }

  /** The names of the program and of each procedure of {@code v}, as the {@code .x} has them. */
  private CodeBlock programNames(ClassName iface, Schema.Program program, Schema.Version v) {
    CodeBlock.Builder b =
        CodeBlock.builder().add("$T.builder($S)$>$>", PROGRAM_NAMES, program.name());
    for (Schema.Procedure p : v.procedures()) {
      b.add("\n.procedure($T.$N,$W$S)", iface, names.number(p), p.name());
    }
    return b.add("\n.build()$<$<").build();
  }

  /** A public method named {@code name} with {@code p}'s parameters. */
  private MethodSpec.Builder procedureMethod(Schema.Procedure p, String name) {
    MethodSpec.Builder m = MethodSpec.methodBuilder(name).addModifiers(Modifier.PUBLIC);
    for (NamedType.Field param : p.parameters()) {
      m.addParameter(types.javaType(param.type()), names.field(param));
    }
    return m;
  }

  /** The start of a binder's body: a program definition's builder, named as the {@code .x} does. */
  private CodeBlock.Builder dispatchTable(Schema.Program program, Schema.Version v) {
    return CodeBlock.builder()
        .add(
            "return $T.builder($N, $N)$>$>",
            PROGRAM_DEFINITION,
            names.number(program),
            names.number(v))
        .add("\n.programName($S)", program.name());
  }

  private MethodSpec binder(ClassName outer, Schema.Program program, Schema.Version v) {
    ClassName iface = outer.nestedClass(names.version(v));
    CodeBlock.Builder table = dispatchTable(program, v);
    for (Schema.Procedure p : v.procedures()) {
      if (p.result() instanceof XdrType.Void) {
        table.add(
            "\n.procedure($T.ofVoid($T.$N,$W$S,$W$L,$W$L))",
            PROCEDURE,
            iface,
            names.number(p),
            p.name(),
            argumentsCodec(outer, p),
            handler(p, false));
      } else {
        table.add(
            "\n.procedure($T.of($T.$N,$W$S,$W$L,$W$L,$W$L))",
            PROCEDURE,
            iface,
            names.number(p),
            p.name(),
            argumentsCodec(outer, p),
            types.codec(p.result()),
            handler(p, false));
      }
    }
    table.add("\n.build();\n$<$<");
    return MethodSpec.methodBuilder(names.binder(v))
        .addJavadoc(
            "The dispatch table that serves version {@code $L} with {@code impl}, for"
                + "\n{@code RpcServer.builder().program(...)}.\n",
            v.name())
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .addParameter(iface, "impl")
        .returns(PROGRAM_DEFINITION)
        .addCode(table.build())
        .build();
  }

  private MethodSpec asyncBinder(ClassName outer, Schema.Program program, Schema.Version v) {
    ClassName iface = outer.nestedClass(names.version(v));
    CodeBlock.Builder table = dispatchTable(program, v);
    for (Schema.Procedure p : v.procedures()) {
      table.add(
          "\n.procedure($T.ofAsync($T.$N,$W$S,$W$L,$W$L,$W$L))",
          PROCEDURE,
          iface,
          names.number(p),
          p.name(),
          argumentsCodec(outer, p),
          p.result() instanceof XdrType.Void
              ? CodeBlock.of("$T.VOID", XDR_CODEC)
              : types.codec(p.result()),
          handler(p, true));
    }
    table.add("\n.build();\n$<$<");
    return MethodSpec.methodBuilder(names.asyncBinder(v))
        .addJavadoc(
            "The dispatch table that serves version {@code $L} with {@code impl},\nwhose"
                + " calls reply when their futures complete, for\n{@code RpcServer.builder()"
                + ".program(...)}.\n",
            v.name())
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .addParameter(outer.nestedClass(names.asyncVersion(v)), "impl")
        .returns(PROGRAM_DEFINITION)
        .addCode(table.build())
        .build();
  }

  /**
   * The lambda that unpacks decoded arguments into a call of the implementation; an asynchronous
   * one is given the call first.
   */
  private CodeBlock handler(Schema.Procedure p, boolean async) {
    List<CodeBlock> args = new ArrayList<>();
    if (async) {
      args.add(CodeBlock.of("call"));
    }
    if (p.parameters().size() == 1) {
      args.add(CodeBlock.of("args"));
    } else {
      for (NamedType.Field param : p.parameters()) {
        args.add(CodeBlock.of("args.$N()", names.field(param)));
      }
    }
    return CodeBlock.of(
        "(call, args) -> impl.$N($L)", names.procedure(p), CodeBlock.join(args, ",$W"));
  }

  private CodeBlock argumentsCodec(ClassName outer, Schema.Procedure p) {
    return switch (p.parameters().size()) {
      case 0 -> CodeBlock.of("$T.VOID", XDR_CODEC);
      case 1 -> types.codec(p.parameters().get(0).type());
      default -> CodeBlock.of("$T.CODEC", outer.nestedClass(names.arguments(p)));
    };
  }

  private CodeBlock argumentsCodecAndValue(ClassName outer, Schema.Procedure p) {
    return switch (p.parameters().size()) {
      case 0 -> CodeBlock.of("$T.VOID,$Wnull", XDR_CODEC);
      case 1 ->
          CodeBlock.of(
              "$L,$W$N",
              types.codec(p.parameters().get(0).type()),
              names.field(p.parameters().get(0)));
      default ->
          CodeBlock.of(
              "$T.CODEC,$Wnew $T($L)",
              outer.nestedClass(names.arguments(p)),
              outer.nestedClass(names.arguments(p)),
              CodeBlock.join(
                  p.parameters().stream().map(a -> CodeBlock.of("$N", names.field(a))).toList(),
                  ",$W"));
    };
  }

  private TypeName resultType(Schema.Procedure p) {
    return p.result() instanceof XdrType.Void ? TypeName.VOID : types.javaType(p.result());
  }

  /** {@code CompletableFuture} of the results, boxed; of {@code Void} for none. */
  private TypeName futureType(Schema.Procedure p) {
    TypeName result =
        p.result() instanceof XdrType.Void
            ? ClassName.get(Void.class)
            : types.javaType(p.result()).box();
    return ParameterizedTypeName.get(COMPLETABLE_FUTURE, result);
  }

  /** The procedure as the .x declares it, typedefs resolved: {@code int ADD(int, int) = 5}. */
  private static String signature(Schema.Procedure p) {
    List<String> parameters = new ArrayList<>();
    for (NamedType.Field param : p.parameters()) {
      parameters.add(Docs.xdr(param.type()));
    }
    return Docs.xdr(p.result())
        + " "
        + p.name()
        + "("
        + (parameters.isEmpty() ? "void" : String.join(", ", parameters))
        + ") = "
        + Integer.toUnsignedString(p.number());
  }

  /** {@code Duration.ofSeconds(25)}, or {@code ofMillis} when it is no whole number of seconds. */
  private static CodeBlock duration(java.time.Duration d) {
    return d.toMillis() % 1000 == 0
        ? CodeBlock.of("$T.ofSeconds($L)", DURATION, d.toSeconds())
        : CodeBlock.of("$T.ofMillis($L)", DURATION, d.toMillis());
  }

  /**
   * A number as the .x wrote it ({@code 100003}, {@code 0x20000001}); a decimal past {@code
   * Integer.MAX_VALUE}, which is no int literal in Java, as its bit pattern in hex.
   */
  private static FieldSpec intConstant(String name, int value, String written, String javadoc) {
    String literal =
        ConstantsEmitter.isHexOrOctal(written)
            ? written
            : value >= 0 ? Integer.toString(value) : "0x" + Integer.toHexString(value);
    return FieldSpec.builder(TypeName.INT, name, Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc(javadoc + "\n")
        .initializer("$L", literal)
        .build();
  }
}

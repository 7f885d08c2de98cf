package io.jrpcgen.compiler.codegen;

import static io.jrpcgen.compiler.codegen.RuntimeNames.CALL_OPTIONS;
import static io.jrpcgen.compiler.codegen.RuntimeNames.DURATION;
import static io.jrpcgen.compiler.codegen.RuntimeNames.PROCEDURE;
import static io.jrpcgen.compiler.codegen.RuntimeNames.PROGRAM_DEFINITION;
import static io.jrpcgen.compiler.codegen.RuntimeNames.RPC_CHANNEL;
import static io.jrpcgen.compiler.codegen.RuntimeNames.RPC_CLIENT;
import static io.jrpcgen.compiler.codegen.RuntimeNames.RPC_CLIENT_FACTORY;
import static io.jrpcgen.compiler.codegen.RuntimeNames.RPC_EXCEPTION;
import static io.jrpcgen.compiler.codegen.RuntimeNames.XDR_CODEC;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
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
 * client stub and a binder that turns an implementation into a dispatch table.
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
    TypeSpec.Builder type = types.qualifying(TypeSpec.classBuilder(outer))
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addJavadoc(Docs.cite("program " + program.name(), program.pos()))
        .addField(intConstant(names.number(program), program.number(),
            program.numberLiteral(), "The program number."))
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    for (Schema.Version v : program.versions()) {
      type.addField(intConstant(names.number(v), v.number(), v.numberLiteral(),
          "The number of version {@code " + v.name() + "}."));
    }
    if (options.emit().contains(Emit.CLIENT)) {
      type.addField(FieldSpec.builder(DURATION, "DEFAULT_TIMEOUT", Modifier.PUBLIC,
              Modifier.STATIC, Modifier.FINAL)
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
        type.addMethod(binder(outer, program, v));
      }
    }
    return type.build();
  }

  private TypeSpec argumentsRecord(ClassName outer, Schema.Procedure p) {
    long minSize = p.parameters().stream().mapToLong(a -> a.type().minEncodedSize()).sum();
    return structs.recordWithCodec(outer.nestedClass(names.arguments(p)), p.parameters(), null,
        "The arguments of {@code " + p.name() + "}, sent one after another.\n", minSize)
        .addModifiers(Modifier.STATIC)
        .build();
  }

  private TypeSpec versionInterface(Schema.Program program, Schema.Version v) {
    TypeSpec.Builder type = TypeSpec.interfaceBuilder(names.version(v))
        .addModifiers(Modifier.PUBLIC)
        .addJavadoc("Version {@code $L} of {@code $L}:\nwhat a server implements and a client"
            + " calls.\n", v.name(), program.name());
    for (Schema.Procedure p : v.procedures()) {
      type.addField(intConstant(names.number(p), p.number(), p.numberLiteral(),
          "The number of procedure {@code " + p.name() + "}."));
    }
    for (Schema.Procedure p : v.procedures()) {
      MethodSpec.Builder m = MethodSpec.methodBuilder(names.procedure(p))
          .addModifiers(Modifier.PUBLIC, Modifier.ABSTRACT)
          .addJavadoc(Docs.cite(signature(p), p.pos()))
          .returns(resultType(p));
      for (NamedType.Field param : p.parameters()) {
        m.addParameter(types.javaType(param.type()), names.field(param));
      }
      type.addMethod(m.build());
    }
    return type.build();
  }

  private TypeSpec client(ClassName outer, Schema.Program program, Schema.Version v) {
    ClassName iface = outer.nestedClass(names.version(v));
    ClassName self = outer.nestedClass(names.client(v));
    TypeSpec.Builder type = TypeSpec.classBuilder(self)
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addSuperinterface(iface)
        .addSuperinterface(AutoCloseable.class)
        .addJavadoc("A client of version {@code $L}:\nimmutable and thread-safe; the {@code with}"
            + " methods return configured copies that share\nthe channel.\n", v.name())
        .addField(RPC_CLIENT, "client", Modifier.PRIVATE, Modifier.FINAL)
        .addMethod(MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PRIVATE)
            .addParameter(RPC_CLIENT, "client")
            .addStatement("this.client = client")
            .build())
        .addMethod(MethodSpec.methodBuilder("create")
            .addJavadoc("A client over {@code channel} whose calls wait {@link #DEFAULT_TIMEOUT}."
                + "\n")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addParameter(RPC_CHANNEL, "channel")
            .returns(self)
            .addStatement("return new $T($T.create(channel,$W$N,$W$N,$W$T.DEFAULTS"
                + ".withTimeout(DEFAULT_TIMEOUT)))", self, RPC_CLIENT,
                names.number(program), names.number(v),
                CALL_OPTIONS)
            .build())
        .addMethod(MethodSpec.methodBuilder("create")
            .addJavadoc("A client of the server that {@code host}'s portmapper names, as rpcgen's"
                + "\n{@code clnt_create(host, prog, vers, protocol)}: {@code protocol} is"
                + " {@code \"tcp\"} or\n{@code \"udp\"}.\n\n@throws $T if the program"
                + " is not registered there or lacks this version\n", RPC_EXCEPTION)
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addParameter(String.class, "host")
            .addParameter(String.class, "protocol")
            .returns(self)
            .addStatement("return create($T.DEFAULT, host, protocol)", RPC_CLIENT_FACTORY)
            .build())
        .addMethod(MethodSpec.methodBuilder("create")
            .addJavadoc("As {@link #create(String, String)}, asking with {@code factory}'s"
                + " portmapper port and\noptions.\n")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addParameter(RPC_CLIENT_FACTORY, "factory")
            .addParameter(String.class, "host")
            .addParameter(String.class, "protocol")
            .returns(self)
            .addStatement("return new $T(factory.client(host,$W$N,$W$N,$Wprotocol)"
                + ".withTimeout(DEFAULT_TIMEOUT))", self, names.number(program),
                names.number(v))
            .build())
        .addMethod(copy(self, "withTimeout", DURATION, "timeout",
            "A copy whose calls wait at most {@code timeout} ({@code CLSET_TIMEOUT})."))
        .addMethod(copy(self, "withRetryInterval", DURATION, "retryInterval",
            "A copy whose UDP calls resend after {@code retryInterval}."))
        .addMethod(copy(self, "withOptions", CALL_OPTIONS, "options",
            "A copy with other call options (credentials, timeouts)."))
        .addMethod(MethodSpec.methodBuilder("rpcClient")
            .addJavadoc("The underlying client, for {@code clnt_control}-style reads: timeout,"
                + " retry\ninterval, server address, last XID.\n")
            .addModifiers(Modifier.PUBLIC)
            .returns(RPC_CLIENT)
            .addStatement("return client")
            .build());
    for (Schema.Procedure p : v.procedures()) {
      MethodSpec.Builder m = MethodSpec.methodBuilder(names.procedure(p))
          .addAnnotation(Override.class)
          .addModifiers(Modifier.PUBLIC)
          .returns(resultType(p));
      for (NamedType.Field param : p.parameters()) {
        m.addParameter(types.javaType(param.type()), names.field(param));
      }
      CodeBlock call = CodeBlock.of("client.call($T.$N,$W$L,$W$L)", iface,
          names.number(p), argumentsCodecAndValue(outer, p),
          types.codec(p.result()));
      if (p.result() instanceof XdrType.Void) {
        m.addStatement("$L", call);
      } else {
        m.addStatement("return $L", call);
      }
      type.addMethod(m.build());
    }
    type.addMethod(MethodSpec.methodBuilder("close")
        .addJavadoc("Closes the channel.\n")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .addStatement("client.close()")
        .build());
    return type.build();
  }

  private MethodSpec binder(ClassName outer, Schema.Program program, Schema.Version v) {
    ClassName iface = outer.nestedClass(names.version(v));
    CodeBlock.Builder table = CodeBlock.builder()
        .add("return $T.builder($N, $N)$>$>", PROGRAM_DEFINITION,
            names.number(program), names.number(v));
    for (Schema.Procedure p : v.procedures()) {
      if (p.result() instanceof XdrType.Void) {
        table.add("\n.procedure($T.ofVoid($T.$N,$W$S,$W$L,$W$L))", PROCEDURE, iface,
            names.number(p), p.name(), argumentsCodec(outer, p),
            handler(p));
      } else {
        table.add("\n.procedure($T.of($T.$N,$W$S,$W$L,$W$L,$W$L))", PROCEDURE, iface,
            names.number(p), p.name(), argumentsCodec(outer, p),
            types.codec(p.result()), handler(p));
      }
    }
    table.add("\n.build();\n$<$<");
    return MethodSpec.methodBuilder(names.binder(v))
        .addJavadoc("The dispatch table that serves version {@code $L} with {@code impl}, for"
            + "\n{@code RpcServer.builder().program(...)}.\n", v.name())
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .addParameter(iface, "impl")
        .returns(PROGRAM_DEFINITION)
        .addCode(table.build())
        .build();
  }

  /** The lambda that unpacks decoded arguments into a call of the implementation. */
  private CodeBlock handler(Schema.Procedure p) {
    List<CodeBlock> args = new ArrayList<>();
    if (p.parameters().size() == 1) {
      args.add(CodeBlock.of("args"));
    } else {
      for (NamedType.Field param : p.parameters()) {
        args.add(CodeBlock.of("args.$N()", names.field(param)));
      }
    }
    return CodeBlock.of("(call, args) -> impl.$N($L)", names.procedure(p),
        CodeBlock.join(args, ",$W"));
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
      case 1 -> CodeBlock.of("$L,$W$N", types.codec(p.parameters().get(0).type()),
          names.field(p.parameters().get(0)));
      default -> CodeBlock.of("$T.CODEC,$Wnew $T($L)", outer.nestedClass(names.arguments(p)),
          outer.nestedClass(names.arguments(p)), CodeBlock.join(p.parameters().stream()
              .map(a -> CodeBlock.of("$N", names.field(a))).toList(), ",$W"));
    };
  }

  private TypeName resultType(Schema.Procedure p) {
    return p.result() instanceof XdrType.Void ? TypeName.VOID : types.javaType(p.result());
  }

  /** The procedure as the .x declares it, typedefs resolved: {@code int ADD(int, int) = 5}. */
  private static String signature(Schema.Procedure p) {
    List<String> parameters = new ArrayList<>();
    for (NamedType.Field param : p.parameters()) {
      parameters.add(Docs.xdr(param.type()));
    }
    return Docs.xdr(p.result()) + " " + p.name() + "("
        + (parameters.isEmpty() ? "void" : String.join(", ", parameters)) + ") = "
        + Integer.toUnsignedString(p.number());
  }

  private static MethodSpec copy(ClassName self, String name, TypeName type, String param,
      String javadoc) {
    return MethodSpec.methodBuilder(name)
        .addJavadoc(javadoc + "\n")
        .addModifiers(Modifier.PUBLIC)
        .addParameter(type, param)
        .returns(self)
        .addStatement("return new $T(client.$N($N))", self, name, param)
        .build();
  }

  /** {@code Duration.ofSeconds(25)}, or {@code ofMillis} when it is no whole number of seconds. */
  private static CodeBlock duration(java.time.Duration d) {
    return d.toMillis() % 1000 == 0 ? CodeBlock.of("$T.ofSeconds($L)", DURATION, d.toSeconds())
        : CodeBlock.of("$T.ofMillis($L)", DURATION, d.toMillis());
  }

  /**
   * A number as the .x wrote it ({@code 100003}, {@code 0x20000001}); a decimal past
   * {@code Integer.MAX_VALUE}, which is no int literal in Java, as its bit pattern in hex.
   */
  private static FieldSpec intConstant(String name, int value, String written, String javadoc) {
    String literal = ConstantsEmitter.isHexOrOctal(written) ? written
        : value >= 0 ? Integer.toString(value) : "0x" + Integer.toHexString(value);
    return FieldSpec.builder(TypeName.INT, name, Modifier.PUBLIC,
            Modifier.STATIC, Modifier.FINAL)
        .addJavadoc(javadoc + "\n")
        .initializer("$L", literal)
        .build();
  }
}

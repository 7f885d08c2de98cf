package io.jrpcgen.compiler.naming;

import io.jrpcgen.compiler.diag.Diagnostics;
import io.jrpcgen.compiler.diag.SourcePos;
import io.jrpcgen.compiler.model.NamedType;
import io.jrpcgen.compiler.model.Schema;
import io.jrpcgen.compiler.model.XdrType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The naming pass: assigns the Java name of everything a schema generates, once, in the spirit of
 * Wire's and JavaPoet's {@code NameAllocator}. Rules (the README's "Names"): types UpperCamel,
 * members lowerCamel, constants and enumerators as in the {@code .x}, typedef codecs in constant
 * case, union arms after their case labels ({@code OpGetattr}, {@code Case1Or2}, {@code Default}),
 * a record's copy methods {@code with} and the member ({@code withSize}). A name that Java or the
 * generated code already uses in its scope gets a trailing {@code _} ({@code hashCode_}, {@code
 * CODEC_}, {@code withSize_} beside {@code size}); a program, version or procedure number whose
 * name a type in scope would hide gets {@code _PROGRAM}, {@code _VERSION} or {@code _PROCEDURE}.
 * Two {@code .x} names that still map to one Java name are an error.
 */
public final class Naming {
  /** Records with this many components or more get a {@code withX} method per component. */
  public static final int WITHERS_FROM = 3;

  /** Members a record component may not be named (JLS 8.10.1). */
  private static final Set<String> RECORD_RESERVED =
      Set.of(
          "clone", "finalize", "getClass", "hashCode", "notify", "notifyAll", "toString", "wait");

  /** A linked list's record has a static {@code asList}. */
  private static final Set<String> STRUCT_RESERVED = union(RECORD_RESERVED, Set.of("asList"));

  /** A linked list's decoder has these locals besides its arrays of values. */
  private static final Set<String> DECODER_LOCALS = Set.of("in", "count", "list");

  /** {@code decode} reads a discriminant into a local beside its parameter {@code in}. */
  private static final Set<String> DISCRIMINANT_RESERVED = union(RECORD_RESERVED, Set.of("in"));

  /** Every enum has these fields. */
  private static final Set<String> ENUM_RESERVED = Set.of("CODEC", "value");

  /** A client has these methods, its own and its stub base's, besides Object's. */
  private static final Set<String> PROCEDURE_RESERVED =
      union(
          RECORD_RESERVED,
          Set.of(
              "equals",
              "create",
              "copy",
              "withTimeout",
              "withRetryInterval",
              "withCredential",
              "withAuthSys",
              "withOptions",
              "withExecutor",
              "rpcClient",
              "ping",
              "flush",
              "close",
              "call",
              "callAsync",
              "callOneWay"));

  /**
   * A client method's body calls its field {@code client}, an asynchronous interface's methods take
   * the {@code call} first; arguments are record components.
   */
  private static final Set<String> PARAMETER_RESERVED =
      union(RECORD_RESERVED, Set.of("client", "call"));

  private final Schema schema;
  private final Diagnostics diagnostics;
  private Names names;

  private Naming(Schema schema, Diagnostics diagnostics) {
    this.schema = schema;
    this.diagnostics = diagnostics;
  }

  /** Names everything {@code schema} generates; null if names collide (all reported). */
  public static Names assign(Schema schema, Diagnostics diagnostics) {
    int before = diagnostics.errorCount();
    Names names = new Naming(schema, diagnostics).run();
    return diagnostics.errorCount() > before ? null : names;
  }

  private Names run() {
    String base = JavaNames.typeName(baseName(schema.file()));
    String file = Path.of(schema.file()).getFileName().toString();
    names = new Names(base + "Constants", base + "Typedefs", base + "Schema");
    NameScope types = new NameScope(diagnostics, true, Set.of());
    if (!schema.types().isEmpty() || !schema.typedefs().isEmpty()) {
      types.claimGenerated(names.schemaClass(), "the schema class of " + file);
      names.putTopLevelType(names.schemaClass());
    }
    if (!schema.constants().isEmpty()) {
      types.claimGenerated(names.constantsClass(), "the constants class of " + file);
      names.putTopLevelType(names.constantsClass());
    }
    if (!schema.typedefs().isEmpty()) {
      types.claimGenerated(names.typedefsClass(), "the typedefs class of " + file);
      names.putTopLevelType(names.typedefsClass());
    }
    for (NamedType t : schema.types()) {
      String name = types.claim(JavaNames.typeName(t.name()), t.name(), t.pos());
      names.put(t, name);
      names.putTopLevelType(name);
    }
    for (Schema.Program p : schema.programs()) {
      String name = types.claim(JavaNames.typeName(p.name()), p.name(), p.pos());
      names.put(p, name);
      names.putTopLevelType(name);
    }
    for (NamedType t : schema.types()) {
      if (t instanceof NamedType.Struct s) {
        record(s.fields(), STRUCT_RESERVED);
        if (s.listTail() != null) {
          columns(s.fields().subList(0, s.fields().size() - 1));
        }
      } else if (t instanceof NamedType.Union u) {
        union(u);
      } else if (t instanceof NamedType.Enum e) {
        NameScope constants = new NameScope(diagnostics, false, ENUM_RESERVED);
        for (NamedType.Constant c : e.constants()) {
          names.put(c, constants.claim(JavaNames.constantName(c.name()), c.name(), c.pos()));
        }
      }
    }
    NameScope constants = new NameScope(diagnostics, false, Set.of());
    for (Schema.Constant c : schema.constants()) {
      names.put(c, constants.claim(JavaNames.constantName(c.name()), c.name(), c.pos()));
    }
    NameScope typedefs = new NameScope(diagnostics, false, Set.of());
    for (Schema.Typedef t : schema.typedefs()) {
      names.put(t, typedefs.claim(JavaNames.constantCaseName(t.name()), t.name(), t.pos()));
    }
    bindings();
    schema.programs().forEach(this::program);
    return names;
  }

  /**
   * The schema class's binding fields: a type's is its class name in constant case, a typedef's the
   * name of its codec. {@code SCHEMA} is the class's own; a name a binding before has gets a
   * trailing {@code _} (types come first, since typedefs were added to the class later). Not a
   * scope that reports: the types' and typedefs' own scopes have reported their collisions.
   */
  private void bindings() {
    Set<String> taken = new HashSet<>(Set.of("SCHEMA"));
    for (NamedType t : schema.types()) {
      names.putBinding(t, untaken(constantCase(names.type(t)), taken));
    }
    for (Schema.Typedef t : schema.typedefs()) {
      names.putBinding(t, untaken(names.typedef(t), taken));
    }
  }

  /** {@code name}, with {@code _} appended while it is taken; taken from now on. */
  private static String untaken(String name, Set<String> taken) {
    String free = name;
    while (!taken.add(free)) {
      free += "_";
    }
    return free;
  }

  /** {@code NestedPoint} to {@code NESTED_POINT}. */
  private static String constantCase(String typeName) {
    return typeName.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  private void fields(List<NamedType.Field> fields, Set<String> reserved) {
    NameScope scope = new NameScope(diagnostics, false, reserved);
    for (NamedType.Field f : fields) {
      names.put(f, scope.claim(JavaNames.memberName(f.name()), f.name(), f.pos()));
    }
  }

  /**
   * The components of a record and, from {@link #WITHERS_FROM} components on, its copy methods
   * {@code withX}: reserved for the components, so that a member named {@code withSize} beside one
   * named {@code size} becomes {@code withSize_}.
   */
  private void record(List<NamedType.Field> fields, Set<String> reserved) {
    if (fields.size() < WITHERS_FROM) {
      fields(fields, reserved);
      return;
    }
    Set<String> withers = new HashSet<>();
    fields.forEach(f -> withers.add(witherName(f)));
    fields(fields, union(reserved, withers));
    NameScope methods = new NameScope(diagnostics, false, Set.of());
    for (NamedType.Field f : fields) {
      names.putWither(f, methods.claim(witherName(f), f.name(), f.pos()));
    }
  }

  private static String witherName(NamedType.Field f) {
    return "with" + JavaNames.capitalized(JavaNames.words(f.name()));
  }

  /** The arrays a linked list's decoder reads each value component into. */
  private void columns(List<NamedType.Field> values) {
    NameScope locals = new NameScope(diagnostics, false, DECODER_LOCALS);
    for (NamedType.Field f : values) {
      names.putColumn(f, locals.claim(names.field(f) + "Column", f.name(), f.pos()));
    }
  }

  private void union(NamedType.Union u) {
    NamedType.Field discriminant = u.discriminant();
    fields(List.of(discriminant), DISCRIMINANT_RESERVED);
    String discriminantName = names.field(discriminant);
    boolean unsigned =
        discriminant.type() instanceof XdrType.Primitive p
            && p.kind() == XdrType.Primitive.Kind.UNSIGNED_INT;
    // A nested type named like its enclosing type does not compile.
    NameScope arms = new NameScope(diagnostics, true, Set.of(names.type(u)));
    for (NamedType.Arm arm : u.arms()) {
      List<String> labels = new ArrayList<>();
      for (NamedType.CaseValue v : arm.values()) {
        labels.add(v.constant() != null ? v.constant() : Long.toString(v.value()));
      }
      SourcePos pos = arm.values().isEmpty() ? arm.pos() : arm.values().get(0).pos();
      String name = arm.isDefault() ? "Default" : armName(arm.values(), unsigned);
      names.put(
          arm, arms.claim(name, arm.isDefault() ? "default" : String.join(", ", labels), pos));
      if (arm.field() != null) {
        // An arm's value named like the discriminant (RFC 5531's rejected_reply) must not
        // override the discriminant's accessor.
        fields(List.of(arm.field()), union(RECORD_RESERVED, Set.of(discriminantName)));
      }
    }
  }

  /**
   * An arm's name: its labels joined with {@code Or}, each after the first without the words it
   * begins with too ({@code NF4SOCK}, {@code NF4FIFO}: {@code Nf4SockOrFifo}; {@code 1, 2}: {@code
   * Case1Or2}), so that no label is left out and the name stays short.
   */
  private static String armName(List<NamedType.CaseValue> values, boolean unsigned) {
    List<String> first = null;
    StringBuilder name = new StringBuilder();
    for (NamedType.CaseValue v : values) {
      long value = unsigned ? Integer.toUnsignedLong((int) v.value()) : v.value();
      List<String> words =
          JavaNames.words(
              v.constant() != null
                  ? v.constant()
                  : "Case" + (value < 0 ? "Minus" + -value : Long.toString(value)));
      if (first == null) {
        first = words;
        name.append(JavaNames.typeName(String.join("_", words)));
        continue;
      }
      int common = 0;
      while (common < words.size() - 1
          && common < first.size()
          && words.get(common).equalsIgnoreCase(first.get(common))) {
        common++;
      }
      name.append("Or").append(JavaNames.capitalized(words.subList(common, words.size())));
    }
    return name.toString();
  }

  private void program(Schema.Program p) {
    String outer = names.program(p);
    NameScope nested = new NameScope(diagnostics, true, Set.of(outer));
    Map<String, String> argumentsByProcedure = new HashMap<>();
    for (Schema.Version v : p.versions()) {
      String iface = nested.claim(JavaNames.typeName(v.name()), v.name(), v.pos());
      names.put(v, iface);
      names.putClient(v, nested.claim(JavaNames.typeName(v.name()) + "Client", v.name(), v.pos()));
      names.putAsyncVersion(
          v, nested.claim(JavaNames.typeName(v.name()) + "Async", v.name(), v.pos()));
      for (Schema.Procedure proc : v.procedures()) {
        if (proc.parameters().size() > 1) {
          // rpcgen -N names these per version too, when versions share a procedure's name.
          String name =
              JavaNames.typeName(proc.name())
                  + (argumentsByProcedure.containsKey(proc.name()) ? iface : "")
                  + "Args";
          argumentsByProcedure.put(proc.name(), name);
          names.putArguments(proc, nested.claim(name, proc.name(), proc.pos()));
        }
      }
    }
    NameScope fields = new NameScope(diagnostics, false, Set.of());
    fields.claimGenerated("DEFAULT_TIMEOUT", "the client's default timeout");
    names.putNumberConstant(p, numberConstant(fields, nested, p.name(), "PROGRAM", p.pos()));
    for (Schema.Version v : p.versions()) {
      names.putNumberConstant(v, numberConstant(fields, nested, v.name(), "VERSION", v.pos()));
    }
    for (Schema.Version v : p.versions()) {
      NameScope procedureNumbers = new NameScope(diagnostics, false, Set.of());
      NameScope methods = new NameScope(diagnostics, false, PROCEDURE_RESERVED);
      for (Schema.Procedure proc : v.procedures()) {
        // A client reads its program's and version's numbers by simple name, where the
        // interface's constants would hide them.
        String number = JavaNames.constantName(proc.name());
        names.putNumberConstant(
            proc,
            fields.isTaken(number)
                ? procedureNumbers.claim(number + "_PROCEDURE", proc.name(), proc.pos())
                : numberConstant(procedureNumbers, nested, proc.name(), "PROCEDURE", proc.pos()));
        names.put(proc, methods.claim(JavaNames.memberName(proc.name()), proc.name(), proc.pos()));
        // Several parameters are the components of the procedure's arguments record.
        record(proc.parameters(), PARAMETER_RESERVED);
      }
      // After every procedure's own name, so that a collision names the .x procedure it hits.
      for (Schema.Procedure proc : v.procedures()) {
        String method = JavaNames.memberName(proc.name());
        names.putAsync(proc, methods.claim(method + "Async", proc.name(), proc.pos()));
        if (proc.result() instanceof XdrType.Void) {
          names.putOneWay(proc, methods.claim(method + "OneWay", proc.name(), proc.pos()));
        }
      }
    }
  }

  /**
   * A program, version or procedure number's constant: its .x spelling, unless a type in scope has
   * that name (a field would hide it in expressions such as {@code V1.CODEC}) or the generated code
   * uses it: then with a suffix ({@code V1_VERSION}).
   */
  private String numberConstant(
      NameScope fields, NameScope nestedTypes, String xdrName, String suffix, SourcePos pos) {
    String name = JavaNames.constantName(xdrName);
    boolean hides =
        names.topLevelTypes().contains(name) || nestedTypes.isTaken(name) || fields.isTaken(name);
    return fields.claim(hides ? name + "_" + suffix : name, xdrName, pos);
  }

  private static String baseName(String file) {
    Path fileName = Path.of(file).getFileName();
    String name = fileName == null ? file : fileName.toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    return Stream.concat(a.stream(), b.stream()).collect(Collectors.toUnmodifiableSet());
  }
}

package io.jrpcgen.conformance;

import io.jrpcgen.compiler.ast.BuiltinType;
import io.jrpcgen.compiler.ast.Declaration;
import io.jrpcgen.compiler.ast.Definition;
import io.jrpcgen.compiler.ast.Expr;
import io.jrpcgen.compiler.ast.Specification;
import io.jrpcgen.compiler.ast.TypeSpec;
import io.jrpcgen.compiler.model.NamedType;
import io.jrpcgen.compiler.model.Schema;
import io.jrpcgen.compiler.naming.Names;
import io.jrpcgen.xdr.Opaque;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Fills a struct of a corpus {@code .x} file with deterministic values twice: as C statements on
 * the struct rpcgen generates, and as the Java record jrpcgen generates. The C members are named as
 * rpcgen names them: {@code x<N>} becomes {@code x.x_len} and {@code x.x_val}, with the typedef's
 * name instead of the member's when the array is declared by a typedef.
 *
 * <p>Fillable are structs of numbers, bools, enums, strings, opaques, arrays, optionals and other
 * fillable structs; a struct with a union, a quadruple or a type from outside the file is not
 * ({@link Unfillable}).
 */
final class CorpusFiller {
  /** Type names that C defines and the corpus uses: 32 and 64 bits wide. */
  private static final Map<String, BuiltinType> KNOWN =
      Map.ofEntries(
          Map.entry("int32_t", BuiltinType.INT),
          Map.entry("uint32_t", BuiltinType.UNSIGNED_INT),
          Map.entry("u_int32_t", BuiltinType.UNSIGNED_INT),
          Map.entry("u_int", BuiltinType.UNSIGNED_INT),
          Map.entry("u_long", BuiltinType.UNSIGNED_INT),
          Map.entry("int64_t", BuiltinType.HYPER),
          Map.entry("uint64_t", BuiltinType.UNSIGNED_HYPER),
          Map.entry("u_int64_t", BuiltinType.UNSIGNED_HYPER),
          Map.entry("bool_t", BuiltinType.BOOL),
          Map.entry("rpcprog_t", BuiltinType.UNSIGNED_INT),
          Map.entry("rpcvers_t", BuiltinType.UNSIGNED_INT),
          Map.entry("rpcproc_t", BuiltinType.UNSIGNED_INT),
          Map.entry("rpcprot_t", BuiltinType.UNSIGNED_INT),
          Map.entry("rpcport_t", BuiltinType.UNSIGNED_INT));

  private static final Pattern NARROW = Pattern.compile("(unsigned\\s+)?(char|short)\\b.*");
  // Optionals deeper than this are absent, so that linked lists end.
  private static final int MAX_DEPTH = 2;

  private final Map<String, Declaration> typedefs = new HashMap<>();
  private final Map<String, Definition.Struct> structs = new HashMap<>();
  private final Set<String> unions = new HashSet<>();
  private final Map<String, NamedType.Enum> enums = new HashMap<>();
  private final Map<String, String> javaNames = new HashMap<>();
  private final Map<String, Long> constants = new HashMap<>();
  private final Map<String, List<String>> sourceLines;
  private final String javaPackage;
  private final ClassLoader loader;
  private int seed;

  CorpusFiller(
      Specification spec,
      Schema schema,
      Names names,
      Map<String, List<String>> sourceLines,
      String javaPackage,
      ClassLoader loader) {
    for (Definition d : spec.definitions()) {
      if (d instanceof Definition.Typedef t) {
        typedefs.put(t.name(), t.declaration());
      } else if (d instanceof Definition.Struct s) {
        structs.put(s.name(), s);
      } else if (d instanceof Definition.Union u) {
        unions.add(u.name());
      }
    }
    for (NamedType t : schema.types()) {
      javaNames.put(t.name(), names.type(t));
      if (t instanceof NamedType.Enum e) {
        enums.put(e.name(), e);
        e.constants().forEach(c -> constants.put(c.name(), (long) c.value()));
      }
    }
    schema.constants().stream()
        .filter(c -> c.number() != null)
        .forEach(c -> constants.put(c.name(), c.number().longValue()));
    spec.cDefines()
        .forEach(
            c -> {
              if (c.value() instanceof Expr.Number n) {
                constants.put(c.name(), n.value().longValue());
              }
            });
    this.sourceLines = sourceLines;
    this.javaPackage = javaPackage;
    this.loader = loader;
  }

  /** The names of the file's structs, in source order. */
  static List<String> structNames(Specification spec) {
    List<String> names = new ArrayList<>();
    for (Definition d : spec.definitions()) {
      if (d instanceof Definition.Struct s) {
        names.add(s.name());
      }
    }
    return names;
  }

  /** A filled struct: C statements that fill {@code v}, and the equal Java value. */
  record Filled(String c, Object java) {}

  /** Fills struct {@code name}; throws {@link Unfillable} if the test cannot. */
  Filled fill(String name) {
    StringBuilder c = new StringBuilder();
    Object java = struct("v", name, 0, c);
    return new Filled(c.toString(), java);
  }

  private Object declaration(String lv, Declaration d, int depth, StringBuilder c) {
    return switch (d.shape()) {
      case SINGLE -> type(lv, d.type(), depth, c);
      case FIXED_ARRAY -> {
        int n = (int) bound(d.bound());
        if (isBuiltin(d.type(), BuiltinType.OPAQUE)) {
          byte[] bytes = bytes(n);
          c.append("  memcpy(")
              .append(lv)
              .append(", \"")
              .append(cBytes(bytes))
              .append("\", ")
              .append(n)
              .append(");\n");
          yield Opaque.copyOf(bytes);
        }
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          items.add(type(lv + "[" + i + "]", d.type(), depth, c));
        }
        yield items;
      }
      case VARIABLE_ARRAY -> {
        long bound = d.bound() == null ? Integer.MAX_VALUE : bound(d.bound());
        if (isBuiltin(d.type(), BuiltinType.STRING)) {
          String s = text(bound);
          c.append("  ").append(lv).append(" = (char *) \"").append(s).append("\";\n");
          yield s;
        }
        String len = lv + "." + d.name() + "_len";
        String val = lv + "." + d.name() + "_val";
        if (isBuiltin(d.type(), BuiltinType.OPAQUE)) {
          byte[] bytes = bytes((int) Math.min(bound, 1 + next() % 5));
          c.append("  ").append(len).append(" = ").append(bytes.length).append(";\n");
          c.append("  ").append(val).append(" = (char *) \"").append(cBytes(bytes)).append("\";\n");
          yield Opaque.copyOf(bytes);
        }
        int n = (int) Math.min(bound, depth < MAX_DEPTH ? 2 : 1);
        c.append("  ").append(len).append(" = ").append(n).append(";\n");
        c.append("  ")
            .append(val)
            .append(" = calloc(")
            .append(n)
            .append(", sizeof *")
            .append(val)
            .append(");\n");
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          items.add(type(val + "[" + i + "]", d.type(), depth, c));
        }
        yield items;
      }
      case OPTIONAL -> {
        if (depth >= MAX_DEPTH || next() % 3 == 0) {
          c.append("  ").append(lv).append(" = NULL;\n");
          yield null;
        }
        c.append("  ").append(lv).append(" = calloc(1, sizeof *").append(lv).append(");\n");
        yield type("(*" + lv + ")", d.type(), depth, c);
      }
      case VOID -> throw new Unfillable("void member");
    };
  }

  private Object type(String lv, TypeSpec t, int depth, StringBuilder c) {
    if (t instanceof TypeSpec.Builtin b) {
      return primitive(lv, b.type(), isNarrow(b), c);
    }
    if (!(t instanceof TypeSpec.Named n)) {
      throw new Unfillable("inline type");
    }
    String name = n.name();
    if (KNOWN.containsKey(name)) {
      return primitive(lv, KNOWN.get(name), false, c);
    }
    if (typedefs.containsKey(name)) {
      return declaration(lv, typedefs.get(name), depth, c);
    }
    if (enums.containsKey(name)) {
      List<NamedType.Constant> values = enums.get(name).constants();
      NamedType.Constant value = values.get(next() % values.size());
      c.append("  ").append(lv).append(" = ").append(value.value()).append(";\n");
      return invokeStatic(javaClass(name), "fromValue", value.value());
    }
    if (structs.containsKey(name)) {
      return struct(lv, name, depth + 1, c);
    }
    throw new Unfillable(unions.contains(name) ? "union " + name : "type " + name);
  }

  private Object struct(String lv, String name, int depth, StringBuilder c) {
    Definition.Struct s = structs.get(name);
    List<Object> values = new ArrayList<>();
    for (Declaration member : s.members()) {
      values.add(declaration(lv + "." + member.name(), member, depth, c));
    }
    Class<?> record = javaClass(name);
    RecordComponent[] components = record.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
    }
    try {
      Constructor<?> constructor = record.getDeclaredConstructor(types);
      return constructor.newInstance(values.toArray());
    } catch (ReflectiveOperationException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot make a " + record.getName() + " of " + values, e);
    }
  }

  private Object primitive(String lv, BuiltinType type, boolean narrow, StringBuilder c) {
    int k = next();
    String assign = "  " + lv + " = ";
    switch (type) {
      case INT, UNSIGNED_INT -> {
        // char and short keep their C width: small values; others spread over 32 bits.
        int v =
            narrow ? (type == BuiltinType.INT ? k % 200 - 100 : k % 250) : (int) (k * 0x9e37_79b1L);
        c.append(assign)
            .append(type == BuiltinType.INT ? "(int32_t) " : "")
            .append(String.format("0x%08xU;", v))
            .append('\n');
        return v;
      }
      case HYPER, UNSIGNED_HYPER -> {
        long v = k * 0x9e37_79b9_7f4a_7c15L;
        c.append(assign)
            .append(type == BuiltinType.HYPER ? "(int64_t) " : "")
            .append(String.format("0x%016xULL;", v))
            .append('\n');
        return v;
      }
      case FLOAT -> {
        int bits = 0x3f80_0000 + k;
        c.append(assign).append(String.format("f32(0x%08xU);", bits)).append('\n');
        return Float.intBitsToFloat(bits);
      }
      case DOUBLE -> {
        long bits = 0xc000_0000_0000_0000L + k;
        c.append(assign).append(String.format("f64(0x%016xULL);", bits)).append('\n');
        return Double.longBitsToDouble(bits);
      }
      case BOOL -> {
        c.append(assign).append(k % 2).append(";\n");
        return k % 2 == 1;
      }
      default -> throw new Unfillable(type.toString());
    }
  }

  private boolean isNarrow(TypeSpec.Builtin b) {
    List<String> lines = sourceLines.get(b.pos().file());
    if (lines == null || b.pos().line() > lines.size()) {
      throw new Unfillable("no source for " + b.pos());
    }
    String line = lines.get(b.pos().line() - 1);
    return NARROW.matcher(line.substring(Math.min(line.length(), b.pos().column() - 1))).matches();
  }

  private long bound(Expr e) {
    if (e instanceof Expr.Number n) {
      return n.value().longValue();
    }
    if (e instanceof Expr.Name n && constants.containsKey(n.name())) {
      return constants.get(n.name());
    }
    throw new Unfillable("bound " + e);
  }

  private String text(long bound) {
    String s = "s" + next();
    return s.substring(0, (int) Math.min(s.length(), bound));
  }

  private byte[] bytes(int n) {
    byte[] bytes = new byte[n];
    int k = next();
    for (int i = 0; i < n; i++) {
      bytes[i] = (byte) (k * 31 + i * 7);
    }
    return bytes;
  }

  private static String cBytes(byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (byte b : bytes) {
      s.append(String.format("\\x%02x", b));
    }
    return s.toString();
  }

  private static boolean isBuiltin(TypeSpec t, BuiltinType type) {
    return t instanceof TypeSpec.Builtin b && b.type() == type;
  }

  private int next() {
    return ++seed;
  }

  private Class<?> javaClass(String xdrName) {
    try {
      return Class.forName(javaPackage + "." + javaNames.get(xdrName), true, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("no Java class for " + xdrName, e);
    }
  }

  private static Object invokeStatic(Class<?> type, String method, int arg) {
    try {
      return type.getMethod(method, int.class).invoke(null, arg);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(type + "." + method + "(" + arg + ")", e);
    }
  }

  /** A struct the test cannot fill: it holds a union, a quadruple or an outside type. */
  static final class Unfillable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unfillable(String what) {
      super(what, null, false, false);
    }
  }
}

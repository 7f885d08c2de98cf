package io.jrpcgen.compiler.model;

import io.jrpcgen.compiler.ast.BuiltinType;
import io.jrpcgen.compiler.ast.Declaration;
import io.jrpcgen.compiler.ast.Definition;
import io.jrpcgen.compiler.ast.EnumMember;
import io.jrpcgen.compiler.ast.Expr;
import io.jrpcgen.compiler.ast.Specification;
import io.jrpcgen.compiler.ast.TypeSpec;
import io.jrpcgen.compiler.ast.UnionBody;
import io.jrpcgen.compiler.diag.Diagnostics;
import io.jrpcgen.compiler.diag.SourcePos;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The linker: checks a parsed file and resolves it into a {@link Schema}. One global namespace, as
 * in C; constants evaluated on demand in dependency order; typedefs resolved to what they name.
 * Every problem is reported to the {@link Diagnostics} and resolution goes on, so that one run
 * shows them all.
 */
public final class Resolver {
  private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
  private static final BigInteger UINT_MAX = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger ULONG_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  /** Type names C (stdint, rpc/types.h) or libtirpc define, as rpcgen's output sees them. */
  private static final Map<String, XdrType> KNOWN_TYPES =
      Map.ofEntries(
          Map.entry("int8_t", primitive(XdrType.Primitive.Kind.INT)),
          Map.entry("int16_t", primitive(XdrType.Primitive.Kind.INT)),
          Map.entry("int32_t", primitive(XdrType.Primitive.Kind.INT)),
          Map.entry("uint8_t", primitive(XdrType.Primitive.Kind.UNSIGNED_INT)),
          Map.entry("uint16_t", primitive(XdrType.Primitive.Kind.UNSIGNED_INT)),
          Map.entry("uint32_t", primitive(XdrType.Primitive.Kind.UNSIGNED_INT)),
          Map.entry("u_int8_t", primitive(XdrType.Primitive.Kind.UNSIGNED_INT)),
          Map.entry("u_int16_t", primitive(XdrType.Primitive.Kind.UNSIGNED_INT)),
          Map.entry("u_int32_t", primitive(XdrType.Primitive.Kind.UNSIGNED_INT)),
          Map.entry("u_char", primitive(XdrType.Primitive.Kind.UNSIGNED_INT)),
          Map.entry("u_short", primitive(XdrType.Primitive.Kind.UNSIGNED_INT)),
          Map.entry("u_int", primitive(XdrType.Primitive.Kind.UNSIGNED_INT)),
          Map.entry("u_long", primitive(XdrType.Primitive.Kind.UNSIGNED_INT)),
          Map.entry("int64_t", primitive(XdrType.Primitive.Kind.HYPER)),
          Map.entry("quad_t", primitive(XdrType.Primitive.Kind.HYPER)),
          Map.entry("longlong_t", primitive(XdrType.Primitive.Kind.HYPER)),
          Map.entry("uint64_t", primitive(XdrType.Primitive.Kind.UNSIGNED_HYPER)),
          Map.entry("u_int64_t", primitive(XdrType.Primitive.Kind.UNSIGNED_HYPER)),
          Map.entry("u_quad_t", primitive(XdrType.Primitive.Kind.UNSIGNED_HYPER)),
          Map.entry("u_longlong_t", primitive(XdrType.Primitive.Kind.UNSIGNED_HYPER)),
          Map.entry("bool_t", primitive(XdrType.Primitive.Kind.BOOL)),
          // rpc/types.h: libtirpc's names for the numbers of rpcbind's protocol (rpcb_prot.x).
          Map.entry("rpcprog_t", primitive(XdrType.Primitive.Kind.UNSIGNED_INT)),
          Map.entry("rpcvers_t", primitive(XdrType.Primitive.Kind.UNSIGNED_INT)),
          Map.entry("rpcproc_t", primitive(XdrType.Primitive.Kind.UNSIGNED_INT)),
          Map.entry("rpcprot_t", primitive(XdrType.Primitive.Kind.UNSIGNED_INT)),
          Map.entry("rpcport_t", primitive(XdrType.Primitive.Kind.UNSIGNED_INT)),
          Map.entry("netobj", new XdrType.Opaque(false, 1024)),
          // rpc/auth.h: xdr_des_block is 8 opaque bytes (key_prot.x).
          Map.entry("des_block", new XdrType.Opaque(true, 8)),
          // RFC 5531's AUTH_SYS body, which NFSv4.1 callbacks carry: the runtime's record.
          Map.entry(
              "authsys_parms", new XdrType.External("authsys_parms", "io.jrpcgen.rpc.AuthSys")),
          // libtirpc's transport address, which rpcb_prot.x leaves to C.
          Map.entry("netbuf", new XdrType.External("netbuf", "io.jrpcgen.rpc.Netbuf")));

  /** Constants C defines that {@code .x} files use as case labels. */
  private static final Map<String, BigInteger> KNOWN_CONSTANTS =
      Map.ofEntries(
          Map.entry("TRUE", BigInteger.ONE),
          Map.entry("FALSE", BigInteger.ZERO),
          // rpc/auth.h: authentication flavors (NFSv4's secinfo unions switch on RPCSEC_GSS).
          Map.entry("AUTH_NONE", BigInteger.ZERO),
          Map.entry("AUTH_NULL", BigInteger.ZERO),
          Map.entry("AUTH_SYS", BigInteger.ONE),
          Map.entry("AUTH_UNIX", BigInteger.ONE),
          Map.entry("AUTH_SHORT", BigInteger.TWO),
          Map.entry("AUTH_DH", BigInteger.valueOf(3)),
          Map.entry("AUTH_DES", BigInteger.valueOf(3)),
          Map.entry("AUTH_KERB", BigInteger.valueOf(4)),
          Map.entry("RPCSEC_GSS", BigInteger.valueOf(6)),
          // rpc/auth.h: the longest network name (key_prot.x).
          Map.entry("MAXNETNAMELEN", BigInteger.valueOf(255)));

  private final Diagnostics diagnostics;
  private final ResolveOptions options;

  // The global namespace: every const, type, typedef, enumerator and program by .x name.
  private final Map<String, SourcePos> symbols = new HashMap<>();
  private final Map<String, Definition.Const> constDefs = new HashMap<>();
  private final Map<String, Definition.Const> cDefines = new HashMap<>();
  // rpcgen #defines program, version and procedure names, so constants may use them.
  private final Map<String, Expr> numberNames = new HashMap<>();
  private final Map<String, EnumMember> enumMembers = new HashMap<>();
  private final Map<EnumMember, EnumMember> previousMember = new HashMap<>();
  private final Map<String, Definition.Typedef> typedefDefs = new HashMap<>();
  private final Map<String, NamedType> namedTypes = new HashMap<>();
  private final Map<NamedType, Runnable> completions = new LinkedHashMap<>();

  private final Map<Object, BigInteger> values = new HashMap<>();
  private final Set<Object> evaluating = new HashSet<>();
  private final Map<String, XdrType> typedefTypes = new HashMap<>();
  private final Set<String> resolvingTypedefs = new HashSet<>();
  private final List<NamedType> types = new ArrayList<>();

  private Resolver(Diagnostics diagnostics, ResolveOptions options) {
    this.diagnostics = diagnostics;
    this.options = options;
  }

  /** Resolves {@code spec}; returns null if there were errors (all of them reported). */
  public static Schema resolve(
      Specification spec, ResolveOptions options, Diagnostics diagnostics) {
    int before = diagnostics.errorCount();
    Schema schema = new Resolver(diagnostics, options).run(spec);
    return diagnostics.errorCount() > before ? null : schema;
  }

  private Schema run(Specification spec) {
    for (Definition.Const c : spec.cDefines()) {
      cDefines.put(c.name(), c);
    }
    for (Definition d : spec.definitions()) {
      declare(d);
    }
    List<Schema.Constant> constants = new ArrayList<>();
    List<Schema.Typedef> typedefs = new ArrayList<>();
    List<Schema.Program> programs = new ArrayList<>();
    for (Definition d : spec.definitions()) {
      if (d instanceof Definition.Const c) {
        constants.add(constant(c));
      } else if (d instanceof Definition.Typedef t
          && !isCTagAlias(t)
          && !options.externalTypes().containsKey(t.name())) {
        XdrType type = typedefType(t.name(), t.pos());
        if (!(type instanceof XdrType.Ref r && r.target().name().equals(t.name()))) {
          typedefs.add(new Schema.Typedef(t.name(), type, t.pos()));
        }
      } else if (d instanceof Definition.Program p) {
        programs.add(program(p));
      }
    }
    // Complete named types, including inline ones discovered while completing.
    while (!completions.isEmpty()) {
      complete(completions.keySet().iterator().next());
    }
    checkFinite();
    checkProgramNumbers(programs);
    return new Schema(spec.file(), constants, List.copyOf(types), typedefs, programs);
  }

  // ---- declaring names -------------------------------------------------------------------

  private void declare(Definition d) {
    if (d instanceof Definition.Typedef t && isCTagAlias(t)) {
      return;
    }
    define(d.name(), d.pos());
    // A type mapped with -T is the user's class: its definition here is not generated.
    boolean external = options.externalTypes().containsKey(d.name());
    if (d instanceof Definition.Const c) {
      constDefs.put(c.name(), c);
    } else if (d instanceof Definition.Enum e) {
      if (!external) {
        NamedType.Enum type = new NamedType.Enum(e.name(), e.pos());
        register(type, () -> completeEnum(type, e.members()));
      }
      // Mapped or not, its enumerators are constants of the file.
      declareMembers(e.members());
    } else if (d instanceof Definition.Struct s && !external) {
      NamedType.Struct type = new NamedType.Struct(s.name(), s.pos());
      register(type, () -> completeStruct(type, s.members()));
    } else if (d instanceof Definition.Union u && !external) {
      NamedType.Union type = new NamedType.Union(u.name(), u.pos());
      register(type, () -> completeUnion(type, u.body()));
    } else if (d instanceof Definition.Program p) {
      numberNames.putIfAbsent(p.name(), p.number());
      for (Definition.Version v : p.versions()) {
        numberNames.putIfAbsent(v.name(), v.number());
        for (Definition.Procedure proc : v.procedures()) {
          numberNames.putIfAbsent(proc.name(), proc.number());
        }
      }
    } else if (d instanceof Definition.Typedef t && !external) {
      typedefDefs.put(t.name(), t);
      TypeSpec spec = t.declaration().type();
      if (t.declaration().shape() == Declaration.Shape.SINGLE) {
        // typedef struct {...} name; and friends name an inline type: it takes the name.
        declareInline(spec, t.name());
      }
    }
  }

  /**
   * {@code typedef struct x x;}: C's way to use a tag without its keyword, which the .x namespace
   * already allows; it defines nothing new.
   */
  private static boolean isCTagAlias(Definition.Typedef t) {
    return t.declaration().shape() == Declaration.Shape.SINGLE
        && t.declaration().type() instanceof TypeSpec.Named n
        && n.keyword() != TypeSpec.Keyword.NONE
        && n.name().equals(t.name());
  }

  private void define(String name, SourcePos pos) {
    SourcePos first = symbols.putIfAbsent(name, pos);
    if (first != null) {
      diagnostics.error(pos, "'" + name + "' is already defined at " + first);
    }
  }

  private void declareMembers(List<EnumMember> members) {
    EnumMember previous = null;
    for (EnumMember m : members) {
      define(m.name(), m.pos());
      enumMembers.put(m.name(), m);
      previousMember.put(m, previous);
      previous = m;
    }
  }

  private void register(NamedType type, Runnable completion) {
    namedTypes.put(type.name(), type);
    types.add(type);
    completions.put(type, completion);
  }

  /** Declares an inline struct/union/enum under {@code name}; returns it, or null if none. */
  private NamedType declareInline(TypeSpec spec, String name) {
    if (spec instanceof TypeSpec.InlineStruct s) {
      NamedType.Struct type = new NamedType.Struct(name, s.pos());
      register(type, () -> completeStruct(type, s.members()));
      return type;
    } else if (spec instanceof TypeSpec.InlineUnion u) {
      NamedType.Union type = new NamedType.Union(name, u.pos());
      register(type, () -> completeUnion(type, u.body()));
      return type;
    } else if (spec instanceof TypeSpec.InlineEnum e) {
      NamedType.Enum type = new NamedType.Enum(name, e.pos());
      register(type, () -> completeEnum(type, e.members()));
      declareMembers(e.members());
      return type;
    }
    return null;
  }

  // ---- constants ------------------------------------------------------------------------

  private Schema.Constant constant(Definition.Const c) {
    if (c.value() instanceof Expr.Text t) {
      return new Schema.Constant(c.name(), c.pos(), null, t.value(), null);
    }
    BigInteger v = value(c.value());
    if (v != null && (v.compareTo(LONG_MIN) < 0 || v.compareTo(ULONG_MAX) > 0)) {
      diagnostics.error(
          c.value().pos(),
          "value " + v + " of constant '" + c.name() + "' is out of range for a 64-bit integer");
      v = null;
    }
    return new Schema.Constant(
        c.name(),
        c.pos(),
        v == null ? BigInteger.ZERO : v,
        null,
        c.value() instanceof Expr.Number n ? n.text() : null);
  }

  /** The value of an expression, or null (after reporting) if it has none. */
  private BigInteger value(Expr e) {
    if (e instanceof Expr.Number n) {
      return n.value();
    } else if (e instanceof Expr.Text t) {
      diagnostics.error(t.pos(), "a string cannot be used as a number");
      return null;
    }
    Expr.Name ref = (Expr.Name) e;
    return named(ref.name(), ref.pos());
  }

  private BigInteger named(String name, SourcePos usedAt) {
    Object key;
    Definition.Const c = constDefs.get(name);
    EnumMember m = enumMembers.get(name);
    if (c != null) {
      key = c;
    } else if (m != null) {
      key = m;
    } else if (cDefines.containsKey(name)) {
      return ((Expr.Number) cDefines.get(name).value()).value();
    } else if (numberNames.containsKey(name)) {
      Expr number = numberNames.get(name);
      if (!evaluating.add(number)) {
        diagnostics.error(usedAt, "constant '" + name + "' is defined in terms of itself");
        return null;
      }
      BigInteger v = value(number);
      evaluating.remove(number);
      return v;
    } else if (KNOWN_CONSTANTS.containsKey(name)) {
      return KNOWN_CONSTANTS.get(name);
    } else {
      diagnostics.error(
          usedAt,
          "undefined constant '"
              + name
              + "'"
              + hint(
                  name,
                  "define it with -D " + name + "=VALUE",
                  constDefs.keySet(),
                  enumMembers.keySet(),
                  cDefines.keySet(),
                  numberNames.keySet(),
                  KNOWN_CONSTANTS.keySet()));
      return null;
    }
    if (values.containsKey(key)) {
      return values.get(key);
    }
    if (!evaluating.add(key)) {
      diagnostics.error(usedAt, "constant '" + name + "' is defined in terms of itself");
      values.put(key, null);
      return null;
    }
    BigInteger v;
    if (c != null) {
      if (c.value() instanceof Expr.Text) {
        diagnostics.error(usedAt, "'" + name + "' is a string constant, not a number");
        v = null;
      } else {
        v = value(c.value());
      }
    } else if (m.value() != null) {
      v = value(m.value());
    } else {
      // rpcgen counts on from the previous enumerator, from 0.
      EnumMember previous = previousMember.get(m);
      BigInteger p = previous == null ? BigInteger.valueOf(-1) : named(previous.name(), usedAt);
      v = p == null ? null : p.add(BigInteger.ONE);
    }
    evaluating.remove(key);
    values.put(key, v);
    return v;
  }

  /** A value that must fit {@code [min, max]}; reports and returns null if not. */
  private BigInteger ranged(Expr e, BigInteger min, BigInteger max, String what) {
    BigInteger v = value(e);
    if (v != null && (v.compareTo(min) < 0 || v.compareTo(max) > 0)) {
      diagnostics.error(e.pos(), "value " + v + " is out of range for " + what);
      return null;
    }
    return v;
  }

  private int uint32(Expr e, String what) {
    BigInteger v = ranged(e, BigInteger.ZERO, UINT_MAX, what);
    return v == null ? 0 : v.intValue();
  }

  /** An array size or bound; bounds past what Java can hold mean "unbounded". */
  private int bound(Expr e, boolean fixed) {
    if (e == null) {
      return XdrType.UNBOUNDED;
    }
    BigInteger v = value(e);
    if (v == null) {
      return 0;
    }
    if (v.signum() < 0) {
      diagnostics.error(e.pos(), "array size must not be negative: " + v);
      return 0;
    }
    if (v.compareTo(UINT_MAX) > 0
        || (fixed && v.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) >= 0)) {
      diagnostics.error(e.pos(), "value " + v + " is out of range for an array size");
      return 0;
    }
    return v.min(BigInteger.valueOf(XdrType.UNBOUNDED)).intValue();
  }

  /** The {@code const} of this file that {@code e} names, or null: generated code cites it. */
  private String constantName(Expr e) {
    return e instanceof Expr.Name n && constDefs.containsKey(n.name()) ? n.name() : null;
  }

  // ---- types ----------------------------------------------------------------------------

  private void completeEnum(NamedType.Enum type, List<EnumMember> members) {
    for (EnumMember m : members) {
      BigInteger v = named(m.name(), m.pos());
      if (v != null && (v.compareTo(INT_MIN) < 0 || v.compareTo(UINT_MAX) > 0)) {
        diagnostics.error(
            m.value() != null ? m.value().pos() : m.pos(),
            "value " + v + " is out of range for an enum value");
        v = null;
      }
      // Two names for one value are legal in C and XDR (nis_object.x has them).
      type.add(new NamedType.Constant(m.name(), v == null ? 0 : v.intValue(), m.pos()));
    }
  }

  private void completeStruct(NamedType.Struct type, List<Declaration> members) {
    Map<String, SourcePos> names = new HashMap<>();
    for (Declaration d : members) {
      if (d.shape() == Declaration.Shape.VOID) {
        continue;
      }
      unique(names, "member", d.name(), d.pos());
      type.add(field(d, type.name()));
    }
  }

  /** Reports a name defined twice in a scope of its own: a struct's, a program's, a version's. */
  private void unique(Map<String, SourcePos> scope, String what, String name, SourcePos pos) {
    SourcePos first = scope.putIfAbsent(name, pos);
    if (first != null) {
      diagnostics.error(pos, what + " '" + name + "' is already defined at " + first);
    }
  }

  private void completeUnion(NamedType.Union type, UnionBody body) {
    NamedType.Field discriminant = field(body.discriminant(), type.name());
    type.discriminant(discriminant);
    NamedType.Enum enumType = null;
    boolean bool = false;
    XdrType dt = discriminant.type();
    if (dt instanceof XdrType.Ref r && r.target() instanceof NamedType.Enum e) {
      enumType = e;
    } else if (dt instanceof XdrType.Primitive p && p.kind() == XdrType.Primitive.Kind.BOOL) {
      bool = true;
    } else if (!(dt instanceof XdrType.Primitive p
        && (p.kind() == XdrType.Primitive.Kind.INT
            || p.kind() == XdrType.Primitive.Kind.UNSIGNED_INT))) {
      diagnostics.error(
          body.discriminant().type().pos(),
          "union discriminant must be int, unsigned int, enum or bool, not " + describe(dt));
    }
    Map<Long, SourcePos> seen = new HashMap<>();
    for (UnionBody.Arm arm : body.arms()) {
      List<NamedType.CaseValue> caseValues = new ArrayList<>();
      for (Expr label : arm.labels()) {
        NamedType.CaseValue cv = caseValue(label, enumType, bool);
        if (cv == null) {
          continue;
        }
        if (seen.putIfAbsent(cv.value(), label.pos()) != null) {
          diagnostics.error(
              label.pos(),
              "duplicate case value " + describeCase(cv) + " in union '" + type.name() + "'");
        }
        caseValues.add(cv);
      }
      type.add(arm(type, arm.declaration(), caseValues, arm.pos()));
    }
    if (body.defaultArm() != null) {
      SourcePos pos = body.defaultArm().pos();
      type.add(
          arm(type, body.defaultArm(), bool ? remainingBool(seen.keySet(), pos) : List.of(), pos));
    }
  }

  /**
   * A bool's default arm that is left one value stands for that value, as if the .x had said {@code
   * case FALSE:} (or {@code TRUE}); else it stays the default arm.
   */
  private static List<NamedType.CaseValue> remainingBool(Set<Long> seen, SourcePos pos) {
    if (seen.size() != 1) {
      return List.of();
    }
    long value = seen.contains(0L) ? 1 : 0;
    return List.of(new NamedType.CaseValue(value, value == 1 ? "TRUE" : "FALSE", pos));
  }

  /** Fills in a declared type if that has not happened yet. */
  private void complete(NamedType type) {
    Runnable completion = completions.remove(type);
    if (completion != null) {
      completion.run();
    }
  }

  private NamedType.CaseValue caseValue(Expr label, NamedType.Enum enumType, boolean bool) {
    BigInteger v = value(label);
    if (v == null) {
      return null;
    }
    String constant = label instanceof Expr.Name n ? n.name() : null;
    if (enumType != null) {
      complete(enumType);
      boolean member =
          enumType.constants().stream()
              .anyMatch(
                  c ->
                      BigInteger.valueOf(c.value()).equals(v)
                          || Integer.toUnsignedLong(c.value()) == v.longValue());
      if (!member) {
        diagnostics.error(
            label.pos(), "case value " + v + " is not a value of enum '" + enumType.name() + "'");
        return null;
      }
    } else if ((bool && v.compareTo(BigInteger.ONE) > 0) || (v.signum() < 0 && bool)) {
      diagnostics.error(label.pos(), "case value " + v + " is not a bool (TRUE or FALSE)");
      return null;
    } else if (v.compareTo(INT_MIN) < 0 || v.compareTo(UINT_MAX) > 0) {
      diagnostics.error(label.pos(), "value " + v + " is out of range for a case value");
      return null;
    }
    return new NamedType.CaseValue(v.intValue(), constant, label.pos());
  }

  private NamedType.Arm arm(
      NamedType.Union union, Declaration d, List<NamedType.CaseValue> values, SourcePos pos) {
    NamedType.Field field = d.shape() == Declaration.Shape.VOID ? null : field(d, union.name());
    return new NamedType.Arm(values, field, pos);
  }

  private NamedType.Field field(Declaration d, String owner) {
    return new NamedType.Field(d.name(), declarationType(d, owner + "_" + d.name()), d.pos());
  }

  /** The type of a declaration; inline types are named {@code inlineName}. */
  @SuppressWarnings("StatementSwitchToExpressionSwitch") // cases report, then return or fall out
  private XdrType declarationType(Declaration d, String inlineName) {
    TypeSpec spec = d.type();
    if (d.shape() == Declaration.Shape.VOID) {
      return new XdrType.Void();
    }
    if (spec instanceof TypeSpec.Builtin b
        && (b.type() == BuiltinType.OPAQUE || b.type() == BuiltinType.STRING)) {
      boolean opaque = b.type() == BuiltinType.OPAQUE;
      switch (d.shape()) {
        case FIXED_ARRAY:
          if (opaque) {
            return new XdrType.Opaque(true, bound(d.bound(), true), constantName(d.bound()));
          }
          diagnostics.error(
              d.pos(),
              "string '"
                  + d.name()
                  + "' must be declared string "
                  + d.name()
                  + "<N> or string "
                  + d.name()
                  + "<>");
          return new XdrType.Text(XdrType.UNBOUNDED);
        case VARIABLE_ARRAY:
          int bound = bound(d.bound(), false);
          String constant = constantName(d.bound());
          return opaque
              ? new XdrType.Opaque(false, bound, constant)
              : new XdrType.Text(bound, constant);
        default:
          diagnostics.error(
              d.pos(),
              "'"
                  + d.name()
                  + "' must be declared "
                  + b.type().name().toLowerCase(java.util.Locale.ROOT)
                  + " "
                  + d.name()
                  + "[N], <N> or <>");
          return opaque
              ? new XdrType.Opaque(false, XdrType.UNBOUNDED)
              : new XdrType.Text(XdrType.UNBOUNDED);
      }
    }
    XdrType element = typeSpec(spec, inlineName);
    return switch (d.shape()) {
      case SINGLE -> element;
      case FIXED_ARRAY ->
          new XdrType.Array(element, true, bound(d.bound(), true), constantName(d.bound()));
      case VARIABLE_ARRAY ->
          new XdrType.Array(element, false, bound(d.bound(), false), constantName(d.bound()));
      case OPTIONAL -> new XdrType.Optional(element);
      case VOID -> new XdrType.Void();
    };
  }

  private XdrType typeSpec(TypeSpec spec, String inlineName) {
    if (spec instanceof TypeSpec.Builtin b) {
      return switch (b.type()) {
        case INT -> primitive(XdrType.Primitive.Kind.INT);
        case UNSIGNED_INT -> primitive(XdrType.Primitive.Kind.UNSIGNED_INT);
        case HYPER -> primitive(XdrType.Primitive.Kind.HYPER);
        case UNSIGNED_HYPER -> primitive(XdrType.Primitive.Kind.UNSIGNED_HYPER);
        case FLOAT -> primitive(XdrType.Primitive.Kind.FLOAT);
        case DOUBLE -> primitive(XdrType.Primitive.Kind.DOUBLE);
        case QUADRUPLE -> primitive(XdrType.Primitive.Kind.QUADRUPLE);
        case BOOL -> primitive(XdrType.Primitive.Kind.BOOL);
        case OPAQUE -> new XdrType.Opaque(false, XdrType.UNBOUNDED);
        case STRING -> new XdrType.Text(XdrType.UNBOUNDED);
        case VOID -> new XdrType.Void();
      };
    } else if (spec instanceof TypeSpec.Named n) {
      return named(n);
    }
    NamedType inline = namedTypes.get(inlineName);
    if (inline == null || !inline.pos().equals(spec.pos())) {
      inline = declareInline(spec, uniqueInlineName(inlineName));
    }
    return new XdrType.Ref(inline);
  }

  private String uniqueInlineName(String base) {
    String name = base;
    for (int i = 2; namedTypes.containsKey(name) || symbols.containsKey(name); i++) {
      name = base + i;
    }
    return name;
  }

  private XdrType named(TypeSpec.Named n) {
    NamedType type = namedTypes.get(n.name());
    if (type != null) {
      checkKeyword(n, type);
      return new XdrType.Ref(type);
    }
    if (typedefDefs.containsKey(n.name())) {
      return typedefType(n.name(), n.pos());
    }
    String external = options.externalTypes().get(n.name());
    if (external != null) {
      return new XdrType.External(n.name(), external);
    }
    XdrType known = KNOWN_TYPES.get(n.name());
    if (known != null) {
      return known;
    }
    diagnostics.error(
        n.pos(),
        "undefined type '"
            + n.name()
            + "'"
            + hint(
                n.name(),
                "map it to a Java class with -T " + n.name() + "=CLASS",
                namedTypes.keySet(),
                typedefDefs.keySet(),
                KNOWN_TYPES.keySet()));
    return primitive(XdrType.Primitive.Kind.INT);
  }

  private void checkKeyword(TypeSpec.Named n, NamedType type) {
    TypeSpec.Keyword expected =
        type instanceof NamedType.Struct
            ? TypeSpec.Keyword.STRUCT
            : type instanceof NamedType.Union ? TypeSpec.Keyword.UNION : TypeSpec.Keyword.ENUM;
    // rpcgen and gcc take "struct u" for a union u (ypxfrd.x has one): the tag is what counts.
    boolean structForUnion =
        n.keyword() == TypeSpec.Keyword.STRUCT && expected == TypeSpec.Keyword.UNION;
    if (n.keyword() != TypeSpec.Keyword.NONE && n.keyword() != expected && !structForUnion) {
      diagnostics.error(
          n.pos(),
          "'"
              + n.name()
              + "' is "
              + expected.name().toLowerCase(java.util.Locale.ROOT)
              + ", not "
              + n.keyword().name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  private XdrType typedefType(String name, SourcePos usedAt) {
    XdrType done = typedefTypes.get(name);
    if (done != null) {
      return done;
    }
    if (!resolvingTypedefs.add(name)) {
      diagnostics.error(usedAt, "typedef '" + name + "' is defined in terms of itself");
      return primitive(XdrType.Primitive.Kind.INT);
    }
    Definition.Typedef t = typedefDefs.get(name);
    XdrType type = declarationType(t.declaration(), name);
    resolvingTypedefs.remove(name);
    typedefTypes.put(name, type);
    return type;
  }

  /** Reports types whose every value would contain another value of the same type. */
  private void checkFinite() {
    Set<NamedType> finite = new HashSet<>();
    boolean changed = true;
    while (changed) {
      changed = false;
      for (NamedType t : types) {
        if (!finite.contains(t) && isFinite(t, finite)) {
          finite.add(t);
          changed = true;
        }
      }
    }
    for (NamedType t : types) {
      if (!finite.contains(t)) {
        String kind = t instanceof NamedType.Struct ? "struct" : "union";
        diagnostics.error(
            t.pos(),
            kind
                + " '"
                + t.name()
                + "' contains itself without '*',"
                + " so its values would be infinitely large");
      }
    }
  }

  private static boolean isFinite(NamedType t, Set<NamedType> finite) {
    if (t instanceof NamedType.Struct s) {
      return s.fields().stream().allMatch(f -> isFinite(f.type(), finite));
    } else if (t instanceof NamedType.Union u) {
      return u.arms().isEmpty()
          || u.arms().stream()
              .anyMatch(a -> a.field() == null || isFinite(a.field().type(), finite));
    }
    return true;
  }

  private static boolean isFinite(XdrType t, Set<NamedType> finite) {
    if (t instanceof XdrType.Ref r) {
      return finite.contains(r.target());
    } else if (t instanceof XdrType.Array a && a.fixed() && a.size() > 0) {
      return isFinite(a.element(), finite);
    }
    return true;
  }

  // ---- programs -------------------------------------------------------------------------

  private Schema.Program program(Definition.Program p) {
    List<Schema.Version> versions = new ArrayList<>();
    Map<Integer, String> numbers = new HashMap<>();
    Map<String, SourcePos> names = new HashMap<>();
    for (Definition.Version v : p.versions()) {
      int number = uint32(v.number(), "a version number");
      String other = numbers.putIfAbsent(number, v.name());
      if (other != null) {
        diagnostics.error(
            v.number().pos(),
            "duplicate version number "
                + Integer.toUnsignedString(number)
                + " in program '"
                + p.name()
                + "' (also '"
                + other
                + "')");
      }
      unique(names, "version", v.name(), v.pos());
      versions.add(
          new Schema.Version(v.name(), number, procedures(v), v.pos(), literal(v.number())));
    }
    return new Schema.Program(
        p.name(), uint32(p.number(), "a program number"), versions, p.pos(), literal(p.number()));
  }

  private List<Schema.Procedure> procedures(Definition.Version v) {
    List<Schema.Procedure> procedures = new ArrayList<>();
    Map<Integer, String> numbers = new HashMap<>();
    Map<String, SourcePos> names = new HashMap<>();
    for (Definition.Procedure p : v.procedures()) {
      int number = uint32(p.number(), "a procedure number");
      String other = numbers.putIfAbsent(number, p.name());
      if (other != null) {
        diagnostics.error(
            p.number().pos(),
            "duplicate procedure number "
                + Integer.toUnsignedString(number)
                + " in version '"
                + v.name()
                + "' (also '"
                + other
                + "')");
      }
      unique(names, "procedure", p.name(), p.pos());
      List<NamedType.Field> parameters = new ArrayList<>();
      Map<String, SourcePos> parameterNames = new HashMap<>();
      for (int i = 0; i < p.parameters().size(); i++) {
        Definition.Parameter param = p.parameters().get(i);
        XdrType type = typeSpec(param.type(), p.name() + "_arg" + (i + 1));
        if (type instanceof XdrType.Void) {
          if (p.parameters().size() > 1) {
            diagnostics.error(param.pos(), "void must be the only parameter");
          }
          continue;
        }
        String name =
            param.name() != null
                ? param.name()
                : p.parameters().size() == 1 ? "arg" : "arg" + (i + 1);
        unique(parameterNames, "parameter", name, param.pos());
        parameters.add(new NamedType.Field(name, type, param.pos()));
      }
      procedures.add(
          new Schema.Procedure(
              p.name(),
              number,
              parameters,
              typeSpec(p.result(), p.name() + "_result"),
              p.pos(),
              literal(p.number())));
    }
    return procedures;
  }

  /** A number as the .x wrote it ({@code 0x20000001}), or null if it was a name. */
  private static String literal(Expr e) {
    return e instanceof Expr.Number n ? n.text() : null;
  }

  private void checkProgramNumbers(List<Schema.Program> programs) {
    Map<Integer, String> numbers = new HashMap<>();
    for (Schema.Program p : programs) {
      String other = numbers.putIfAbsent(p.number(), p.name());
      if (other != null) {
        diagnostics.error(
            p.pos(),
            "duplicate program number "
                + Integer.toUnsignedString(p.number())
                + " (also '"
                + other
                + "')");
      }
    }
  }

  // ---- hints ---------------------------------------------------------------------------

  /**
   * What to add to an "undefined" error: the nearest defined name when one is a likely misspelling,
   * else how to supply the name from outside the file.
   */
  @SafeVarargs
  private static String hint(String name, String howToSupply, Set<String>... defined) {
    String nearest = null;
    int best = Integer.MAX_VALUE;
    for (Set<String> names : defined) {
      for (String candidate : names) {
        int d = Spelling.distance(name, candidate);
        if (d < best || (d == best && candidate.compareTo(nearest) < 0)) {
          nearest = candidate;
          best = d;
        }
      }
    }
    return nearest != null && Spelling.isLikelyMisspelling(name, best)
        ? "; did you mean '" + nearest + "'?"
        : " (" + howToSupply + ")";
  }

  private static String describe(XdrType t) {
    if (t instanceof XdrType.Primitive p) {
      return p.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    } else if (t instanceof XdrType.Ref r) {
      return (r.target() instanceof NamedType.Struct ? "struct " : "union ") + r.target().name();
    } else if (t instanceof XdrType.External e) {
      return e.name() + " (mapped to " + e.javaClass() + ")";
    }
    return t.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
  }

  private static String describeCase(NamedType.CaseValue cv) {
    return cv.constant() != null
        ? cv.constant() + " (" + cv.value() + ")"
        : Long.toString(cv.value());
  }

  private static XdrType primitive(XdrType.Primitive.Kind kind) {
    return new XdrType.Primitive(kind);
  }
}

package io.jrpcgen.compiler.model;

import io.jrpcgen.compiler.diag.SourcePos;
import io.jrpcgen.xdr.schema.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The resolved schema as JSON, for other tools and generators: what {@code jrpcgen --dump-schema
 * json} writes. The README's "Schema dump" section defines the form; {@link #FORMAT} is its
 * version, raised when a change could break a reader.
 */
public final class SchemaJson {
  /** The version of the form. */
  public static final int FORMAT = 1;

  private SchemaJson() {}

  /** The dump of {@code schemas}, one per file compiled. */
  public static Json of(List<Schema> schemas) {
    Map<String, Json> root = new LinkedHashMap<>();
    root.put("format", number(FORMAT));
    List<Json> files = new ArrayList<>();
    schemas.forEach(s -> files.add(file(s)));
    root.put("files", new Json.Array(files));
    return new Json.Obj(root);
  }

  private static Json file(Schema schema) {
    Map<String, Json> out = new LinkedHashMap<>();
    out.put("file", str(schema.file()));
    List<Json> constants = new ArrayList<>();
    for (Schema.Constant c : schema.constants()) {
      Map<String, Json> m = object(c.name(), c.pos());
      m.put("value", c.number() != null ? new Json.Number(c.number().toString()) : str(c.text()));
      m.put("literal", c.literal() == null ? Json.NULL : str(c.literal()));
      constants.add(new Json.Obj(m));
    }
    out.put("constants", new Json.Array(constants));
    List<Json> types = new ArrayList<>();
    schema.types().forEach(t -> types.add(named(t)));
    for (Schema.Typedef t : schema.typedefs()) {
      Map<String, Json> m = object(t.name(), t.pos());
      m.put("kind", str("typedef"));
      m.put("type", type(t.type()));
      types.add(new Json.Obj(m));
    }
    out.put("types", new Json.Array(types));
    List<Json> programs = new ArrayList<>();
    schema.programs().forEach(p -> programs.add(program(p)));
    out.put("programs", new Json.Array(programs));
    return new Json.Obj(out);
  }

  private static Json named(NamedType t) {
    Map<String, Json> m = object(t.name(), t.pos());
    if (t instanceof NamedType.Struct s) {
      m.put("kind", str("struct"));
      m.put("members", fields(s.fields()));
    } else if (t instanceof NamedType.Union u) {
      m.put("kind", str("union"));
      m.put("discriminant", field(u.discriminant()));
      List<Json> arms = new ArrayList<>();
      for (NamedType.Arm a : u.arms()) {
        Map<String, Json> arm = new LinkedHashMap<>();
        arm.put("pos", str(a.pos().toString()));
        arm.put("default", new Json.Bool(a.isDefault()));
        List<Json> cases = new ArrayList<>();
        for (NamedType.CaseValue v : a.values()) {
          Map<String, Json> c = new LinkedHashMap<>();
          c.put("value", number(v.value()));
          c.put("constant", v.constant() == null ? Json.NULL : str(v.constant()));
          cases.add(new Json.Obj(c));
        }
        arm.put("cases", new Json.Array(cases));
        arm.put("member", a.field() == null ? Json.NULL : field(a.field()));
        arms.add(new Json.Obj(arm));
      }
      m.put("arms", new Json.Array(arms));
    } else {
      m.put("kind", str("enum"));
      List<Json> enumerators = new ArrayList<>();
      for (NamedType.Constant c : ((NamedType.Enum) t).constants()) {
        Map<String, Json> e = object(c.name(), c.pos());
        e.put("value", number(c.value()));
        enumerators.add(new Json.Obj(e));
      }
      m.put("enumerators", new Json.Array(enumerators));
    }
    return new Json.Obj(m);
  }

  private static Json program(Schema.Program p) {
    Map<String, Json> m = object(p.name(), p.pos());
    m.put("number", number(Integer.toUnsignedLong(p.number())));
    List<Json> versions = new ArrayList<>();
    for (Schema.Version v : p.versions()) {
      Map<String, Json> vm = object(v.name(), v.pos());
      vm.put("number", number(Integer.toUnsignedLong(v.number())));
      List<Json> procedures = new ArrayList<>();
      for (Schema.Procedure proc : v.procedures()) {
        Map<String, Json> pm = object(proc.name(), proc.pos());
        pm.put("number", number(Integer.toUnsignedLong(proc.number())));
        pm.put("arguments", fields(proc.parameters()));
        pm.put("result", type(proc.result()));
        procedures.add(new Json.Obj(pm));
      }
      vm.put("procedures", new Json.Array(procedures));
      versions.add(new Json.Obj(vm));
    }
    m.put("versions", new Json.Array(versions));
    return new Json.Obj(m);
  }

  private static Json fields(List<NamedType.Field> fields) {
    List<Json> out = new ArrayList<>();
    fields.forEach(f -> out.add(field(f)));
    return new Json.Array(out);
  }

  private static Json field(NamedType.Field f) {
    Map<String, Json> m = object(f.name(), f.pos());
    m.put("type", type(f.type()));
    return new Json.Obj(m);
  }

  /** A type use; a bound written as {@code <>} is null. */
  static Json type(XdrType t) {
    Map<String, Json> m = new LinkedHashMap<>();
    if (t instanceof XdrType.Primitive p) {
      m.put("kind", str(p.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ')));
    } else if (t instanceof XdrType.Opaque o) {
      m.put("kind", str("opaque"));
      sized(m, o.fixed(), o.size(), o.sizeConstant());
    } else if (t instanceof XdrType.Text s) {
      m.put("kind", str("string"));
      sized(m, false, s.bound(), s.boundConstant());
    } else if (t instanceof XdrType.Array a) {
      m.put("kind", str("array"));
      sized(m, a.fixed(), a.size(), a.sizeConstant());
      m.put("element", type(a.element()));
    } else if (t instanceof XdrType.Optional o) {
      m.put("kind", str("optional"));
      m.put("element", type(o.element()));
    } else if (t instanceof XdrType.Ref r) {
      m.put("kind", str("ref"));
      m.put("name", str(r.target().name()));
    } else if (t instanceof XdrType.External e) {
      m.put("kind", str("external"));
      m.put("name", str(e.name()));
      m.put("javaClass", str(e.javaClass()));
    } else {
      m.put("kind", str("void"));
    }
    return new Json.Obj(m);
  }

  private static void sized(Map<String, Json> m, boolean fixed, int size, String constant) {
    m.put("fixed", new Json.Bool(fixed));
    m.put("size", !fixed && size == XdrType.UNBOUNDED ? Json.NULL : number(size));
    m.put("sizeConstant", constant == null ? Json.NULL : str(constant));
  }

  private static Map<String, Json> object(String name, SourcePos pos) {
    Map<String, Json> m = new LinkedHashMap<>();
    m.put("name", str(name));
    m.put("pos", str(pos.toString()));
    return m;
  }

  private static Json str(String s) {
    return new Json.Str(s);
  }

  private static Json number(long n) {
    return new Json.Number(Long.toString(n));
  }
}

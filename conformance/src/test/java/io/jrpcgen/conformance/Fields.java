package io.jrpcgen.conformance;

import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrEnum;
import io.jrpcgen.xdr.XdrStrings;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/**
 * A generated value as one line per field, {@code <path>=<value>}, the format the C peers print
 * (values.c), so that values from either side compare field by field.
 *
 * <p>Numbers print as the hex of their wire bits ({@code int} and enums 8 digits, {@code hyper} 16,
 * floats their raw IEEE bits, so NaN and -0.0 compare exactly), booleans as {@code true}/{@code
 * false}, strings quoted with each byte that is not printable ASCII as {@code \xNN}, opaques as
 * {@code #hex}, absent optionals as {@code null}. An array prints its length as {@code <path>#=n},
 * then its elements as {@code <path>[i]}; a linked list (a record whose last component is its own
 * type) prints like an array of its nodes. A union arm prints its discriminant first, then its
 * value.
 */
final class Fields {
  /** The path of the value itself. */
  static final String ROOT = "r";

  private Fields() {}

  /** The lines of {@code value}. */
  static List<String> lines(Object value) {
    List<String> out = new ArrayList<>();
    dump(ROOT, value, out);
    return out;
  }

  /** {@code lines} as a C peer prints them for a case: each after the case's name. */
  static List<String> prefixed(String caseName, List<String> lines) {
    return lines.stream().map(line -> caseName + " " + line).toList();
  }

  private static void dump(String path, Object v, List<String> out) {
    if (v == null) {
      out.add(path + "=null");
    } else if (v instanceof Integer i) {
      out.add(path + "=" + hex(i));
    } else if (v instanceof Long l) {
      out.add(path + "=" + hex(l));
    } else if (v instanceof Float f) {
      out.add(path + "=" + hex(Float.floatToRawIntBits(f)));
    } else if (v instanceof Double d) {
      out.add(path + "=" + hex(Double.doubleToRawLongBits(d)));
    } else if (v instanceof Boolean b) {
      out.add(path + "=" + b);
    } else if (v instanceof XdrEnum e) {
      out.add(path + "=" + hex(e.value()));
    } else if (v instanceof String s) {
      out.add(path + "=" + quoted(XdrStrings.toBytes(s)));
    } else if (v instanceof Opaque o) {
      out.add(path + "=#" + o.toHex());
    } else if (v instanceof List<?> list) {
      out.add(path + "#=" + list.size());
      for (int i = 0; i < list.size(); i++) {
        dump(path + "[" + i + "]", list.get(i), out);
      }
    } else if (v instanceof Record r) {
      dumpRecord(path, r, out);
    } else {
      throw new IllegalArgumentException("not a generated value: " + v.getClass());
    }
  }

  private static void dumpRecord(String path, Record r, List<String> out) {
    RecordComponent[] components = r.getClass().getRecordComponents();
    Method discriminant = discriminant(r.getClass());
    if (discriminant != null) {
      dump(path + "." + discriminant.getName(), invoke(discriminant, r), out);
    }
    int last = components.length - 1;
    if (last >= 0 && components[last].getType() == r.getClass()) {
      // A linked list, walked in a loop as the codecs do: 10,000 nodes cost no stack.
      List<Record> nodes = new ArrayList<>();
      for (Object node = r; node != null; node = invoke(components[last].getAccessor(), node)) {
        nodes.add((Record) node);
      }
      out.add(path + "#=" + nodes.size());
      for (int i = 0; i < nodes.size(); i++) {
        for (int c = 0; c < last; c++) {
          component(path + "[" + i + "]", components[c], nodes.get(i), out);
        }
      }
      return;
    }
    for (RecordComponent c : components) {
      if (discriminant == null || !c.getName().equals(discriminant.getName())) {
        component(path, c, r, out);
      }
    }
  }

  private static void component(String path, RecordComponent c, Object record, List<String> out) {
    // Java keywords get a trailing '_' in generated names; C keeps the .x name.
    String name =
        c.getName().endsWith("_")
            ? c.getName().substring(0, c.getName().length() - 1)
            : c.getName();
    dump(path + "." + name, invoke(c.getAccessor(), record), out);
  }

  /** The discriminant accessor of a union arm: its sealed interface's one abstract method. */
  private static Method discriminant(Class<?> arm) {
    for (Class<?> union : arm.getInterfaces()) {
      if (union.isSealed()) {
        for (Method m : union.getDeclaredMethods()) {
          if (Modifier.isAbstract(m.getModifiers())) {
            return m;
          }
        }
      }
    }
    return null;
  }

  private static Object invoke(Method accessor, Object target) {
    try {
      return accessor.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + accessor, e);
    }
  }

  /** As values.c prints a string: quoted, bytes other than printable ASCII as {@code \xNN}. */
  private static String quoted(byte[] bytes) {
    StringBuilder s = new StringBuilder("\"");
    for (byte b : bytes) {
      if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
        s.append((char) b);
      } else {
        s.append(String.format("\\x%02x", b & 0xff));
      }
    }
    return s.append('"').toString();
  }

  private static String hex(int v) {
    return String.format("%08x", v);
  }

  private static String hex(long v) {
    return String.format("%016x", v);
  }
}

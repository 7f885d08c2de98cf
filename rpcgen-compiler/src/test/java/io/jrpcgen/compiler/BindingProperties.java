package io.jrpcgen.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.xdr.XdrException;
import io.jrpcgen.xdr.schema.XdrBinding;
import io.jrpcgen.xdr.schema.XdrJson;
import io.jrpcgen.xdr.schema.XdrRandom;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Property checks over the bindings of a generated {@code *Schema} class: for random values v of
 * every type, {@code encode(decode(encode(v))) == encode(v)}, the JSON form round-trips to the same
 * bytes, every malformed variant is refused by the generated decoder, and every union arm comes up.
 */
public final class BindingProperties {
  private BindingProperties() {}

  /**
   * Checks every binding of {@code schemaClass} with {@code count} values each (a file of typedefs
   * only has none).
   */
  public static void check(Class<?> schemaClass, int count, long seed) {
    for (XdrBinding<?> b : bindings(schemaClass)) {
      check(b, count, new Random(seed));
    }
  }

  /** The bindings the class holds, in field order. */
  public static List<XdrBinding<?>> bindings(Class<?> schemaClass) {
    List<XdrBinding<?>> out = new ArrayList<>();
    for (Field f : schemaClass.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == XdrBinding.class) {
        try {
          out.add((XdrBinding<?>) f.get(null));
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    return out;
  }

  private static <T> void check(XdrBinding<T> b, int count, Random seed) {
    XdrRandom random = XdrRandom.of(b.schema(), seed);
    XdrJson json = XdrJson.of(b.schema());
    Map<Class<?>, Integer> classes = new HashMap<>();
    for (int i = 0; i < count; i++) {
      XdrRandom.Sample sample = random.sample(b.type());
      String what = b.type() + " #" + i;
      T value = b.decode(sample.valid());
      classes.merge(value == null ? Void.class : value.getClass(), 1, Integer::sum);
      byte[] encoded = b.encode(value);
      assertThat(encoded).as(what).isEqualTo(sample.valid());
      assertThat(b.encode(b.decode(encoded))).as(what).isEqualTo(encoded);
      String text = b.toJson(value);
      assertThat(json.toXdr(b.type(), text)).as(what + ": " + text).isEqualTo(encoded);
      assertThat(b.encode(b.fromJson(text))).as(what + ": " + text).isEqualTo(encoded);
      for (XdrRandom.Malformed m : sample.malformed()) {
        assertThatThrownBy(() -> b.decode(m.bytes()))
            .as(what + ": " + m.description())
            .isInstanceOf(XdrException.class);
      }
    }
    // Any value's class but null's (a typedef of a pointer may decode to null).
    Class<?> javaType =
        classes.keySet().stream().filter(c -> c != Void.class).findFirst().orElse(Void.class);
    Class<?>[] arms =
        javaType.getInterfaces().length > 0 && javaType.getInterfaces()[0].isSealed()
            ? javaType.getInterfaces()[0].getPermittedSubclasses()
            : null;
    if (arms != null && count >= 100) {
      Set<Class<?>> all = new HashSet<>(List.of(arms));
      assertThat(classes.keySet()).as(b.type() + ": the arms drawn").containsAll(all);
    }
  }
}

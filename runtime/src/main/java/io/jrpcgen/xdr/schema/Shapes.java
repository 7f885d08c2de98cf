package io.jrpcgen.xdr.schema;

import java.util.HashSet;
import java.util.Set;

/** Sizes of shapes, for bounding what hostile input may make a reader allocate. */
final class Shapes {
  private Shapes() {}

  /** The fewest bytes a value of {@code shape} takes on the wire. */
  static int minSize(XdrSchema schema, XdrShape shape) {
    return (int) Math.min(Integer.MAX_VALUE, minSize(schema, shape, new HashSet<>()));
  }

  private static long minSize(XdrSchema schema, XdrShape shape, Set<String> visiting) {
    if (shape instanceof XdrShape.Ref r) {
      // A type met again on its own path is counted as empty: the result stays a lower bound.
      if (!visiting.add(r.name())) {
        return 0;
      }
      long size = minSize(schema, schema.types().get(r.name()), visiting);
      visiting.remove(r.name());
      return size;
    } else if (shape instanceof XdrShape.Primitive p) {
      return switch (p.kind()) {
        case HYPER, UNSIGNED_HYPER, DOUBLE -> 8;
        case QUADRUPLE -> 16;
        default -> 4;
      };
    } else if (shape instanceof XdrShape.Opaque o) {
      return o.fixed() ? (o.size() + 3L) & ~3L : 4;
    } else if (shape instanceof XdrShape.Array a) {
      return a.fixed() ? a.size() * minSize(schema, a.element(), visiting) : 4;
    } else if (shape instanceof XdrShape.Struct s) {
      long sum = 0;
      for (XdrShape.Member m : s.members()) {
        sum = Math.min(Integer.MAX_VALUE, sum + minSize(schema, m.shape(), visiting));
      }
      return sum;
    } else if (shape instanceof XdrShape.Union u) {
      long min = Long.MAX_VALUE;
      for (XdrShape.Arm a : u.arms()) {
        min = Math.min(min, a.member() == null ? 0 : minSize(schema, a.member().shape(), visiting));
      }
      return 4 + (min == Long.MAX_VALUE ? 0 : min);
    } else if (shape instanceof XdrShape.Void) {
      return 0;
    }
    return 4; // enum, string, optional
  }
}

package io.jrpcgen.compiler.codegen;

import io.jrpcgen.compiler.diag.SourcePos;
import io.jrpcgen.compiler.model.XdrType;
import java.nio.file.Path;
import java.util.Locale;

/** Javadoc sentences that cite the {@code .x} source. */
final class Docs {
  private Docs() {}

  /** Past this, a citation takes two lines so that nested Javadoc stays within 100 columns. */
  private static final int ONE_LINE = 70;

  /** Javadoc citing {@code construct} at {@code pos}: "struct square_in from square.x line 1". */
  static String cite(String construct, SourcePos pos) {
    String code = "{@code " + construct + "}";
    String from = "from " + fileName(pos.file()) + " line " + pos.line() + ".\n";
    return code + (code.length() + from.length() > ONE_LINE ? "\n" : " ") + from;
  }

  /**
   * {@code t} in .x syntax, as far as a resolved type tells: {@code string<255>}, {@code node *}.
   */
  static String xdr(XdrType t) {
    if (t instanceof XdrType.Primitive p) {
      return p.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    } else if (t instanceof XdrType.Opaque o) {
      return "opaque" + (o.fixed() ? "[" + o.size() + "]" : bound(o.size()));
    } else if (t instanceof XdrType.Text s) {
      return "string" + bound(s.bound());
    } else if (t instanceof XdrType.Array a) {
      return xdr(a.element()) + (a.fixed() ? "[" + a.size() + "]" : bound(a.size()));
    } else if (t instanceof XdrType.Optional o) {
      return xdr(o.element()) + " *";
    } else if (t instanceof XdrType.Ref r) {
      return r.target().name();
    } else if (t instanceof XdrType.External e) {
      return e.name();
    }
    return "void";
  }

  private static String bound(int size) {
    return size == XdrType.UNBOUNDED ? "<>" : "<" + size + ">";
  }

  static String fileName(String file) {
    Path name = Path.of(file).getFileName();
    return name == null ? file : name.toString();
  }
}

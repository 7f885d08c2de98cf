package io.jrpcgen.compiler.codegen;

import io.jrpcgen.compiler.diag.SourcePos;
import java.nio.file.Path;

/** Javadoc sentences that cite the {@code .x} source. */
final class Docs {
  private Docs() {}

  /** Past this, a citation takes two lines so that nested Javadoc stays within 100 columns. */
  private static final int ONE_LINE = 70;

  /** {@code "{@code struct square_in} from square.x line 1."} */
  static String cite(String construct, SourcePos pos) {
    String code = "{@code " + construct + "}";
    String from = "from " + fileName(pos.file()) + " line " + pos.line() + ".\n";
    return code + (code.length() + from.length() > ONE_LINE ? "\n" : " ") + from;
  }

  static String fileName(String file) {
    Path name = Path.of(file).getFileName();
    return name == null ? file : name.toString();
  }
}

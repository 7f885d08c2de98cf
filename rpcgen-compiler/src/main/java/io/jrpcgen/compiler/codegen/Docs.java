package io.jrpcgen.compiler.codegen;

import io.jrpcgen.compiler.diag.SourcePos;
import java.nio.file.Path;

/** Javadoc sentences that cite the {@code .x} source. */
final class Docs {
  private Docs() {}

  /** {@code "{@code struct square_in} from square.x line 1."} */
  static String cite(String construct, SourcePos pos) {
    return "{@code " + construct + "} from " + fileName(pos.file()) + " line " + pos.line() + ".\n";
  }

  static String fileName(String file) {
    Path name = Path.of(file).getFileName();
    return name == null ? file : name.toString();
  }
}

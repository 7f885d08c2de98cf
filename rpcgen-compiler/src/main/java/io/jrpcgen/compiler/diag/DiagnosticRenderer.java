package io.jrpcgen.compiler.diag;

import java.util.List;
import java.util.Map;

/** Renders a diagnostic as gcc does: the message, the source line, a caret under the column. */
public final class DiagnosticRenderer {
  private DiagnosticRenderer() {}

  /** The diagnostic with its line and caret when the line is known. */
  public static String render(Diagnostic d, Map<String, List<String>> sourceLines) {
    StringBuilder sb = new StringBuilder(d.toString());
    List<String> lines = sourceLines.get(d.pos().file());
    int line = d.pos().line();
    if (lines != null && line >= 1 && line <= lines.size()) {
      String text = lines.get(line - 1);
      sb.append('\n').append(text).append('\n');
      // Keep tabs so the caret lines up however the terminal expands them.
      for (int i = 0; i < d.pos().column() - 1 && i < text.length(); i++) {
        sb.append(text.charAt(i) == '\t' ? '\t' : ' ');
      }
      sb.append('^');
    }
    return sb.toString();
  }
}

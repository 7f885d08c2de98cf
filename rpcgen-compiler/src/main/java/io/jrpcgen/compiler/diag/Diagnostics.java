package io.jrpcgen.compiler.diag;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/** Collects the diagnostics of one compilation; every stage adds to it and goes on. */
public final class Diagnostics {
  private final List<Diagnostic> all = new ArrayList<>();
  private int errors;

  /** Records an error at {@code pos}. */
  public void error(SourcePos pos, String message) {
    all.add(new Diagnostic(Diagnostic.Severity.ERROR, pos, message));
    errors++;
  }

  /** Records a warning at {@code pos}. */
  public void warning(SourcePos pos, String message) {
    all.add(new Diagnostic(Diagnostic.Severity.WARNING, pos, message));
  }

  /** Whether any error was recorded. */
  public boolean hasErrors() {
    return errors > 0;
  }

  /** The number of errors. */
  public int errorCount() {
    return errors;
  }

  /** Every diagnostic, ordered by file, line and column as found. */
  public List<Diagnostic> list() {
    List<Diagnostic> sorted = new ArrayList<>(all);
    sorted.sort(
        Comparator.comparing((Diagnostic d) -> d.pos().file())
            .thenComparingInt(d -> d.pos().line())
            .thenComparingInt(d -> d.pos().column()));
    return Collections.unmodifiableList(sorted);
  }
}

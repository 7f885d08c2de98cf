package io.jrpcgen.maven;

import io.jrpcgen.compiler.CompileResult;
import io.jrpcgen.compiler.diag.Diagnostic;
import io.jrpcgen.compiler.diag.DiagnosticRenderer;
import java.io.File;
import org.apache.maven.plugin.logging.Log;
import org.sonatype.plexus.build.incremental.BuildContext;
import org.sonatype.plexus.build.incremental.DefaultBuildContext;

/**
 * The compiler's diagnostics where a build shows them: in the log as the compiler prints them (line
 * and caret), and in an IDE as markers at {@code file:line:col}, cleared first on every file the
 * compilation read.
 */
final class CompilerMessages {
  private CompilerMessages() {}

  /** Logs and marks the diagnostics; returns how many are errors. */
  static int publish(CompileResult result, Log log, BuildContext context) {
    // Maven's own context has no markers: it would log each message again, in a form of its own.
    boolean markers = !(context instanceof DefaultBuildContext);
    if (markers) {
      result.sourceLines().keySet().forEach(file -> context.removeMessages(new File(file)));
    }
    int errors = 0;
    for (Diagnostic d : result.diagnostics()) {
      boolean error = d.severity() == Diagnostic.Severity.ERROR;
      for (String line : DiagnosticRenderer.render(d, result.sourceLines()).split("\n")) {
        if (error) {
          log.error(line);
        } else {
          log.warn(line);
        }
      }
      if (markers) {
        context.addMessage(
            new File(d.pos().file()),
            d.pos().line(),
            d.pos().column(),
            d.message(),
            error ? BuildContext.SEVERITY_ERROR : BuildContext.SEVERITY_WARNING,
            null);
      }
      errors += error ? 1 : 0;
    }
    return errors;
  }
}

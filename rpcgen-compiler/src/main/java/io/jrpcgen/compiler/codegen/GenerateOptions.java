package io.jrpcgen.compiler.codegen;

import java.time.Duration;
import java.util.Set;

/**
 * What to generate and how.
 *
 * @param packageName the package of the generated classes ("" for the unnamed package)
 * @param emit which parts to generate
 * @param defaultTimeout the call timeout generated clients start with
 */
public record GenerateOptions(String packageName, Set<Emit> emit, Duration defaultTimeout) {
  /**
   * A part of the output. Types (constants, structs, unions, enums, typedef codecs, each version's
   * interface) are always generated: clients and binders need them.
   */
  public enum Emit {
    /** Types only. */
    TYPES,
    /** Client stubs. */
    CLIENT,
    /** Server binders. */
    SERVER
  }
}

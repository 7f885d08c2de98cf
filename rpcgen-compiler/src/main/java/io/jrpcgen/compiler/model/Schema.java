package io.jrpcgen.compiler.model;

import io.jrpcgen.compiler.diag.SourcePos;
import java.util.List;

/**
 * A resolved {@code .x} file: what the emitters generate from.
 *
 * @param file the file compiled
 * @param constants its constants in source order
 * @param types its structs, unions and enums in source order (inline ones after their parent)
 * @param typedefs its typedefs that name something other than a struct, union or enum
 * @param programs its programs
 */
public record Schema(String file, List<Constant> constants, List<NamedType> types,
    List<Typedef> typedefs, List<Program> programs) {

  /** A constant: a number (as a long bit pattern) or, as rpcgen allows, a string. */
  public record Constant(String name, SourcePos pos, long value, String text) {
    /** Whether the value fits a Java int (signed). */
    public boolean fitsInt() {
      return text == null && value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE;
    }
  }

  /** A typedef kept as a named codec, e.g. {@code typedef opaque nfs_fh4<128>}. */
  public record Typedef(String name, String javaName, XdrType type, SourcePos pos) {}

  /** A program with its versions. */
  public record Program(String name, String javaName, int number, List<Version> versions,
      SourcePos pos) {}

  /** A program version with its procedures. */
  public record Version(String name, String javaName, int number, List<Procedure> procedures,
      SourcePos pos) {}

  /** A procedure: its parameters (none for void) and result. */
  public record Procedure(String name, String javaName, int number, List<Parameter> parameters,
      XdrType result, SourcePos pos) {}

  /** A procedure parameter. */
  public record Parameter(String javaName, XdrType type) {}
}

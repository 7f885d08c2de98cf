package io.jrpcgen.compiler.model;

import io.jrpcgen.compiler.diag.SourcePos;
import java.math.BigInteger;
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
public record Schema(
    String file,
    List<Constant> constants,
    List<NamedType> types,
    List<Typedef> typedefs,
    List<Program> programs) {

  /**
   * A constant: a number (as a long bit pattern) or, as rpcgen allows, a string.
   *
   * @param name its .x name
   * @param pos where it is defined
   * @param number its number, from {@code Long.MIN_VALUE} to 2<sup>64</sup>-1; null for a string
   * @param text its string, or null for a number
   * @param literal the number as written when it is a literal ({@code 0x400}, {@code 0755}), or
   *     null
   */
  public record Constant(
      String name, SourcePos pos, BigInteger number, String text, String literal) {
    /** Whether the number fits a Java int (signed). */
    public boolean fitsInt() {
      return number != null && number.bitLength() < Integer.SIZE;
    }
  }

  /** A typedef kept as a named codec, e.g. {@code typedef opaque nfs_fh4<128>}. */
  public record Typedef(String name, XdrType type, SourcePos pos) {}

  /** A program with its versions; {@code numberLiteral} is its number as written, or null. */
  public record Program(
      String name, int number, List<Version> versions, SourcePos pos, String numberLiteral) {}

  /** A program version with its procedures; {@code numberLiteral} as for a program. */
  public record Version(
      String name, int number, List<Procedure> procedures, SourcePos pos, String numberLiteral) {}

  /**
   * A procedure: its parameters (none for void) and result; {@code numberLiteral} as for a program.
   * A parameter without a name in the .x is named as rpcgen's C names it: {@code arg} alone, else
   * {@code arg1}, {@code arg2}...
   */
  public record Procedure(
      String name,
      int number,
      List<NamedType.Field> parameters,
      XdrType result,
      SourcePos pos,
      String numberLiteral) {}
}

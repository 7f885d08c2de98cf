package io.jrpcgen.observe;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The names a {@code .x} file gives a program version's program and procedures, for listeners:
 * generated clients carry theirs, so that their calls are reported as {@code SQUARE_PROG} and
 * {@code SQUAREPROC} rather than as numbers.
 *
 * <pre>{@code
 * ProgramNames names = ProgramNames.builder("SQUARE_PROG").procedure(1, "SQUAREPROC").build();
 * names.procedure(1);   // "SQUAREPROC"; null for a number it does not name
 * }</pre>
 */
public final class ProgramNames {
  private final String program;
  private final Map<Integer, String> procedures;

  private ProgramNames(String program, Map<Integer, String> procedures) {
    this.program = program;
    this.procedures = Map.copyOf(procedures);
  }

  /** Starts the names of program {@code program}. */
  public static Builder builder(String program) {
    return new Builder(program);
  }

  /** The program's name. */
  public String program() {
    return program;
  }

  /** The name of procedure {@code number}, or null if it has none here. */
  public String procedure(int number) {
    return procedures.get(number);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProgramNames other
        && program.equals(other.program)
        && procedures.equals(other.procedures);
  }

  @Override
  public int hashCode() {
    return Objects.hash(program, procedures);
  }

  @Override
  public String toString() {
    return program + new TreeMap<>(procedures);
  }

  /** Collects the procedure names of a program version. */
  public static final class Builder {
    private final String program;
    private final Map<Integer, String> procedures = new TreeMap<>();

    private Builder(String program) {
      if (program == null) {
        throw new IllegalArgumentException("program name is null");
      }
      this.program = program;
    }

    /** Names procedure {@code number}. */
    public Builder procedure(int number, String name) {
      if (name == null) {
        throw new IllegalArgumentException("name of procedure " + number + " is null");
      }
      if (procedures.putIfAbsent(number, name) != null) {
        throw new IllegalArgumentException("procedure " + number + " is named twice");
      }
      return this;
    }

    /** The names. */
    public ProgramNames build() {
      return new ProgramNames(program, procedures);
    }
  }
}

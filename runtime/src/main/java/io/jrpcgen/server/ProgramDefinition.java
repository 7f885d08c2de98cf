package io.jrpcgen.server;

import java.util.Arrays;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The dispatch table of one version of one program: what {@link RpcServer} serves. Generated
 * binders build one from an implementation of the version's interface.
 */
public final class ProgramDefinition {
  private final int program;
  private final int version;
  private final String programName;
  private final Procedure<?, ?>[] table;

  private ProgramDefinition(
      int program,
      int version,
      String programName,
      SortedMap<Integer, Procedure<?, ?>> procedures) {
    this.program = program;
    this.version = version;
    this.programName = programName;
    int max = procedures.isEmpty() ? -1 : procedures.lastKey();
    this.table = new Procedure<?, ?>[max + 1];
    procedures.forEach((number, procedure) -> table[number] = procedure);
  }

  /** Starts the table of {@code program} version {@code version}. */
  public static Builder builder(int program, int version) {
    return new Builder(program, version);
  }

  /** The program number. */
  public int program() {
    return program;
  }

  /** The version number. */
  public int version() {
    return version;
  }

  /** The program's name in the {@code .x} file, for listeners; or null if not given. */
  public String programName() {
    return programName;
  }

  /** The procedure with {@code number}, or null if there is none. */
  public Procedure<?, ?> procedure(int number) {
    return number >= 0 && number < table.length ? table[number] : null;
  }

  @Override
  public String toString() {
    return "ProgramDefinition[program="
        + Integer.toUnsignedString(program)
        + ", version="
        + Integer.toUnsignedString(version)
        + ", procedures="
        + Arrays.stream(table).filter(p -> p != null).map(Procedure::name).toList()
        + "]";
  }

  /** Collects the procedures of a program version. */
  public static final class Builder {
    // Procedure numbers index an array; beyond this a table would be mostly holes.
    private static final int MAX_PROCEDURE = 65_535;

    private final int program;
    private final int version;
    private final TreeMap<Integer, Procedure<?, ?>> procedures = new TreeMap<>();
    private String programName;

    private Builder(int program, int version) {
      this.program = program;
      this.version = version;
    }

    /** Adds a procedure; its number must be new to this table. */
    public Builder procedure(Procedure<?, ?> procedure) {
      if (procedure.number() > MAX_PROCEDURE) {
        throw new IllegalArgumentException("procedure number > 65535: " + procedure.number());
      }
      if (procedures.putIfAbsent(procedure.number(), procedure) != null) {
        throw new IllegalArgumentException("duplicate procedure number " + procedure.number());
      }
      return this;
    }

    /**
     * Names the program as its {@code .x} file does, so that listeners report its calls by name
     * (generated binders do).
     */
    public Builder programName(String programName) {
      this.programName = programName;
      return this;
    }

    /** The finished table. */
    public ProgramDefinition build() {
      return new ProgramDefinition(program, version, programName, procedures);
    }
  }
}

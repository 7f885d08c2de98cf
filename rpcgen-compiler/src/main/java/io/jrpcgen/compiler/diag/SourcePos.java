package io.jrpcgen.compiler.diag;

/**
 * A place in a {@code .x} file, 1-based, as compilers print it: {@code file:line:col}.
 *
 * @param file the file name as given on the command line or found on the include path
 * @param line the line, from 1
 * @param column the column, from 1 (tabs count as one)
 */
public record SourcePos(String file, int line, int column) {
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}

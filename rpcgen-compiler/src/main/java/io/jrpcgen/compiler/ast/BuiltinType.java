package io.jrpcgen.compiler.ast;

/**
 * The types the grammar knows by keyword. C spellings map onto them as rpcgen reads them: {@code
 * char short long int} are INT, their {@code unsigned} forms (and bare {@code unsigned})
 * UNSIGNED_INT, {@code bool} BOOL.
 */
public enum BuiltinType {
  INT,
  UNSIGNED_INT,
  HYPER,
  UNSIGNED_HYPER,
  FLOAT,
  DOUBLE,
  QUADRUPLE,
  BOOL,
  OPAQUE,
  STRING,
  VOID
}

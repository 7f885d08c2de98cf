package io.jrpcgen.compiler.parse;

import java.util.function.Function;

/**
 * An {@code #if} expression as cpp evaluates it: integers, macros (an undefined name is 0), {@code
 * defined}, and C's unary, binary and conditional operators, in {@code long} arithmetic. Invalid
 * input throws {@link IllegalArgumentException} with what was wrong.
 */
final class IfExpression {
  private static final int MAX_MACRO_DEPTH = 64;

  private final String text;
  private final Function<String, String> macros;
  private final boolean strict;
  private final int depth;
  private int pos;

  /**
   * An expression over {@code macros} (name to body, null if undefined); in {@code strict} mode an
   * undefined name is an error rather than 0.
   */
  IfExpression(String text, Function<String, String> macros, boolean strict) {
    this(text, macros, strict, 0);
  }

  private IfExpression(String text, Function<String, String> macros, boolean strict, int depth) {
    this.text = text;
    this.macros = macros;
    this.strict = strict;
    this.depth = depth;
  }

  /** The value of the whole expression. */
  long evaluate() {
    if (text.isBlank()) {
      throw new IllegalArgumentException("#if with no expression");
    }
    long value = conditional();
    skipSpace();
    if (pos < text.length()) {
      throw new IllegalArgumentException("unexpected '" + text.charAt(pos) + "'");
    }
    return value;
  }

  private long conditional() {
    long condition = binary(0);
    if (accept("?")) {
      long whenTrue = conditional();
      expect(":");
      long whenFalse = conditional();
      return condition != 0 ? whenTrue : whenFalse;
    }
    return condition;
  }

  /** Binary operators, lowest precedence first; C's table. */
  private static final String[][] LEVELS = {
    {"||"},
    {"&&"},
    {"|"},
    {"^"},
    {"&"},
    {"==", "!="},
    {"<=", ">=", "<", ">"},
    {"<<", ">>"},
    {"+", "-"},
    {"*", "/", "%"},
  };

  private long binary(int level) {
    if (level == LEVELS.length) {
      return unary();
    }
    long left = binary(level + 1);
    while (true) {
      String op = operator(LEVELS[level]);
      if (op == null) {
        return left;
      }
      long right = binary(level + 1);
      left = apply(op, left, right);
    }
  }

  private static long apply(String op, long a, long b) {
    return switch (op) {
      case "||" -> a != 0 || b != 0 ? 1 : 0;
      case "&&" -> a != 0 && b != 0 ? 1 : 0;
      case "|" -> a | b;
      case "^" -> a ^ b;
      case "&" -> a & b;
      case "==" -> a == b ? 1 : 0;
      case "!=" -> a != b ? 1 : 0;
      case "<=" -> a <= b ? 1 : 0;
      case ">=" -> a >= b ? 1 : 0;
      case "<" -> a < b ? 1 : 0;
      case ">" -> a > b ? 1 : 0;
      case "<<" -> a << b;
      case ">>" -> a >> b;
      case "+" -> a + b;
      case "-" -> a - b;
      case "*" -> a * b;
      default -> {
        if (b == 0) {
          throw new IllegalArgumentException("division by zero");
        }
        yield op.equals("/") ? a / b : a % b;
      }
    };
  }

  private long unary() {
    if (accept("!")) {
      return unary() == 0 ? 1 : 0;
    } else if (accept("~")) {
      return ~unary();
    } else if (accept("-")) {
      return -unary();
    } else if (accept("+")) {
      return unary();
    }
    return primary();
  }

  private long primary() {
    skipSpace();
    if (accept("(")) {
      long value = conditional();
      expect(")");
      return value;
    }
    if (pos >= text.length()) {
      throw new IllegalArgumentException("missing operand");
    }
    char c = text.charAt(pos);
    if (Character.isDigit(c)) {
      return number();
    }
    int end = Preprocessor.identifierEnd(text, pos);
    if (end == pos) {
      throw new IllegalArgumentException("unexpected '" + c + "'");
    }
    String name = text.substring(pos, end);
    pos = end;
    if (name.equals("defined")) {
      boolean parenthesized = accept("(");
      skipSpace();
      int nameEnd = Preprocessor.identifierEnd(text, pos);
      if (nameEnd == pos) {
        throw new IllegalArgumentException("'defined' needs a macro name");
      }
      String macro = text.substring(pos, nameEnd);
      pos = nameEnd;
      if (parenthesized) {
        expect(")");
      }
      return macros.apply(macro) != null ? 1 : 0;
    }
    String body = macros.apply(name);
    if (body == null && strict) {
      throw new IllegalArgumentException("undefined name '" + name + "'");
    }
    if (body == null || body.isBlank()) {
      return 0;
    }
    if (depth >= MAX_MACRO_DEPTH) {
      throw new IllegalArgumentException("macro '" + name + "' expands too deeply");
    }
    return new IfExpression(body, macros, strict, depth + 1).evaluate();
  }

  private long number() {
    int start = pos;
    while (pos < text.length() && Character.isLetterOrDigit(text.charAt(pos))) {
      pos++;
    }
    String literal = text.substring(start, pos).replaceAll("[uUlL]+$", "");
    try {
      if (literal.startsWith("0x") || literal.startsWith("0X")) {
        return Long.parseUnsignedLong(literal.substring(2), 16);
      } else if (literal.length() > 1 && literal.startsWith("0")) {
        return Long.parseLong(literal.substring(1), 8);
      }
      return Long.parseLong(literal);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid number '" + text.substring(start, pos) + "'");
    }
  }

  private String operator(String[] candidates) {
    skipSpace();
    for (String op : candidates) {
      // '|' must not take the first half of '||', nor '<' of '<<'.
      if (text.startsWith(op, pos)
          && !(op.length() == 1
              && pos + 1 < text.length()
              && ((text.charAt(pos + 1) == op.charAt(0) && "|&<>".indexOf(op.charAt(0)) >= 0)
                  || (text.charAt(pos + 1) == '=' && "<>=!".indexOf(op.charAt(0)) >= 0)))) {
        pos += op.length();
        return op;
      }
    }
    return null;
  }

  private boolean accept(String token) {
    skipSpace();
    if (text.startsWith(token, pos)) {
      pos += token.length();
      return true;
    }
    return false;
  }

  private void expect(String token) {
    if (!accept(token)) {
      throw new IllegalArgumentException("expected '" + token + "'");
    }
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }
}

package io.jrpcgen.compiler.naming;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns {@code .x} identifiers into Java names: types UpperCamel ({@code square_in} → {@code
 * SquareIn}), members lowerCamel ({@code SQUAREPROC} → {@code squareproc}), typedef codecs constant
 * case ({@code nfs_fh4} → {@code NFS_FH4}); Java keywords and literals get a trailing {@code _},
 * and a name that would start with a digit a leading one. Words break at underscores and other
 * punctuation, at lower-to-upper changes and between letters and digits, and all-capital words are
 * lowered: {@code READDIR3args} → {@code Readdir3Args}.
 */
public final class JavaNames {
  private static final Set<String> RESERVED =
      Set.of(
          "abstract",
          "assert",
          "boolean",
          "break",
          "byte",
          "case",
          "catch",
          "char",
          "class",
          "const",
          "continue",
          "default",
          "do",
          "double",
          "else",
          "enum",
          "extends",
          "final",
          "finally",
          "float",
          "for",
          "goto",
          "if",
          "implements",
          "import",
          "instanceof",
          "int",
          "interface",
          "long",
          "native",
          "new",
          "package",
          "private",
          "protected",
          "public",
          "return",
          "short",
          "static",
          "strictfp",
          "super",
          "switch",
          "synchronized",
          "this",
          "throw",
          "throws",
          "transient",
          "try",
          "void",
          "volatile",
          "while",
          "true",
          "false",
          "null",
          "var",
          "yield",
          "record",
          "sealed",
          "permits",
          "non-sealed",
          "_");

  private JavaNames() {}

  /** The UpperCamel type name for {@code name}. */
  public static String typeName(String name) {
    StringBuilder sb = new StringBuilder();
    for (String word : words(name)) {
      sb.append(capitalize(word));
    }
    return escape(sb.isEmpty() ? "X" : digitSafe(sb));
  }

  /** {@code words} capitalized and joined, as a part of a type name: {@code Or2}, {@code Fifo}. */
  static String capitalized(List<String> words) {
    StringBuilder sb = new StringBuilder();
    words.forEach(w -> sb.append(capitalize(w)));
    return sb.toString();
  }

  /** The lowerCamel member name for {@code name}. */
  public static String memberName(String name) {
    StringBuilder sb = new StringBuilder();
    for (String word : words(name)) {
      sb.append(sb.isEmpty() ? word.toLowerCase(Locale.ROOT) : capitalize(word));
    }
    return escape(sb.isEmpty() ? "_" : digitSafe(sb));
  }

  /** The constant-case name for {@code name}: {@code nfs_fh4} → {@code NFS_FH4}. */
  public static String constantCaseName(String name) {
    StringBuilder sb = new StringBuilder();
    for (String word : words(name)) {
      // Digits stay with the word before them: nfs_fh4 is NFS_FH4, not NFS_FH_4.
      boolean digits = Character.isDigit(word.charAt(0));
      sb.append(sb.isEmpty() || digits ? "" : "_").append(word.toUpperCase(Locale.ROOT));
    }
    return sb.isEmpty() ? "_" : digitSafe(sb);
  }

  /** {@code name} as is, with a trailing {@code _} if Java reserves it: for constants. */
  public static String constantName(String name) {
    return escape(name);
  }

  /** Whether Java reserves {@code word}. */
  public static boolean isReserved(String word) {
    return RESERVED.contains(word);
  }

  private static String digitSafe(StringBuilder sb) {
    return Character.isDigit(sb.charAt(0)) ? "_" + sb : sb.toString();
  }

  private static String escape(String name) {
    return RESERVED.contains(name) ? name + "_" : name;
  }

  private static String capitalize(String word) {
    String lower = word.toLowerCase(Locale.ROOT);
    return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
  }

  /** Splits at underscores, lower→upper changes, and letter↔digit changes. */
  public static List<String> words(String name) {
    List<String> words = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!Character.isLetterOrDigit(c)) {
        flush(words, cur);
        continue;
      }
      if (!cur.isEmpty()) {
        char prev = cur.charAt(cur.length() - 1);
        boolean lowerToUpper = Character.isLowerCase(prev) && Character.isUpperCase(c);
        boolean digitChange = Character.isDigit(prev) != Character.isDigit(c);
        if (lowerToUpper || digitChange) {
          flush(words, cur);
        }
      }
      cur.append(c);
    }
    flush(words, cur);
    return words;
  }

  private static void flush(List<String> words, StringBuilder cur) {
    if (!cur.isEmpty()) {
      words.add(cur.toString());
      cur.setLength(0);
    }
  }
}

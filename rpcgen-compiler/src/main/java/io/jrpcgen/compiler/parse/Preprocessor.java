package io.jrpcgen.compiler.parse;

import io.jrpcgen.compiler.diag.Diagnostics;
import io.jrpcgen.compiler.diag.SourcePos;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What rpcgen gets from {@code cpp -C}, done in place: comments, {@code %} pass-through lines and
 * directives become blank, skipped conditional regions become blank, included files are spliced in,
 * and object-like macros are expanded. Every output line remembers the file and line it came from,
 * so positions survive; columns too, except after a macro longer than its name.
 */
final class Preprocessor {
  /** One output line and where it came from. */
  record Line(String file, int number, String text) {}

  /** A {@code %#define NAME value} line: C's constant, which .x definitions may use. */
  record CDefine(SourcePos pos, String name, String value) {}

  /**
   * The output lines, the {@code %#define} lines, every file's lines for diagnostics, and the first
   * conditional that left out lines with text ({@code #ifdef USINGC}), or null.
   */
  record Result(
      List<Line> lines,
      List<CDefine> cDefines,
      Map<String, List<String>> sourceLines,
      String firstSkippedBy) {}

  private static final Pattern C_DEFINE =
      Pattern.compile("%\\s*#\\s*define\\s+([A-Za-z_][A-Za-z0-9_]*)(?:\\s+(.*))?");

  private static final int MAX_INCLUDE_DEPTH = 64;

  private final ParseOptions options;
  private final Diagnostics diagnostics;
  private final Map<String, String> macros = new HashMap<>();
  private final Set<String> functionMacros = new HashSet<>();
  private final List<Line> out = new ArrayList<>();
  private final List<CDefine> cDefines = new ArrayList<>();
  private final Map<String, List<String>> sourceLines = new LinkedHashMap<>();
  private int depth;
  private String firstSkippedBy;

  private Preprocessor(ParseOptions options, Diagnostics diagnostics) {
    this.options = options;
    this.diagnostics = diagnostics;
    // rpcgen defines one of these per output; Java holds what its header (types) holds.
    macros.put("RPC_HDR", "1");
    macros.putAll(options.defines());
  }

  /** Preprocesses {@code file}; null if it cannot be read (an error says why). */
  static Result run(Path file, ParseOptions options, Diagnostics diagnostics) {
    Preprocessor p = new Preprocessor(options, diagnostics);
    if (!p.include(file, null)) {
      return new Result(null, p.cDefines, p.sourceLines, p.firstSkippedBy);
    }
    return new Result(p.out, p.cDefines, p.sourceLines, p.firstSkippedBy);
  }

  /** An open {@code #if}: whether this branch is live, and whether one already was. */
  private static final class Conditional {
    final SourcePos pos;
    final String directive;
    final String argument;
    final boolean outerActive;
    boolean active;
    boolean taken;
    boolean sawElse;

    Conditional(
        SourcePos pos, String directive, String argument, boolean outerActive, boolean condition) {
      this.pos = pos;
      this.directive = directive;
      this.argument = argument;
      this.outerActive = outerActive;
      this.active = outerActive && condition;
      this.taken = condition;
    }

    /** The directive as written, {@code #ifdef USINGC}, or its {@code #else}. */
    String describe() {
      return (sawElse ? "the #else of #" : "#") + directive + " " + argument;
    }
  }

  /** Comment state that carries across the lines of one file. */
  private static final class CommentState {
    SourcePos start;
  }

  private boolean include(Path path, SourcePos includedAt) {
    String name = path.toString();
    List<String> lines;
    try {
      lines = splitLines(decode(Files.readAllBytes(path)));
    } catch (IOException | RuntimeException e) {
      diagnostics.error(
          includedAt != null ? includedAt : new SourcePos(name, 1, 1),
          "cannot read " + name + ": " + reason(e));
      return false;
    }
    sourceLines.put(name, lines);
    Deque<Conditional> conditionals = new ArrayDeque<>();
    CommentState comment = new CommentState();
    for (int i = 0; i < lines.size(); i++) {
      boolean active = conditionals.isEmpty() || conditionals.peek().active;
      String line = lines.get(i);
      String trimmed = line.stripLeading();
      boolean inComment = comment.start != null;
      if (!inComment && (trimmed.startsWith("%") || trimmed.startsWith("#"))) {
        // A pass-through line or a directive, with its backslash continuations.
        int first = i;
        StringBuilder logical = new StringBuilder(line);
        while (endsWithBackslash(lines.get(i)) && i + 1 < lines.size()) {
          logical.setLength(logical.length() - 1);
          logical.append(lines.get(++i));
        }
        for (int k = first; k <= i; k++) {
          out.add(new Line(name, k + 1, ""));
        }
        if (trimmed.startsWith("%") && active) {
          cDefine(
              logical.toString().strip(),
              new SourcePos(name, first + 1, line.length() - trimmed.length() + 1));
        } else if (trimmed.startsWith("#")) {
          int column = line.length() - trimmed.length() + 1;
          String text = stripComments(logical.toString(), new CommentState(), name, first + 1);
          directive(
              text.stripLeading().substring(1),
              new SourcePos(name, first + 1, column),
              path,
              conditionals);
        }
        continue;
      }
      String text = stripComments(line, comment, name, i + 1);
      if (!active && firstSkippedBy == null && !text.isBlank()) {
        // The outermost branch not taken is the one to name.
        Iterator<Conditional> outermostFirst = conditionals.descendingIterator();
        Conditional c = outermostFirst.next();
        while (c.active) {
          c = outermostFirst.next();
        }
        firstSkippedBy = c.describe();
      }
      if (endsWithBackslash(text)) {
        text = text.substring(0, text.length() - 1);
      }
      out.add(new Line(name, i + 1, active ? expand(text) : ""));
    }
    if (comment.start != null) {
      diagnostics.error(comment.start, "unterminated comment");
    }
    for (Conditional c : conditionals) {
      diagnostics.error(c.pos, "unterminated #" + c.directive);
    }
    return true;
  }

  private void cDefine(String text, SourcePos pos) {
    Matcher m = C_DEFINE.matcher(text);
    if (m.matches() && m.group(2) != null) {
      String value = stripComments(m.group(2), new CommentState(), pos.file(), pos.line());
      if (!value.isBlank()) {
        cDefines.add(new CDefine(pos, m.group(1), value.strip()));
      }
    }
  }

  private void directive(String text, SourcePos pos, Path file, Deque<Conditional> stack) {
    boolean active = stack.isEmpty() || stack.peek().active;
    String rest = text.stripLeading();
    int end = 0;
    while (end < rest.length() && Character.isLetter(rest.charAt(end))) {
      end++;
    }
    String name = rest.substring(0, end);
    String argument = rest.substring(end).strip();
    switch (name) {
      case "ifdef", "ifndef" -> {
        String macro = macroName(argument, name, pos, active);
        boolean defined = macro != null && macros.containsKey(macro);
        stack.push(new Conditional(pos, name, argument, active, defined == name.equals("ifdef")));
      }
      case "if" ->
          stack.push(
              new Conditional(pos, name, argument, active, active && evaluate(argument, pos)));
      case "elif" -> {
        Conditional c = branch(stack, name, pos);
        if (c != null) {
          boolean condition = !c.taken && c.outerActive && evaluate(argument, pos);
          c.active = condition;
          c.taken |= condition;
        }
      }
      case "else" -> {
        Conditional c = branch(stack, name, pos);
        if (c != null) {
          c.active = c.outerActive && !c.taken;
          c.taken = true;
          c.sawElse = true;
        }
      }
      case "endif" -> {
        if (stack.isEmpty()) {
          diagnostics.error(pos, "#endif without #if");
        } else {
          stack.pop();
        }
      }
      default -> {
        if (active) {
          activeDirective(name, argument, pos, file);
        }
      }
    }
  }

  private void activeDirective(String name, String argument, SourcePos pos, Path file) {
    switch (name) {
      case "define" -> define(argument, pos);
      case "undef" -> {
        String macro = macroName(argument, name, pos, true);
        macros.remove(macro);
        functionMacros.remove(macro);
      }
      case "include" -> includeDirective(argument, pos, file);
      case "error" -> diagnostics.error(pos, "#error " + argument);
      case "warning" -> diagnostics.warning(pos, "#warning " + argument);
      // A null directive, cpp's line markers, and directives that change nothing for Java.
      case "", "line", "pragma", "ident", "sccs" -> {}
      default -> {
        if (!Character.isDigit(name.isEmpty() ? 'x' : name.charAt(0))) {
          diagnostics.error(pos, "unknown directive '#" + name + "'");
        }
      }
    }
  }

  private Conditional branch(Deque<Conditional> stack, String name, SourcePos pos) {
    if (stack.isEmpty()) {
      diagnostics.error(pos, "#" + name + " without #if");
      return null;
    }
    Conditional c = stack.peek();
    if (c.sawElse) {
      diagnostics.error(pos, "#" + name + " after #else");
      return null;
    }
    return c;
  }

  private String macroName(String argument, String directive, SourcePos pos, boolean report) {
    int end = identifierEnd(argument, 0);
    if (end == 0) {
      if (report) {
        diagnostics.error(pos, "#" + directive + " needs a macro name");
      }
      return null;
    }
    return argument.substring(0, end);
  }

  private void define(String argument, SourcePos pos) {
    String name = macroName(argument, "define", pos, true);
    if (name == null) {
      return;
    }
    String body = argument.substring(name.length());
    functionMacros.remove(name);
    if (body.startsWith("(")) {
      // Function-like macros are known to #ifdef; .x definitions do not call them.
      functionMacros.add(name);
      macros.put(name, "");
    } else {
      macros.put(name, body.strip());
    }
  }

  private void includeDirective(String argument, SourcePos pos, Path file) {
    if (argument.length() < 2
        || !((argument.startsWith("\"") && argument.indexOf('"', 1) > 0)
            || (argument.startsWith("<") && argument.indexOf('>') > 0))) {
      diagnostics.error(pos, "#include expects \"FILE\" or <FILE>");
      return;
    }
    boolean quoted = argument.charAt(0) == '"';
    String target = argument.substring(1, argument.indexOf(quoted ? '"' : '>', 1));
    Path found = null;
    List<Path> candidates = new ArrayList<>();
    if (quoted) {
      Path dir = file.getParent();
      candidates.add(dir == null ? Path.of(target) : dir.resolve(target));
    }
    for (Path dir : options.includeDirs()) {
      candidates.add(dir.resolve(target));
    }
    for (Path candidate : candidates) {
      if (Files.isRegularFile(candidate)) {
        found = candidate;
        break;
      }
    }
    if (found == null) {
      diagnostics.error(pos, "cannot find include file '" + target + "'");
    } else if (depth >= MAX_INCLUDE_DEPTH) {
      diagnostics.error(pos, "#include nested too deeply (more than " + MAX_INCLUDE_DEPTH + ")");
    } else {
      depth++;
      include(found.normalize(), pos);
      depth--;
    }
  }

  /** Evaluates an {@code #if} expression; an invalid one is an error and false. */
  private boolean evaluate(String expression, SourcePos pos) {
    try {
      return new IfExpression(expression, this::macroValue, false).evaluate() != 0;
    } catch (IllegalArgumentException e) {
      diagnostics.error(pos, "invalid #if expression: " + e.getMessage());
      return false;
    }
  }

  /** What a macro stands for in an {@code #if}: null if undefined. */
  private String macroValue(String name) {
    return functionMacros.contains(name) ? "0" : macros.get(name);
  }

  /** Replaces object-like macros in {@code text}, outside string literals. */
  private String expand(String text) {
    if (macros.isEmpty() || text.isBlank()) {
      return text;
    }
    return expand(text, new HashSet<>());
  }

  private String expand(String text, Set<String> expanding) {
    StringBuilder result = null;
    int copied = 0;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '"') {
        i = stringEnd(text, i);
        continue;
      }
      int end = identifierEnd(text, i);
      if (end == i) {
        i += Character.isDigit(c) ? Math.max(1, wordEnd(text, i) - i) : 1;
        continue;
      }
      String word = text.substring(i, end);
      String body = functionMacros.contains(word) ? null : macros.get(word);
      if (body != null && !expanding.contains(word)) {
        expanding.add(word);
        String replacement = expand(body, expanding);
        expanding.remove(word);
        if (result == null) {
          result = new StringBuilder(text.length());
        }
        result.append(text, copied, i).append(replacement);
        // Pad a shorter replacement so that later columns stay where they were.
        result.append(" ".repeat(Math.max(0, word.length() - replacement.length())));
        copied = end;
      }
      i = end;
    }
    return result == null ? text : result.append(text, copied, text.length()).toString();
  }

  /**
   * Replaces comments with spaces (so columns stay), keeping track of a comment that goes on past
   * the end of the line.
   */
  private static String stripComments(String line, CommentState state, String file, int number) {
    if (state.start == null && line.indexOf('/') < 0) {
      return line;
    }
    char[] chars = line.toCharArray();
    int i = 0;
    while (i < chars.length) {
      if (state.start != null) {
        if (chars[i] == '*' && i + 1 < chars.length && chars[i + 1] == '/') {
          chars[i] = ' ';
          chars[i + 1] = ' ';
          state.start = null;
          i += 2;
        } else {
          chars[i++] = ' ';
        }
      } else if (chars[i] == '"') {
        i = stringEnd(line, i);
      } else if (chars[i] == '/' && i + 1 < chars.length && chars[i + 1] == '*') {
        state.start = new SourcePos(file, number, i + 1);
        chars[i] = ' ';
        chars[i + 1] = ' ';
        i += 2;
      } else if (chars[i] == '/' && i + 1 < chars.length && chars[i + 1] == '/') {
        for (int k = i; k < chars.length; k++) {
          chars[k] = ' ';
        }
        break;
      } else {
        i++;
      }
    }
    return new String(chars);
  }

  /** The index after the string literal that starts at {@code start}, or the line's end. */
  private static int stringEnd(String text, int start) {
    int i = start + 1;
    while (i < text.length() && text.charAt(i) != '"') {
      i += text.charAt(i) == '\\' ? 2 : 1;
    }
    return Math.min(i + 1, text.length());
  }

  static int identifierEnd(String text, int start) {
    int i = start;
    if (i < text.length() && (Character.isLetter(text.charAt(i)) || text.charAt(i) == '_')) {
      i++;
      while (i < text.length()
          && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
        i++;
      }
    }
    return i;
  }

  private static int wordEnd(String text, int start) {
    int i = start;
    while (i < text.length()
        && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
      i++;
    }
    return i;
  }

  private static boolean endsWithBackslash(String line) {
    return !line.isEmpty() && line.charAt(line.length() - 1) == '\\';
  }

  /** UTF-8, with anything else shown as U+FFFD rather than refused (comments may be Latin-1). */
  private static String decode(byte[] bytes) throws IOException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    return decoder.decode(ByteBuffer.wrap(bytes)).toString();
  }

  private static List<String> splitLines(String text) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        lines.add(text.substring(start, i));
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    if (start < text.length()) {
      lines.add(text.substring(start));
    }
    return lines;
  }

  private static String reason(Exception e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    } else if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}

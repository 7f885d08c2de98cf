package io.jrpcgen.compiler.parse;

import io.jrpcgen.compiler.ast.Definition;
import io.jrpcgen.compiler.ast.Expr;
import io.jrpcgen.compiler.ast.Specification;
import io.jrpcgen.compiler.diag.Diagnostics;
import io.jrpcgen.compiler.diag.SourcePos;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.LexerNoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Reads a {@code .x} file into a {@link Specification}: preprocessing, then the ANTLR grammar, then
 * the syntax tree. Every problem becomes a diagnostic with its {@code file:line:col}.
 */
public final class XdrParser {
  /**
   * After a syntax error, this many tokens must go by before another is reported, as in yacc:
   * errors closer than that are echoes of the first one's recovery.
   */
  private static final int TOKENS_BETWEEN_ERRORS = 3;

  /** Past this many, listing the expected tokens does not help the reader. */
  private static final int MAX_EXPECTED_SHOWN = 5;

  private XdrParser() {}

  /** Parses {@code file}; the specification is null if the file or what it includes has errors. */
  public static ParseResult parse(Path file, ParseOptions options, Diagnostics diagnostics) {
    int before = diagnostics.errorCount();
    Preprocessor.Result pre = Preprocessor.run(file, options, diagnostics);
    if (pre.lines() == null) {
      return new ParseResult(null, pre.sourceLines());
    }
    List<Preprocessor.Line> lines = pre.lines();
    StringBuilder text = new StringBuilder();
    for (Preprocessor.Line line : lines) {
      text.append(line.text()).append('\n');
    }
    PositionMap positions = new PositionMap(lines, file.toString());
    SyntaxErrors errors = new SyntaxErrors(positions, diagnostics);
    XdrSyntaxLexer lexer = new XdrSyntaxLexer(CharStreams.fromString(text.toString()));
    lexer.removeErrorListeners();
    lexer.addErrorListener(errors);
    XdrSyntaxParser parser = new XdrSyntaxParser(new CommonTokenStream(lexer));
    parser.removeErrorListeners();
    parser.addErrorListener(errors);
    XdrSyntaxParser.SpecificationContext tree = parser.specification();
    if (diagnostics.errorCount() > before) {
      return new ParseResult(null, pre.sourceLines());
    }
    Specification spec =
        new AstBuilder(positions, diagnostics).specification(tree, cDefines(pre.cDefines()));
    if (spec.definitions().isEmpty()) {
      diagnostics.warning(
          new SourcePos(file.toString(), 1, 1),
          "no definitions in "
              + file.getFileName()
              + (pre.firstSkippedBy() == null
                  ? ""
                  : "; are they inside " + pre.firstSkippedBy() + "?"));
    }
    return new ParseResult(diagnostics.errorCount() > before ? null : spec, pre.sourceLines());
  }

  /** The {@code %#define} lines whose values are integer expressions, evaluated. */
  private static List<Definition.Const> cDefines(List<Preprocessor.CDefine> defines) {
    Map<String, String> values = new HashMap<>();
    for (Preprocessor.CDefine d : defines) {
      values.put(d.name(), d.value());
    }
    List<Definition.Const> constants = new ArrayList<>();
    for (Preprocessor.CDefine d : defines) {
      try {
        long v = new IfExpression(d.value(), values::get, true).evaluate();
        constants.add(
            new Definition.Const(
                d.pos(), d.name(), new Expr.Number(d.pos(), BigInteger.valueOf(v), d.value())));
      } catch (IllegalArgumentException e) {
        // Not an integer (a string, a cast, a macro of C code): nothing .x could use.
      }
    }
    return constants;
  }

  /** Maps a line of the preprocessed text back to its file and line. */
  static final class PositionMap {
    private final List<Preprocessor.Line> lines;
    private final String file;

    PositionMap(List<Preprocessor.Line> lines, String file) {
      this.lines = lines;
      this.file = file;
    }

    SourcePos at(int line, int charPositionInLine) {
      if (line < 1 || line > lines.size()) {
        // The end of the input: just past the last line of the file.
        Preprocessor.Line last = lines.isEmpty() ? null : lines.get(lines.size() - 1);
        return last == null
            ? new SourcePos(file, 1, 1)
            : new SourcePos(last.file(), last.number(), last.text().length() + 1);
      }
      Preprocessor.Line l = lines.get(line - 1);
      return new SourcePos(l.file(), l.number(), charPositionInLine + 1);
    }

    /** The file parsed, as diagnostics name it. */
    String file() {
      return file;
    }

    SourcePos at(Token token) {
      return at(token.getLine(), token.getCharPositionInLine());
    }
  }

  /** Turns ANTLR's reports into {@code syntax error: unexpected 'x', expecting ...}. */
  private static final class SyntaxErrors extends BaseErrorListener {
    private final PositionMap positions;
    private final Diagnostics diagnostics;
    private int lastErrorToken = -TOKENS_BETWEEN_ERRORS - 1;

    SyntaxErrors(PositionMap positions, Diagnostics diagnostics) {
      this.positions = positions;
      this.diagnostics = diagnostics;
    }

    @Override
    public void syntaxError(
        Recognizer<?, ?> recognizer,
        Object offendingSymbol,
        int line,
        int charPositionInLine,
        String msg,
        RecognitionException e) {
      SourcePos pos = positions.at(line, charPositionInLine);
      if (e instanceof LexerNoViableAltException lexerError) {
        int c =
            lexerError
                .getInputStream()
                .getText(
                    org.antlr.v4.runtime.misc.Interval.of(
                        lexerError.getStartIndex(), lexerError.getStartIndex()))
                .codePointAt(0);
        diagnostics.error(pos, "unexpected character " + describeChar(c));
        return;
      }
      if (!(offendingSymbol instanceof Token token) || !(recognizer instanceof Parser parser)) {
        diagnostics.error(pos, "syntax error");
        return;
      }
      if (token.getTokenIndex() - lastErrorToken <= TOKENS_BETWEEN_ERRORS) {
        return;
      }
      lastErrorToken = token.getTokenIndex();
      if (token.getType() == Token.EOF) {
        pos = positions.at(Integer.MAX_VALUE, 0);
      }
      IntervalSet expected =
          e != null && e.getExpectedTokens() != null
              ? e.getExpectedTokens()
              : parser.getExpectedTokens();
      diagnostics.error(
          pos, "syntax error: unexpected " + describe(token) + expecting(expected, parser));
    }

    private static String describe(Token token) {
      return token.getType() == Token.EOF ? "end of file" : "'" + token.getText() + "'";
    }

    private static String expecting(IntervalSet expected, Parser parser) {
      List<Integer> types = expected.toList();
      if (types.isEmpty() || types.size() > MAX_EXPECTED_SHOWN) {
        return "";
      }
      StringJoiner names = new StringJoiner(", ");
      for (int i = 0; i < types.size(); i++) {
        String name = tokenName(types.get(i), parser);
        if (i > 0 && i == types.size() - 1) {
          return ", expecting " + names + " or " + name;
        }
        names.add(name);
      }
      return ", expecting " + names;
    }

    private static String tokenName(int type, Parser parser) {
      return switch (type) {
        case Token.EOF -> "end of file";
        case XdrSyntaxLexer.IDENTIFIER -> "identifier";
        case XdrSyntaxLexer.NUMBER -> "number";
        case XdrSyntaxLexer.STRING -> "string literal";
        default -> {
          String literal = parser.getVocabulary().getLiteralName(type);
          yield literal != null ? literal : parser.getVocabulary().getDisplayName(type);
        }
      };
    }

    private static String describeChar(int c) {
      return c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : String.format("U+%04X", c);
    }
  }
}

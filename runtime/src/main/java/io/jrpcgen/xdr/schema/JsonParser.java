package io.jrpcgen.xdr.schema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A strict RFC 8259 parser: one value, no trailing commas, no comments, no duplicate keys. */
final class JsonParser {
  private final String text;
  private int pos;
  private int depth;

  JsonParser(String text) {
    this.text = text;
  }

  Json parseDocument() {
    skipSpace();
    Json value = value();
    skipSpace();
    if (pos < text.length()) {
      throw error("unexpected '" + text.charAt(pos) + "' after the value");
    }
    return value;
  }

  private Json value() {
    if (pos >= text.length()) {
      throw error("unexpected end of the text");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return new Json.Str(string());
      case 't':
        return literal("true", new Json.Bool(true));
      case 'f':
        return literal("false", new Json.Bool(false));
      case 'n':
        return literal("null", Json.NULL);
      default:
        if (c == '-' || c >= '0' && c <= '9') {
          return number();
        }
        throw error("unexpected '" + c + "'");
    }
  }

  private Json literal(String word, Json value) {
    if (!text.startsWith(word, pos)) {
      throw error("expected '" + word + "'");
    }
    pos += word.length();
    return value;
  }

  private Json object() {
    enter();
    pos++;
    Map<String, Json> members = new LinkedHashMap<>();
    skipSpace();
    if (peek() == '}') {
      pos++;
      depth--;
      return new Json.Obj(members);
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw error("expected a member name in quotes");
      }
      int at = pos;
      String key = string();
      skipSpace();
      expect(':');
      skipSpace();
      if (members.put(key, value()) != null) {
        throw new JsonException("duplicate member \"" + key + "\" at offset " + at);
      }
      skipSpace();
      if (peek() == ',') {
        pos++;
      } else {
        expect('}');
        depth--;
        return new Json.Obj(members);
      }
    }
  }

  private Json array() {
    enter();
    pos++;
    List<Json> items = new ArrayList<>();
    skipSpace();
    if (peek() == ']') {
      pos++;
      depth--;
      return new Json.Array(items);
    }
    while (true) {
      skipSpace();
      items.add(value());
      skipSpace();
      if (peek() == ',') {
        pos++;
      } else {
        expect(']');
        depth--;
        return new Json.Array(items);
      }
    }
  }

  private void enter() {
    if (++depth > Json.MAX_DEPTH) {
      throw error("nested deeper than " + Json.MAX_DEPTH + " levels");
    }
  }

  private String string() {
    pos++;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      } else if (c < 0x20) {
        pos--;
        throw error("control character U+" + String.format("%04X", (int) c) + " in a string");
      } else if (c != '\\') {
        out.append(c);
      } else {
        escape(out);
      }
    }
  }

  private void escape(StringBuilder out) {
    if (pos >= text.length()) {
      throw error("unterminated string");
    }
    char e = text.charAt(pos++);
    switch (e) {
      case '"', '\\', '/' -> out.append(e);
      case 'b' -> out.append('\b');
      case 'f' -> out.append('\f');
      case 'n' -> out.append('\n');
      case 'r' -> out.append('\r');
      case 't' -> out.append('\t');
      case 'u' -> {
        if (pos + 4 > text.length()) {
          throw error("short \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
          int d = Character.digit(text.charAt(pos + i), 16);
          if (d < 0) {
            throw error("bad \\u escape");
          }
          v = v << 4 | d;
        }
        pos += 4;
        out.append((char) v);
      }
      default -> {
        pos--;
        throw error("bad escape '\\" + e + "'");
      }
    }
  }

  private Json number() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (!digits()) {
      throw error("expected a digit");
    }
    if (peek() == '.') {
      pos++;
      if (!digits()) {
        throw error("expected a digit after '.'");
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!digits()) {
        throw error("expected a digit in the exponent");
      }
    }
    return new Json.Number(text.substring(start, pos));
  }

  private boolean digits() {
    int start = pos;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    return pos > start;
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error(
          pos < text.length()
              ? "expected '" + c + "', not '" + text.charAt(pos) + "'"
              : "expected '" + c + "' before the end of the text");
    }
    pos++;
  }

  private void skipSpace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private JsonException error(String what) {
    return new JsonException("JSON: " + what + " at offset " + pos);
  }
}

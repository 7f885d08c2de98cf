package io.jrpcgen.xdr.schema;

import java.util.Iterator;
import java.util.Map;

/** Writes {@link Json} values as text. */
final class JsonWriter {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonWriter() {}

  /** Writes {@code value}; {@code indent} spaces per level, or compact when negative. */
  static void write(Json value, StringBuilder out, int indent, int level) {
    if (value instanceof Json.Null) {
      out.append("null");
    } else if (value instanceof Json.Bool b) {
      out.append(b.value());
    } else if (value instanceof Json.Number n) {
      out.append(n.text());
    } else if (value instanceof Json.Str s) {
      string(s.value(), out);
    } else if (value instanceof Json.Array a) {
      out.append('[');
      for (int i = 0; i < a.items().size(); i++) {
        out.append(i > 0 ? "," : "");
        newline(out, indent, level + 1);
        write(a.items().get(i), out, indent, level + 1);
      }
      close(out, indent, level, !a.items().isEmpty(), ']');
    } else {
      Map<String, Json> members = ((Json.Obj) value).members();
      out.append('{');
      Iterator<Map.Entry<String, Json>> it = members.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<String, Json> m = it.next();
        newline(out, indent, level + 1);
        string(m.getKey(), out);
        out.append(indent < 0 ? ":" : ": ");
        write(m.getValue(), out, indent, level + 1);
        out.append(it.hasNext() ? "," : "");
      }
      close(out, indent, level, !members.isEmpty(), '}');
    }
  }

  private static void close(StringBuilder out, int indent, int level, boolean any, char c) {
    if (any) {
      newline(out, indent, level);
    }
    out.append(c);
  }

  private static void newline(StringBuilder out, int indent, int level) {
    if (indent >= 0) {
      out.append('\n').append(" ".repeat(indent * level));
    }
  }

  /** A JSON string: quotes, backslashes and control characters escaped, nothing else. */
  static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          // Lone surrogates are escaped too: as raw chars they could not be written as UTF-8.
          if (c < 0x20 || Character.isSurrogate(c) && !isPairAt(s, i)) {
            out.append("\\u")
                .append(HEX[c >> 12])
                .append(HEX[c >> 8 & 15])
                .append(HEX[c >> 4 & 15])
                .append(HEX[c & 15]);
          } else if (Character.isHighSurrogate(c)) {
            out.append(c).append(s.charAt(++i));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static boolean isPairAt(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return false;
  }
}

package io.jrpcgen.xdr.schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A JSON value (RFC 8259) with a strict parser and a deterministic writer: just what the XDR JSON
 * form needs, so that the runtime stays free of a JSON library. Numbers keep their text, so no
 * digit is lost to a {@code double}; objects keep their members' order and reject duplicates.
 */
public sealed interface Json {
  /** How deep arrays and objects may nest in parsed text: deeper input is an error. */
  int MAX_DEPTH = 1000;

  /** {@code null}. */
  record Null() implements Json {}

  /** {@code true} or {@code false}. */
  record Bool(boolean value) implements Json {}

  /** A number, as its JSON text ({@code -12}, {@code 1.5E10}). */
  record Number(String text) implements Json {
    public Number {
      Objects.requireNonNull(text, "text");
    }
  }

  /** A string. */
  record Str(String value) implements Json {
    public Str {
      Objects.requireNonNull(value, "value");
    }
  }

  /** An array. */
  record Array(List<Json> items) implements Json {
    public Array {
      items = Collections.unmodifiableList(new ArrayList<>(items));
    }
  }

  /** An object, its members in order. */
  record Obj(Map<String, Json> members) implements Json {
    public Obj {
      members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }
  }

  /** The JSON {@code null}. */
  Json NULL = new Null();

  /**
   * Parses {@code text}: one value, optionally surrounded by white space.
   *
   * @throws JsonException with the offset of what is wrong
   */
  static Json parse(String text) {
    return new JsonParser(text).parseDocument();
  }

  /** Compact text, no white space: the canonical form. */
  static String write(Json value) {
    StringBuilder out = new StringBuilder();
    JsonWriter.write(value, out, -1, 0);
    return out.toString();
  }

  /** Text indented by two spaces per level, one member or item per line. */
  static String writeIndented(Json value) {
    StringBuilder out = new StringBuilder();
    JsonWriter.write(value, out, 2, 0);
    return out.toString();
  }
}

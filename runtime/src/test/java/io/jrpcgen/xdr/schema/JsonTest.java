package io.jrpcgen.xdr.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON parser and writer: RFC 8259 exactly, nothing more. */
class JsonTest {
  @Test
  void parsesEveryKindOfValueWithWhiteSpaceAnywhere() {
    Json v =
        Json.parse(
            " \t\r\n{ \"a\" : [ 1 , -2.5e+3 , 0E-1 ] ,\n\"b\":{ } , \"c\" : [ ] ,"
                + " \"d\" : true , \"e\" : false , \"f\" : null , \"g\" : \"x\" } \n");
    assertThat(v)
        .isEqualTo(
            new Json.Obj(
                Map.of(
                    "a",
                    new Json.Array(
                        List.of(
                            new Json.Number("1"),
                            new Json.Number("-2.5e+3"),
                            new Json.Number("0E-1"))),
                    "b",
                    new Json.Obj(Map.of()),
                    "c",
                    new Json.Array(List.of()),
                    "d",
                    new Json.Bool(true),
                    "e",
                    new Json.Bool(false),
                    "f",
                    Json.NULL,
                    "g",
                    new Json.Str("x"))));
    assertThat(Json.write(v))
        .isEqualTo(
            "{\"a\":[1,-2.5e+3,0E-1],\"b\":{},\"c\":[],\"d\":true,"
                + "\"e\":false,\"f\":null,\"g\":\"x\"}");
    assertThat(Json.parse("[[1],{\"k\":[]}]"))
        .isEqualTo(
            new Json.Array(
                List.of(
                    new Json.Array(List.of(new Json.Number("1"))),
                    new Json.Obj(Map.of("k", new Json.Array(List.of()))))));
  }

  @Test
  void stringsUnescapeAndEscapeExactly() {
    Json s = Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9\\uD83D\\uDE00 \\udce9\"");
    assertThat(s).isEqualTo(new Json.Str("q\" b\\ s/ \b\f\n\r\t \u00e9\uD83D\uDE00 \udce9"));
    // A pair stays as it is, a lone surrogate and control characters are escaped.
    assertThat(Json.write(s))
        .isEqualTo("\"q\\\" b\\\\ s/ \\u0008\\u000c\\n\\r\\t \u00e9\uD83D\uDE00 \\udce9\"");
    assertThat(Json.write(new Json.Str("\uDE00\uD83D\u001f\u007f")))
        .isEqualTo("\"\\ude00\\ud83d\\u001f\u007f\"");
    assertThat(Json.write(new Json.Str("\uD83D"))).isEqualTo("\"\\ud83d\"");
  }

  @Test
  void indentedTextHasTwoSpacesPerLevel() {
    assertThat(Json.writeIndented(Json.parse("{\"a\":[1,{\"b\":null}],\"c\":{},\"d\":[]}")))
        .isEqualTo(
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n"
                + "  \"c\": {},\n  \"d\": []\n}");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "{",
        "[1,]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "[1 2]",
        "01",
        "-",
        "1.",
        "1e",
        "1e+",
        ".5",
        "+1",
        "tru",
        "nul",
        "\"abc",
        "\"\\x\"",
        "\"\\u12\"",
        "\"\\u12g4\"",
        "\"a\nb\"",
        "1 2",
        "[",
        "{\"a\":",
        "\"\\",
        "\"\\u"
      })
  void refusesWhatIsNotJson(String text) {
    assertThatThrownBy(() -> Json.parse(text))
        .isInstanceOf(JsonException.class)
        .hasMessageStartingWith("JSON: ")
        .hasMessageContaining(" at offset ");
  }

  @Test
  void errorsSayWhatAndWhere() {
    assertThat(message("[1 2]")).isEqualTo("JSON: expected ']', not '2' at offset 3");
    assertThat(message("[1"))
        .isEqualTo("JSON: expected ']' before the end of the text at" + " offset 2");
    assertThat(message("{\"a\":1} x"))
        .isEqualTo("JSON: unexpected 'x' after the value at" + " offset 8");
    assertThat(message("\"a\u0001\""))
        .isEqualTo("JSON: control character U+0001 in a string" + " at offset 2");
    assertThat(message("\"\\q\"")).isEqualTo("JSON: bad escape '\\q' at offset 2");
    assertThat(message("-a")).isEqualTo("JSON: expected a digit at offset 1");
    assertThat(message("?")).isEqualTo("JSON: unexpected '?' at offset 0");
    assertThat(message("[".repeat(1000) + "]".repeat(1000))).isNull();
    assertThat(message("[".repeat(1001)))
        .isEqualTo("JSON: nested deeper than 1000 levels at" + " offset 1000");
    assertThat(message("{\"a\":".repeat(1001)))
        .isEqualTo("JSON: nested deeper than 1000" + " levels at offset " + 5 * 1000);
  }

  private static String message(String text) {
    try {
      Json.parse(text);
      return null;
    } catch (JsonException e) {
      return e.getMessage();
    }
  }
}

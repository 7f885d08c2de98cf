package io.jrpcgen.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.xdr.Opaque;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Unions and opaques in your code": its {@code reply.x} compiled, and its Java 17 and
 * Java 21 classes compiled against the result and run, exactly as the README writes them.
 */
class ReadmeUnionSnippetsTest {
  private static final Pattern SNIPPET =
      Pattern.compile("(?s)<!-- readme-union: ([^>]+?) -->\n```\\w*\n(.*?)```");

  @TempDir Path dir;

  private static Map<String, String> snippets() throws IOException {
    Map<String, String> snippets = new LinkedHashMap<>();
    Matcher m = SNIPPET.matcher(Files.readString(Path.of("..", "README.md")));
    while (m.find()) {
      snippets.put(m.group(1), m.group(2));
    }
    assertThat(snippets).containsOnlyKeys("reply.x", "Java 17", "Java 21");
    return snippets;
  }

  /** The README's class compiled with the classes of its reply.x, loaded. */
  private Class<?> compile(String snippet, String className, int release) throws IOException {
    Map<String, String> snippets = snippets();
    Path x = Files.writeString(dir.resolve("reply.x"), snippets.get("reply.x"));
    CompileResult generated =
        Compiler.generate(
            CompilerOptions.builder().source(x).packageName("com.example.reply").build());
    assertThat(generated.diagnostics()).isEmpty();
    Map<Path, String> sources = new HashMap<>(generated.files());
    sources.put(Path.of("com/example/" + className + ".java"), snippets.get(snippet));
    Path classes = dir.resolve("classes" + release);
    assertThat(InProcessJavac.compile(sources, classes, release)).isEmpty();
    try {
      return new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())
          .loadClass("com.example." + className);
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  /** {@code describe} of the class on each arm of reply. */
  private static void describesEveryArm(Class<?> replies) throws Exception {
    ClassLoader loader = replies.getClassLoader();
    Class<?> reply = loader.loadClass("com.example.reply.Reply");
    Method describe = replies.getMethod("describe", reply);
    assertThat(describe.invoke(null, construct(loader, "Case0", "done"))).isEqualTo("ok: done");
    assertThat(describe.invoke(null, construct(loader, "Case1", 7)))
        .isEqualTo("failed with code 7");
    assertThat(describe.invoke(null, construct(loader, "Default", 3))).isEqualTo("status 3");
  }

  private static Object construct(ClassLoader loader, String arm, Object value) throws Exception {
    return loader
        .loadClass("com.example.reply.Reply$" + arm)
        .getConstructors()[0]
        .newInstance(value);
  }

  @Test
  void theJava17ClassCompilesAndReadsEveryArm() throws Exception {
    Class<?> replies = compile("Java 17", "Replies17", 17);

    describesEveryArm(replies);
    assertThat(replies.getMethod("handle").invoke(null)).isEqualTo(Opaque.fromHex("010203"));
  }

  @Test
  void theJava21SwitchCompilesAndReadsEveryArm() throws Exception {
    Assumptions.assumeTrue(
        Runtime.version().feature() >= 21,
        "SKIPPED: the README's Java 21 switch needs a JDK 21 or later to compile; this is "
            + Runtime.version());

    describesEveryArm(compile("Java 21", "Replies21", 21));
  }
}

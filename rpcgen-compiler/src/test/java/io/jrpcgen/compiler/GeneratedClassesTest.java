package io.jrpcgen.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.compiler.diag.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code #include} of a {@code .x} file that another build generated (its {@code FILE.x.classes}
 * beside it) uses that build's classes: only the including file's own types, typedefs and programs
 * are generated.
 */
class GeneratedClassesTest {
  private static final String SHAPES =
      """
      const MAX_NAME = 16;
      enum color { RED = 1, GREEN = 2 };
      typedef int sides_t;
      struct shape {
        string name<MAX_NAME>;
        sides_t sides;
        color fill;
      };
      program SHAPE_PROG {
        version SHAPE_VERS {
          shape GET(int) = 1;
        } = 1;
      } = 0x20000100;
      """;

  private static final String DRAWING =
      """
      #include "shapes.x"
      struct drawing {
        string title<MAX_NAME>;
        shape shapes<4>;
        color background;
        sides_t corners;
      };
      program DRAWING_PROG {
        version DRAWING_VERS {
          drawing DRAW(shape) = 1;
        } = 1;
      } = 0x20000101;
      """;

  @TempDir Path dir;

  /** The producer's build: shapes.x compiled into com.example.shapes, its classes file beside. */
  private CompileResult produce(Path lib) throws IOException {
    Path shapes = Files.writeString(Files.createDirectories(lib).resolve("shapes.x"), SHAPES);
    CompileResult produced =
        Compiler.compile(
            CompilerOptions.builder()
                .source(shapes)
                .packageName("com.example.shapes")
                .outputDir(dir.resolve("producer"))
                .build());
    assertThat(produced.success()).as("%s", produced.diagnostics()).isTrue();
    Files.writeString(
        GeneratedClasses.fileFor(shapes), produced.classes().get(shapes).text("shapes.x"));
    return produced;
  }

  @Test
  void theProducerRecordsTheClassOfEachStructUnionAndEnum() throws IOException {
    Path lib = dir.resolve("lib");
    CompileResult produced = produce(lib);

    assertThat(produced.classes().get(lib.resolve("shapes.x")).types())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("shape", "com.example.shapes.Shape", "color", "com.example.shapes.Color"));
    assertThat(GeneratedClasses.read(lib.resolve("shapes.x.classes")).types())
        .isEqualTo(produced.classes().get(lib.resolve("shapes.x")).types());
  }

  @Test
  void anIncludeOfAGeneratedFileUsesItsClassesAndGeneratesOnlyTheIncludingFilesOwn()
      throws IOException {
    Path lib = dir.resolve("lib");
    CompileResult produced = produce(lib);
    Path drawing = Files.writeString(dir.resolve("drawing.x"), DRAWING);

    CompileResult consumed =
        Compiler.generate(
            CompilerOptions.builder()
                .source(drawing)
                .packageName("com.example.drawing")
                .includeDir(lib)
                .generatedClasses(lib.resolve("shapes.x.classes"))
                .build());

    assertThat(consumed.success()).as("%s", consumed.diagnostics()).isTrue();
    assertThat(consumed.files().keySet())
        .map(p -> p.getFileName().toString())
        .contains("Drawing.java", "DrawingProg.java")
        .doesNotContain("Shape.java", "Color.java", "ShapeProg.java", "DrawingTypedefs.java");
    String drawingRecord = consumed.files().get(Path.of("com/example/drawing/Drawing.java"));
    assertThat(drawingRecord).contains("com.example.shapes.Shape", "com.example.shapes.Color");
    // The consumer's own classes compile against the producer's, with nothing of shapes.x twice.
    Map<Path, String> both = new HashMap<>(produced.files());
    both.putAll(consumed.files());
    assertThat(InProcessJavac.compile(both, dir.resolve("classes"))).isEmpty();
  }

  @Test
  void withoutTheClassesFileTheIncludedTypesAreGeneratedAgain() throws IOException {
    Path lib = dir.resolve("lib");
    produce(lib);
    Path drawing = Files.writeString(dir.resolve("drawing.x"), DRAWING);

    CompileResult consumed =
        Compiler.generate(
            CompilerOptions.builder()
                .source(drawing)
                .packageName("com.example.drawing")
                .includeDir(lib)
                .build());

    assertThat(consumed.files().keySet())
        .map(p -> p.getFileName().toString())
        .contains("Shape.java", "Color.java", "ShapeProg.java");
  }

  @Test
  void aMalformedClassesFileIsAnErrorThatNamesItsLine() throws IOException {
    Path lib = Files.createDirectories(dir.resolve("lib"));
    Files.writeString(lib.resolve("shapes.x"), SHAPES);
    Path classes = Files.writeString(lib.resolve("shapes.x.classes"), "# ok\nshape=Shape\n");
    Path drawing = Files.writeString(dir.resolve("drawing.x"), DRAWING);

    CompileResult consumed =
        Compiler.generate(
            CompilerOptions.builder()
                .source(drawing)
                .includeDir(lib)
                .generatedClasses(classes)
                .build());

    assertThat(consumed.success()).isFalse();
    assertThat(consumed.files()).isEmpty();
    assertThat(consumed.diagnostics())
        .map(Diagnostic::message)
        .anySatisfy(m -> assertThat(m).contains("shapes.x.classes:2", "shape=Shape"));
  }

  @Test
  void aClassesFileIsNamedAfterItsXFile() {
    assertThat(GeneratedClasses.fileFor(Path.of("nfs", "nfs_prot.x")))
        .isEqualTo(Path.of("nfs", "nfs_prot.x.classes"));
    assertThat(GeneratedClasses.xFileOf(Path.of("nfs", "nfs_prot.x.classes")))
        .isEqualTo(Path.of("nfs", "nfs_prot.x"));
    assertThatThrownBy(() -> CompilerOptions.builder().generatedClasses(Path.of("types.txt")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FILE.x.classes");
  }

  @Test
  void theTextIsSortedAndReadsBack() throws IOException {
    GeneratedClasses classes = new GeneratedClasses(Map.of("zeta", "p.Zeta", "alpha", "p.Alpha"));
    Path file = Files.writeString(dir.resolve("a.x.classes"), classes.text("a.x"));

    assertThat(Files.readAllLines(file)).endsWith("alpha=p.Alpha", "zeta=p.Zeta");
    assertThat(GeneratedClasses.read(file)).isEqualTo(classes);
  }
}

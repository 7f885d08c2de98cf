package io.jrpcgen.maven;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rebuilt compiler is a different compiler, whether it comes as a jar or as a directory. */
class CompilerIdentityTest {
  @TempDir Path dir;

  private static final FileTime THEN = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
  private static final FileTime LATER = FileTime.from(Instant.parse("2026-01-02T00:00:00Z"));

  @Test
  void aClassRewrittenDeepInADirectoryOfClassesChangesTheIdentity() throws IOException {
    Path classes = dir.resolve("classes");
    Path emitter = classes.resolve("io/jrpcgen/compiler/codegen/Emitter.class");
    Files.createDirectories(emitter.getParent());
    Files.write(emitter, new byte[] {1, 2, 3});
    Files.setLastModifiedTime(emitter, THEN);
    String before = CompilerIdentity.of(classes);

    // Rewritten in place, same size: neither the directory's time nor its size changes.
    Files.write(emitter, new byte[] {4, 5, 6});
    Files.setLastModifiedTime(emitter, LATER);

    assertThat(CompilerIdentity.of(classes)).isNotEqualTo(before);
  }

  @Test
  void aClassAddedOrRemovedChangesTheIdentityEvenWithAnOlderTime() throws IOException {
    Path classes = dir.resolve("classes");
    Path one = classes.resolve("p/One.class");
    Files.createDirectories(one.getParent());
    Files.write(one, new byte[] {1});
    Files.setLastModifiedTime(one, LATER);
    String before = CompilerIdentity.of(classes);

    Path two = classes.resolve("p/Two.class");
    Files.write(two, new byte[] {2});
    Files.setLastModifiedTime(two, THEN);
    String added = CompilerIdentity.of(classes);
    Files.delete(two);

    assertThat(added).isNotEqualTo(before);
    assertThat(CompilerIdentity.of(classes)).isEqualTo(before);
  }

  @Test
  void aJarIsKnownByItsPathTimeAndSize() throws IOException {
    Path jar = dir.resolve("rpcgen-compiler-1.0.jar");
    Files.write(jar, new byte[] {1, 2, 3});
    Files.setLastModifiedTime(jar, THEN);
    String before = CompilerIdentity.of(jar);
    assertThat(CompilerIdentity.of(jar)).isEqualTo(before);

    Files.write(jar, new byte[] {1, 2, 3, 4});
    Files.setLastModifiedTime(jar, THEN);
    String bigger = CompilerIdentity.of(jar);
    Files.setLastModifiedTime(jar, LATER);

    assertThat(bigger).isNotEqualTo(before);
    assertThat(CompilerIdentity.of(jar)).isNotEqualTo(bigger);
  }

  @Test
  void thePluginKnowsTheCompilerItRuns() {
    assertThat(CompilerIdentity.ofRunningCompiler()).isNotEqualTo("unknown compiler");
  }
}

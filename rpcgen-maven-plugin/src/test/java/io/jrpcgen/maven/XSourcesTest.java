package io.jrpcgen.maven;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sonatype.plexus.build.incremental.DefaultBuildContext;

/** Includes and excludes mean what they mean in every other Maven plugin: Ant's patterns. */
class XSourcesTest {
  @TempDir Path dir;

  @BeforeEach
  void files() throws IOException {
    for (String name :
        List.of(
            "top.x",
            "sub/a.x",
            "sub/deep/b.x",
            "sub/skip/c.x",
            "sub/d.txt",
            "other/e.x",
            ".svn/f.x")) {
      Path file = dir.resolve(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, "const X = 1;\n");
    }
  }

  private List<String> scan(List<String> includes, List<String> excludes) {
    return XSources.scan(new DefaultBuildContext(), dir, includes, excludes).stream()
        .map(p -> dir.relativize(p).toString().replace('\\', '/'))
        .toList();
  }

  @Test
  void doubleStarMatchesZeroOrMoreDirectories() {
    assertThat(scan(List.of("sub/**/*.x"), List.of()))
        .containsExactly("sub/a.x", "sub/deep/b.x", "sub/skip/c.x");
  }

  @Test
  void theDefaultTakesEveryXFileButVersionControlsOwn() {
    assertThat(scan(List.of("**/*.x"), List.of()))
        .containsExactly("other/e.x", "sub/a.x", "sub/deep/b.x", "sub/skip/c.x", "top.x");
  }

  @Test
  void excludesWin() {
    assertThat(scan(List.of("**/*.x"), List.of("**/skip/**", "other/")))
        .containsExactly("sub/a.x", "sub/deep/b.x", "top.x");
  }

  @Test
  void aMissingDirectoryHasNoFiles() {
    assertThat(
            XSources.scan(
                new DefaultBuildContext(), dir.resolve("none"), List.of("**/*.x"), List.of()))
        .isEmpty();
  }
}

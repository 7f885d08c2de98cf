package io.jrpcgen.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .x files of the class path land in one include directory, as the class path orders. */
class DependencyXFilesTest {
  @TempDir Path dir;

  private Path jar(String name, Map<String, String> entries) throws IOException {
    Path jar = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(jar);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, String> e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return jar;
  }

  @Test
  void theClassesFileBesideAnXFileComesAlongAndNothingElse() throws IOException {
    Path jar =
        jar(
            "shapes.jar",
            Map.of(
                "shapes.x", "struct shape { int sides; };\n",
                "shapes.x.classes", "shape=com.example.shapes.Shape\n",
                "notes.classes", "not a classes file of a .x\n"));
    Path target = dir.resolve("include");

    List<String> copied = DependencyXFiles.copy(List.of(jar), target);

    assertThat(copied).containsExactlyInAnyOrder("shapes.x", "shapes.x.classes");
    assertThat(target.resolve("shapes.x.classes")).hasContent("shape=com.example.shapes.Shape");
  }

  @Test
  void jarsAndDirectoriesInClassPathOrderKeepingPaths() throws IOException {
    Path jar =
        jar(
            "nfs.jar",
            Map.of(
                "nfs/nfs_prot.x",
                "const NFS = 1;\n",
                "common.x",
                "const FROM_JAR = 1;\n",
                "com/example/Nfs.class",
                "not x"));
    Path classes = Files.createDirectories(dir.resolve("classes/sub"));
    Files.writeString(classes.resolve("mount.x"), "const MOUNT = 1;\n");
    Files.writeString(dir.resolve("classes/common.x"), "const FROM_DIR = 1;\n");
    Path target = dir.resolve("include");

    List<String> copied =
        DependencyXFiles.copy(
            List.of(jar, dir.resolve("classes"), dir.resolve("missing.jar")), target);

    assertThat(copied).containsExactlyInAnyOrder("nfs/nfs_prot.x", "common.x", "sub/mount.x");
    assertThat(target.resolve("nfs/nfs_prot.x")).hasContent("const NFS = 1;");
    assertThat(target.resolve("sub/mount.x")).hasContent("const MOUNT = 1;");
    assertThat(target.resolve("common.x"))
        .as("the first on the class path wins")
        .hasContent("const FROM_JAR = 1;");
    assertThat(target.resolve("com")).doesNotExist();
  }

  @Test
  void whatIsGoneIsDeletedAndWhatIsUnchangedIsNotRewritten() throws IOException {
    Path first = jar("a.jar", Map.of("a.x", "const A = 1;\n"));
    Path second = jar("b.jar", Map.of("b.x", "const B = 1;\n"));
    Path target = dir.resolve("include");
    DependencyXFiles.copy(List.of(first, second), target);
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(target.resolve("a.x"), old);

    assertThat(DependencyXFiles.copy(List.of(first), target)).containsExactly("a.x");
    assertThat(target.resolve("b.x")).doesNotExist();
    assertThat(Files.getLastModifiedTime(target.resolve("a.x"))).isEqualTo(old);

    assertThat(DependencyXFiles.copy(List.of(), target)).isEmpty();
    assertThat(target.resolve("a.x")).doesNotExist();
  }

  @Test
  void noXFilesAnywhereCreatesNothing() throws IOException {
    Path target = dir.resolve("include");
    assertThat(DependencyXFiles.copy(List.of(jar("c.jar", Map.of("C.class", "c"))), target))
        .isEmpty();
    assertThat(target).doesNotExist();
  }

  @Test
  void aFileLargerThanAnyInterfaceDefinitionIsRefused() throws IOException {
    int max = (int) DependencyXFiles.MAX_FILE_BYTES;
    Path jar = dir.resolve("big.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("edge.x"));
      zip.write(new byte[max]);
      zip.closeEntry();
    }
    assertThat(DependencyXFiles.copy(List.of(jar), dir.resolve("include")))
        .containsExactly("edge.x");
    try (OutputStream out = Files.newOutputStream(jar);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("big.x"));
      zip.write(new byte[max + 1]);
      zip.closeEntry();
    }
    assertThatThrownBy(() -> DependencyXFiles.copy(List.of(jar), dir.resolve("include")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("big.x is larger than " + max);

    // A directory's file: sparse, so that the test writes next to nothing.
    Path classes = Files.createDirectories(dir.resolve("classes"));
    try (RandomAccessFile file = new RandomAccessFile(classes.resolve("edge.x").toFile(), "rw")) {
      file.setLength(max);
    }
    assertThat(DependencyXFiles.copy(List.of(classes), dir.resolve("include2")))
        .containsExactly("edge.x");
    try (RandomAccessFile file = new RandomAccessFile(classes.resolve("big.x").toFile(), "rw")) {
      file.setLength(max + 1L);
    }
    assertThatThrownBy(() -> DependencyXFiles.copy(List.of(classes), dir.resolve("include2")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("big.x is larger than " + max);
  }

  @Test
  void anEntryThatWouldLandOutsideIsRefused() throws IOException {
    Path evil = jar("evil.jar", Map.of("../../evil.x", "const E = 1;\n"));
    // Two levels down, so that even a broken check writes inside the test's own directory.
    assertThatThrownBy(() -> DependencyXFiles.copy(List.of(evil), dir.resolve("a/include")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("../../evil.x");
    assertThat(dir.resolve("evil.x")).doesNotExist();
  }
}

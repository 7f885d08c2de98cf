package io.jrpcgen.compiler.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.compiler.CompileResult;
import io.jrpcgen.compiler.Compiler;
import io.jrpcgen.compiler.CompilerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generated code reads as if written by hand: the .x's names and spellings, compact Javadoc. */
class GeneratedSourceTest {
  private static final String NFS =
      """
      const NFS_MAXNAMLEN = 255;
      const FHSIZE = 32;
      const MAXPATH = 1024;
      typedef string filename<NFS_MAXNAMLEN>;
      struct diropargs {
        opaque dir[FHSIZE];
        filename name;
        string path<MAXPATH>;
        int ids<16>;
      };
      program NFS_PROGRAM {
        version NFS_VERSION {
          diropargs NFSPROC_LOOKUP(diropargs) = 4;
        } = 2;
      } = 100003;
      """;

  @TempDir Path dir;

  private String generate(String source, String type) throws IOException {
    Path file = dir.resolve("nfs_prot.x");
    Files.writeString(file, source);
    CompileResult result =
        Compiler.generate(CompilerOptions.builder().source(file).packageName("t").build());
    assertThat(result.diagnostics()).isEmpty();
    return result.files().get(Path.of("t", type + ".java"));
  }

  @Test
  void boundsReferToTheConstantsTheXFileUsed() throws IOException {
    String java = generate(NFS, "Diropargs");
    assertThat(java)
        .contains("out.writeFixedOpaque(value.dir(), NfsProtConstants.FHSIZE);")
        .contains("out.writeString(value.name(), NfsProtConstants.NFS_MAXNAMLEN);")
        .contains("in.readString(NfsProtConstants.MAXPATH)")
        .contains("in.readVariableArray(16, XdrCodec.INT)")
        .doesNotContain("255")
        .doesNotContain("1024");
    assertThat(generate(NFS, "NfsProtTypedefs"))
        .contains("XdrCodec.string(NfsProtConstants.NFS_MAXNAMLEN)");
  }

  @Test
  void numbersKeepTheirSpellingAndTimeoutsReadAsSeconds() throws IOException {
    String java = generate(NFS, "NfsProgram");
    assertThat(java)
        .contains("public static final int NFS_PROGRAM = 100003;")
        .contains("Duration.ofSeconds(25)")
        .doesNotContain("0x186a3");
    assertThat(generate(NFS.replace("100003", "0x20000001"), "NfsProgram"))
        .contains("public static final int NFS_PROGRAM = 0x20000001;");
    // A decimal past Integer.MAX_VALUE is no int literal in Java: its bit pattern in hex.
    assertThat(generate(NFS.replace("100003", "4294967295"), "NfsProgram"))
        .contains("public static final int NFS_PROGRAM = 0xffffffff;");
  }

  @Test
  void oneSentenceJavadocTakesOneLine() throws IOException {
    String java = generate(NFS, "Diropargs");
    assertThat(java)
        .contains("/** {@code struct diropargs} from nfs_prot.x line 5. */\n")
        .contains("  /** Encodes and decodes this type as XDR. */\n")
        .doesNotContain("/**\n   * Encodes");
  }
}

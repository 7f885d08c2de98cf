package io.jrpcgen.gss;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Test classes that share one throwaway realm and Java server per class. */
abstract class GssRealmTest {
  @TempDir static Path dir;
  static GssFixture realm;

  @BeforeAll
  static void startRealm() throws Exception {
    realm = GssFixture.start(dir);
  }

  @AfterAll
  static void stopRealm() throws Exception {
    GssFixture.closeIfStarted(realm);
    realm = null;
  }
}

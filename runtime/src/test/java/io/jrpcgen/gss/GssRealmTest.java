package io.jrpcgen.gss;

import io.jrpcgen.transport.RpcChannel;
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

  /** Makes a context for alice with the realm's service on {@code channel}. */
  static RpcSecGssClient establish(RpcChannel channel, GssService service) {
    return RpcSecGssClient.establish(
        channel,
        GssSquare.PROGRAM,
        GssSquare.VERSION,
        GssSettings.of(TestKdc.SERVICE, realm.alice, service));
  }
}

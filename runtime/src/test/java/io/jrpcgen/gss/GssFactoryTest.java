package io.jrpcgen.gss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.client.RpcClientFactory;
import io.jrpcgen.portmap.EmbeddedPortmapper;
import io.jrpcgen.portmap.PortmapRegistrar;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.TcpChannel;
import io.jrpcgen.xdr.XdrCodec;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Clients that {@link RpcClientFactory} makes with a GSS setting, and {@link RpcClient}s made with
 * one: they make, use and destroy a context of their own with the realm's Java server, found
 * through an embedded portmapper.
 */
class GssFactoryTest extends GssRealmTest {
  private static final String LOOPBACK = "127.0.0.1";
  private static final Duration CALL = Duration.ofSeconds(10);

  private EmbeddedPortmapper portmapper;
  private RpcServer server;

  @BeforeEach
  void startRegisteredServer() {
    portmapper =
        EmbeddedPortmapper.builder().bindAddress(InetAddress.getLoopbackAddress()).port(0).start();
    try {
      server =
          RpcServer.builder()
              .bindAddress(InetAddress.getLoopbackAddress())
              .security(realm.gss)
              .program(realm.square.definition())
              .port(0)
              .registrar(PortmapRegistrar.at(portmapper.localAddress()))
              .start();
    } catch (RuntimeException | Error e) {
      portmapper.close();
      throw e;
    }
  }

  @AfterEach
  void stopRegisteredServer() {
    try {
      server.close();
    } finally {
      portmapper.close();
    }
  }

  private RpcClientFactory factory() {
    return RpcClientFactory.DEFAULT
        .withPortmapperPort(portmapper.port())
        .withLookupTimeout(CALL)
        .withCallOptions(CallOptions.DEFAULTS.withTimeout(CALL));
  }

  private static GssSettings settings(GssService service) {
    return GssSettings.of(TestKdc.SERVICE, realm.alice, service);
  }

  @ParameterizedTest
  @EnumSource(GssService.class)
  void aFactoryClientCallsWithItsOwnContextAndDestroysItOnClose(GssService service) {
    GssServerStats before = realm.gss.stats();
    int contexts = realm.gss.contextCount();
    try (RpcClient client =
        factory()
            .withGss(settings(service))
            .client(LOOPBACK, GssSquare.PROGRAM, GssSquare.VERSION, "tcp")) {
      // The version check made the context.
      assertThat(realm.gss.stats().contextsEstablished())
          .isEqualTo(before.contextsEstablished() + 1);
      assertThat(client.call(GssSquare.SQUAREPROC, XdrCodec.INT, 7, XdrCodec.INT)).isEqualTo(49);
      assertThat(client.call(GssSquare.WHO, XdrCodec.VOID, null, XdrCodec.string(256)))
          .isEqualTo(TestKdc.CLIENT_PRINCIPAL + " " + service + " " + GssCaller.KERBEROS_V5);
      assertThat(client.options().timeout()).isEqualTo(CALL);
      assertThat(realm.gss.contextCount()).isEqualTo(contexts + 1);
    }
    GssServerStats after = realm.gss.stats();
    assertThat(after.contextsDestroyed()).isEqualTo(before.contextsDestroyed() + 1);
    assertThat(after.contextsEstablished()).isEqualTo(before.contextsEstablished() + 1);
    assertThat(realm.gss.contextCount()).isEqualTo(contexts);
  }

  @Test
  void aFactoryClientOverUdpProtectsItsCalls() {
    GssServerStats before = realm.gss.stats();
    try (RpcClient client =
        factory()
            .withGss(settings(GssService.PRIVACY))
            .client(LOOPBACK, GssSquare.PROGRAM, GssSquare.VERSION, "udp")) {
      assertThat(client.call(GssSquare.SQUAREPROC, XdrCodec.INT, 9, XdrCodec.INT)).isEqualTo(81);
      assertThat(realm.square.lastCaller.get().service()).isEqualTo(GssService.PRIVACY);
    }
    assertThat(realm.gss.stats().contextsDestroyed()).isEqualTo(before.contextsDestroyed() + 1);
  }

  @Test
  void closingACopyDestroysTheContextItShares() {
    long destroyed = realm.gss.stats().contextsDestroyed();
    RpcClient client =
        RpcClient.create(
            RpcChannel.tcp(realm.tcp()),
            GssSquare.PROGRAM,
            GssSquare.VERSION,
            CallOptions.DEFAULTS,
            settings(GssService.INTEGRITY));
    RpcClient copy = client.withTimeout(CALL).withExecutor(Runnable::run);
    assertThat(copy.callAsync(GssSquare.SQUAREPROC, XdrCodec.INT, 3, XdrCodec.INT).join())
        .isEqualTo(9);
    copy.close();
    assertThat(realm.gss.stats().contextsDestroyed()).isEqualTo(destroyed + 1);
    assertThatThrownBy(() -> client.call(GssSquare.SQUAREPROC, XdrCodec.INT, 3, XdrCodec.INT))
        .isInstanceOf(IllegalStateException.class);
    // A second close has nothing more to destroy.
    client.close();
    assertThat(realm.gss.stats().contextsDestroyed()).isEqualTo(destroyed + 1);
  }

  @Test
  void aClientGivenTheCallersContextLeavesItToTheCaller() {
    long destroyed = realm.gss.stats().contextsDestroyed();
    try (TcpChannel own = RpcChannel.tcp(realm.tcp());
        RpcSecGssClient gss = establish(own, GssService.INTEGRITY)) {
      RpcClient client =
          factory()
              .withCallOptions(gss.callOptions().withTimeout(CALL))
              .client(LOOPBACK, GssSquare.PROGRAM, GssSquare.VERSION, "tcp");
      assertThat(client.call(GssSquare.SQUAREPROC, XdrCodec.INT, 4, XdrCodec.INT)).isEqualTo(16);
      client.close();
      assertThat(realm.gss.stats().contextsDestroyed()).isEqualTo(destroyed);
      RpcClient mine =
          RpcClient.create(own, GssSquare.PROGRAM, GssSquare.VERSION, gss.callOptions());
      assertThat(mine.call(GssSquare.SQUAREPROC, XdrCodec.INT, 5, XdrCodec.INT)).isEqualTo(25);
    }
    assertThat(realm.gss.stats().contextsDestroyed()).isEqualTo(destroyed + 1);
  }

  @Test
  void aWrongServicePrincipalFailsTheFactoryClearly() throws InterruptedException {
    int contexts = realm.gss.contextCount();
    GssSettings wrong = GssSettings.of("nfs@nowhere.invalid", realm.alice, GssService.NONE);
    assertThatThrownBy(
            () ->
                factory()
                    .withGss(wrong)
                    .client(LOOPBACK, GssSquare.PROGRAM, GssSquare.VERSION, "tcp"))
        .isInstanceOf(SecurityException.class)
        .hasMessageStartingWith("127.0.0.1: RPCSEC_GSS context with nfs@nowhere.invalid failed: ")
        .hasMessageContaining("Server not found in Kerberos database");
    assertThat(realm.gss.contextCount()).isEqualTo(contexts);
    // The factory closed the client it could not make: its connection ends.
    long deadline = System.nanoTime() + CALL.toNanos();
    while (server.connectionCount() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(server.connectionCount()).isZero();
  }

  @Test
  void withoutTheVersionCheckTheFirstCallMakesTheContext() {
    long established = realm.gss.stats().contextsEstablished();
    try (RpcClient client =
        factory()
            .withGss(settings(GssService.NONE))
            .withVersionCheck(false)
            .client(LOOPBACK, GssSquare.PROGRAM, GssSquare.VERSION, "tcp")) {
      assertThat(realm.gss.stats().contextsEstablished()).isEqualTo(established);
      assertThat(client.call(GssSquare.SQUAREPROC, XdrCodec.INT, 6, XdrCodec.INT)).isEqualTo(36);
      assertThat(realm.gss.stats().contextsEstablished()).isEqualTo(established + 1);
    }
  }

  @Test
  void aFactoryWithoutGssAgainCallsInTheClear() {
    try (RpcClient client =
        factory()
            .withGss(settings(GssService.NONE))
            .withGss(null)
            .client(LOOPBACK, GssSquare.PROGRAM, GssSquare.VERSION, "tcp")) {
      assertThat(client.call(GssSquare.SQUAREPROC, XdrCodec.INT, 2, XdrCodec.INT)).isEqualTo(4);
      assertThat(realm.square.lastCaller.get()).isNull();
    }
  }

  @Test
  void aJaasEntryLogsIn() {
    Configuration previous = currentConfiguration();
    Configuration.setConfiguration(
        new Configuration() {
          @Override
          public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
            if (!name.equals("jrpcgen-alice")) {
              return null;
            }
            return new AppConfigurationEntry[] {
              new AppConfigurationEntry(
                  "com.sun.security.auth.module.Krb5LoginModule",
                  AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                  Map.of(
                      "useKeyTab", "true",
                      "keyTab", realm.kdc.clientKeytab().toString(),
                      "principal", TestKdc.CLIENT_PRINCIPAL,
                      "storeKey", "true",
                      "doNotPrompt", "true"))
            };
          }
        });
    try {
      GssLogin login = GssLogin.jaas("jrpcgen-alice");
      assertThat(login).hasToString("GssLogin[JAAS entry jrpcgen-alice]");
      try (RpcClient client =
          factory()
              .withGss(GssSettings.of(TestKdc.SERVICE, login, GssService.INTEGRITY))
              .client(LOOPBACK, GssSquare.PROGRAM, GssSquare.VERSION, "tcp")) {
        assertThat(client.call(GssSquare.SQUAREPROC, XdrCodec.INT, 8, XdrCodec.INT)).isEqualTo(64);
      }
      assertThatThrownBy(() -> GssLogin.jaas("jrpcgen-nobody"))
          .isInstanceOf(SecurityException.class)
          .hasMessageStartingWith("JAAS login of entry jrpcgen-nobody failed: ");
    } finally {
      Configuration.setConfiguration(previous);
    }
    assertThatThrownBy(() -> GssLogin.jaas("")).hasMessage("entry is empty: ");
    assertThatThrownBy(() -> GssLogin.jaas(null)).hasMessage("entry is empty: null");
  }

  @Test
  void aGssClientNeedsItsSettings() {
    try (TcpChannel channel = RpcChannel.tcp(realm.tcp())) {
      assertThatThrownBy(
              () ->
                  RpcClient.create(
                      channel, GssSquare.PROGRAM, GssSquare.VERSION, CallOptions.DEFAULTS, null))
          .hasMessage("options and gss must not be null");
      assertThatThrownBy(
              () ->
                  RpcClient.create(
                      channel,
                      GssSquare.PROGRAM,
                      GssSquare.VERSION,
                      null,
                      settings(GssService.NONE)))
          .hasMessage("options and gss must not be null");
    }
  }

  /** The JAAS configuration in force, or null if none can be read (no file is configured). */
  private static Configuration currentConfiguration() {
    try {
      return Configuration.getConfiguration();
    } catch (SecurityException e) {
      return null;
    }
  }
}

package io.jrpcgen.portmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Universal addresses (RFC 5665 §5.2.3) as rpcbind writes them: parsed and written back. */
class UniversalAddressTest {

  @ParameterizedTest(name = "{0} = {1} port {2}")
  @CsvSource({
    "127.0.0.1.0.111, 127.0.0.1, 111",
    "0.0.0.0.0.111, 0.0.0.0, 111",
    "0.0.0.0.8.1, 0.0.0.0, 2049",
    "192.168.1.20.255.255, 192.168.1.20, 65535",
    "10.0.0.1.0.0, 10.0.0.1, 0",
    "255.255.255.255.1.0, 255.255.255.255, 256",
    "::1.0.111, ::1, 111",
    "::.0.111, ::, 111",
    "fe80::1.31.144, fe80::1, 8080",
    "2001:db8::ff00:42:8329.4.0, 2001:db8::ff00:42:8329, 1024",
    "2001:db8:0:1:1:1:1:1.0.1, 2001:db8:0:1:1:1:1:1, 1",
    "1::.0.7, 1::, 7",
    "1:0:0:2::.0.7, 1:0:0:2::, 7",
    "1::2:0:0:3.0.7, 1::2:0:0:3, 7",
    "::1.2.3.4.0.111, ::1.2.3.4, 111",
  })
  void roundTrips(String uaddr, String host, int port) throws Exception {
    UniversalAddress parsed = UniversalAddress.parse(uaddr);
    assertThat(parsed.address()).isEqualTo(InetAddress.getByName(host));
    assertThat(parsed.port()).isEqualTo(port);
    assertThat(parsed).hasToString(uaddr);
    assertThat(UniversalAddress.of(new InetSocketAddress(InetAddress.getByName(host), port)))
        .isEqualTo(parsed);
  }

  @ParameterizedTest(name = "{0} is written {1}")
  @CsvSource({
    // Leading zeros go, hex is lowercase, the longest zero run (the first of equals) is "::".
    "0:0:0:0:0:0:0:1.0.111, ::1.0.111",
    "FE80:0000:0000:0000:0000:0000:0000:0001.0.111, fe80::1.0.111",
    "1:0:0:2:0:0:0:3.0.111, 1:0:0:2::3.0.111",
    "1:0:0:2:3:0:0:4.0.111, 1::2:3:0:0:4.0.111",
    "1:0:2:3:4:5:6:7.0.111, 1:0:2:3:4:5:6:7.0.111",
    // An IPv4-mapped address is an IPv4 address in Java.
    "::ffff:127.0.0.1.0.111, 127.0.0.1.0.111",
    "::ffff:7f00:1.0.111, 127.0.0.1.0.111",
    "127.0.0.1.00.111, 127.0.0.1.0.111",
  })
  void normalizes(String uaddr, String written) {
    assertThat(UniversalAddress.parse(uaddr)).hasToString(written);
  }

  @ParameterizedTest(name = "rejects \"{0}\"")
  @ValueSource(
      strings = {
        "",
        "127.0.0.1",
        "127.0.0.1.0",
        ".0.111",
        "127.0.0.1.0.256",
        "127.0.0.1.-1.0",
        "127.0.0.1.0.1111",
        "127.0.0.256.0.111",
        "127.0.0.0.1.0.111",
        "127.0.1.0.111",
        "127..0.1.0.111",
        "localhost.0.111",
        "/run/rpcbind.sock",
        "1:2:3:4:5:6:7:8:9.0.1",
        "1::2::3.0.1",
        "1:2:3:4:5:6:7.0.1",
        "::12345.0.1",
        "::g.0.1",
        "fe80::1%eth0.0.1",
        "1.2.3.4::.0.1",
        "::1.2.3.0.1",
        "\u0663::1.0.1",
        "127.0.0.\u0661.0.111",
        " 127.0.0.1.0.1",
      })
  void rejectsWhatIsNotAUniversalAddress(String uaddr) {
    assertThatThrownBy(() -> UniversalAddress.parse(uaddr))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a universal address: ");
    assertThat(UniversalAddress.parseOrNull(uaddr)).isNull();
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 65_536})
  void portMustFit(int port) {
    assertThatThrownBy(() -> new UniversalAddress(InetAddress.getLoopbackAddress(), port))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port out of range: " + port);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0.0.111", "::.0.111"})
  void wildcards(String uaddr) {
    assertThat(UniversalAddress.parse(uaddr).isWildcard()).isTrue();
  }
}

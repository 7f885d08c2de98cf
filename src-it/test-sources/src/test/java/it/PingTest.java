package it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import org.junit.jupiter.api.Test;
import ping.Ping;

class PingTest {
  @Test
  void roundTrips() {
    XdrEncoder out = new XdrEncoder(64);
    Ping.CODEC.encode(out, new Ping(7L, "hi"));
    assertEquals(new Ping(7L, "hi"), Ping.CODEC.decode(new XdrDecoder(out.toByteArray())));
  }
}

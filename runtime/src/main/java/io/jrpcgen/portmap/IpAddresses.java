package io.jrpcgen.portmap;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;

/** Address constants and questions the portmapper classes share; nothing here looks names up. */
final class IpAddresses {
  private IpAddresses() {}

  /** {@code 0.0.0.0}. */
  static InetAddress ipv4Wildcard() {
    return of(new byte[4]);
  }

  /** {@code ::}. */
  static InetAddress ipv6Wildcard() {
    return of(new byte[16]);
  }

  /** {@code ::1}. */
  static InetAddress ipv6Loopback() {
    byte[] bytes = new byte[16];
    bytes[15] = 1;
    return of(bytes);
  }

  /** The loopback address of the family of {@code address}. */
  static InetAddress loopbackLike(InetAddress address) {
    return isIpv4(address) ? InetAddress.getLoopbackAddress() : ipv6Loopback();
  }

  /** Whether {@code address} is IPv4. */
  static boolean isIpv4(InetAddress address) {
    return address instanceof Inet4Address;
  }

  /**
   * Whether a socket bound to the wildcard address also takes IPv6 callers: Java opens dual-stack
   * sockets unless told to prefer IPv4 or the host has no IPv6 (seen as no {@code ::1}).
   */
  static boolean wildcardIsDualStack() {
    if (Boolean.getBoolean("java.net.preferIPv4Stack")) {
      return false;
    }
    try {
      return NetworkInterface.getByInetAddress(ipv6Loopback()) != null;
    } catch (SocketException e) {
      return false;
    }
  }

  private static InetAddress of(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are an address", e);
    }
  }
}

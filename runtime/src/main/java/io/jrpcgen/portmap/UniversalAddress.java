package io.jrpcgen.portmap;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IP address and port in rpcbind's text form (RFC 1833 §2.1, RFC 5665 §5.2.3): the address as
 * {@code inet_ntop} writes it, then the port's high and low byte in decimal, all separated by dots.
 *
 * <pre>
 * 127.0.0.1.0.111     127.0.0.1 port 111
 * 0.0.0.0.8.1         any IPv4 address, port 2049
 * ::1.0.111           ::1 port 111
 * fe80::1.31.144      fe80::1 port 8080
 * </pre>
 *
 * <p>Parsing never looks a name up. IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}) become IPv4
 * addresses, as everywhere in Java; scope ids are not part of the format.
 *
 * @param address the IP address
 * @param port the port, 0 to 65535
 */
public record UniversalAddress(InetAddress address, int port) {
  public UniversalAddress {
    if (address == null) {
      throw new IllegalArgumentException("address is null");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** The universal address of a socket address (which must not be unresolved). */
  public static UniversalAddress of(InetSocketAddress address) {
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("unresolved address: " + address);
    }
    return new UniversalAddress(address.getAddress(), address.getPort());
  }

  /**
   * Parses a universal address.
   *
   * @throws IllegalArgumentException if {@code uaddr} is not an IPv4 or IPv6 universal address
   */
  public static UniversalAddress parse(String uaddr) {
    int last = uaddr.lastIndexOf('.');
    int previous = last > 0 ? uaddr.lastIndexOf('.', last - 1) : -1;
    if (previous <= 0) {
      throw new IllegalArgumentException("not a universal address: " + quote(uaddr));
    }
    int high = parseByte(uaddr, previous + 1, last);
    int low = parseByte(uaddr, last + 1, uaddr.length());
    String host = uaddr.substring(0, previous);
    byte[] bytes = host.indexOf(':') >= 0 ? parseIpv6(host) : parseIpv4(host, 0, host.length());
    if (high < 0 || low < 0 || bytes == null) {
      throw new IllegalArgumentException("not a universal address: " + quote(uaddr));
    }
    try {
      return new UniversalAddress(InetAddress.getByAddress(bytes), high << 8 | low);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are always an address", e);
    }
  }

  /** {@code uaddr} parsed, or null if it is not an IP universal address (a path, say). */
  static UniversalAddress parseOrNull(String uaddr) {
    try {
      return parse(uaddr);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The socket address. */
  public InetSocketAddress toSocketAddress() {
    return new InetSocketAddress(address, port);
  }

  /** Whether the address is the wildcard ({@code 0.0.0.0} or {@code ::}). */
  public boolean isWildcard() {
    return address.isAnyLocalAddress();
  }

  /** The universal address text, such as {@code 127.0.0.1.0.111}. */
  @Override
  public String toString() {
    String host =
        address instanceof Inet6Address
            ? formatIpv6(address.getAddress())
            : address.getHostAddress();
    return host + "." + (port >> 8) + "." + (port & 0xff);
  }

  /** The dotted decimal at {@code [from, to)}: 0 to 255, at most 3 digits; -1 if not one. */
  private static int parseByte(String s, int from, int to) {
    if (to - from < 1 || to - from > 3) {
      return -1;
    }
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value <= 255 ? value : -1;
  }

  /** The four bytes of the dotted quad at {@code [from, to)}, or null if it is not one. */
  private static byte[] parseIpv4(String s, int from, int to) {
    byte[] bytes = new byte[4];
    int start = from;
    for (int i = 0; i < 4; i++) {
      int dot = i < 3 ? s.indexOf('.', start) : to;
      if (dot < 0 || dot > to) {
        return null;
      }
      int value = parseByte(s, start, dot);
      if (value < 0) {
        return null;
      }
      bytes[i] = (byte) value;
      start = dot + 1;
    }
    return start == to + 1 ? bytes : null;
  }

  /** The 16 bytes of an IPv6 address in RFC 4291 §2.2 text, or null if it is not one. */
  private static byte[] parseIpv6(String s) {
    int gap = s.indexOf("::");
    if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
      return null;
    }
    int[] head = gap < 0 ? parseGroups(s, 0, s.length()) : parseGroups(s, 0, gap);
    int[] tail = gap < 0 ? new int[0] : parseGroups(s, gap + 2, s.length());
    if (head == null || tail == null) {
      return null;
    }
    int words = head.length + tail.length;
    if (gap < 0 ? words != 8 : words > 7) {
      return null;
    }
    byte[] bytes = new byte[16];
    for (int i = 0; i < head.length; i++) {
      bytes[2 * i] = (byte) (head[i] >> 8);
      bytes[2 * i + 1] = (byte) head[i];
    }
    for (int i = 0; i < tail.length; i++) {
      int at = 16 - 2 * (tail.length - i);
      bytes[at] = (byte) (tail[i] >> 8);
      bytes[at + 1] = (byte) tail[i];
    }
    return bytes;
  }

  /**
   * The 16-bit groups of {@code [from, to)}, colon separated, the last of which may be a dotted
   * quad (two groups); null if malformed. An empty range has no groups.
   */
  private static int[] parseGroups(String s, int from, int to) {
    if (from == to) {
      return new int[0];
    }
    int[] groups = new int[8];
    int count = 0;
    int start = from;
    while (true) {
      int colon = s.indexOf(':', start);
      int end = colon < 0 || colon > to ? to : colon;
      // Only the address's last 32 bits may be written as a dotted quad.
      if (end == s.length() && s.lastIndexOf('.', to - 1) >= start) {
        byte[] v4 = parseIpv4(s, start, to);
        if (v4 == null || count > 6) {
          return null;
        }
        groups[count++] = (v4[0] & 0xff) << 8 | (v4[1] & 0xff);
        groups[count++] = (v4[2] & 0xff) << 8 | (v4[3] & 0xff);
        break;
      }
      int group = parseHexGroup(s, start, end);
      if (group < 0 || count == 8) {
        return null;
      }
      groups[count++] = group;
      if (end == to) {
        break;
      }
      start = end + 1;
    }
    return Arrays.copyOf(groups, count);
  }

  private static int parseHexGroup(String s, int from, int to) {
    if (to - from < 1 || to - from > 4) {
      return -1;
    }
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      int digit =
          c >= '0' && c <= '9'
              ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (digit < 0) {
        return -1;
      }
      value = value << 4 | digit;
    }
    return value;
  }

  /**
   * IPv6 text as glibc's {@code inet_ntop} writes it: lowercase hex without leading zeros, the
   * longest run of two or more zero groups (the first of equals) as {@code ::}, and an
   * IPv4-compatible address ({@code ::a.b.c.d}) with its last 32 bits as a dotted quad.
   */
  private static String formatIpv6(byte[] bytes) {
    int[] words = new int[8];
    for (int i = 0; i < 8; i++) {
      words[i] = (bytes[2 * i] & 0xff) << 8 | (bytes[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 0;
    for (int i = 0; i < 8; ) {
      if (words[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && words[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    if (bestLength < 2) {
      bestStart = -1;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append(i == 0 ? "::" : ":");
        i += bestLength - 1;
        continue;
      }
      if (i == 6 && bestStart == 0 && bestLength == 6) {
        sb.append(bytes[12] & 0xff)
            .append('.')
            .append(bytes[13] & 0xff)
            .append('.')
            .append(bytes[14] & 0xff)
            .append('.')
            .append(bytes[15] & 0xff);
        break;
      }
      sb.append(Integer.toHexString(words[i]));
      if (i < 7) {
        sb.append(':');
      }
    }
    return sb.toString();
  }

  private static String quote(String s) {
    return s.length() > 80 ? "'" + s.substring(0, 80) + "...'" : "'" + s + "'";
  }
}

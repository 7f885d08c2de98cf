package io.jrpcgen.xdr;

import java.nio.charset.StandardCharsets;

/**
 * How Java strings map to the bytes of XDR {@code string<N>} values, losslessly.
 *
 * <p>An XDR string is a counted sequence of bytes, and C peers send whatever bytes they hold:
 * UTF-8, ISO-8859-1 file names, Shift-JIS, binary. Decoding reads valid UTF-8 (strict: shortest
 * forms only, no encoded surrogates, nothing above U+10FFFF) as UTF-8, and turns every other byte
 * 0x80..0xFF into the lone surrogate U+DC80..U+DCFF, as Python's "surrogateescape" does (PEP 383);
 * bytes 0x00..0x7F are always ASCII. Encoding writes each character as UTF-8 and each lone
 * U+DC80..U+DCFF as the byte it stands for. So every byte sequence decodes to a string that encodes
 * back to the same bytes: {@code toBytes(fromBytes(b))} equals {@code b}.
 *
 * <pre>
 * bytes 63 61 66 c3 a9   "caf&#92;u00E9"    (UTF-8)
 * bytes 63 61 66 e9      "caf&#92;uDCE9"    (ISO-8859-1: e9 is not UTF-8 here)
 * </pre>
 *
 * <p>A string with any other lone surrogate (U+D800..U+DBFF, or U+DC00..U+DC7F and U+DD00..U+DFFF
 * unpaired) stands for no bytes: encoding it is an {@link XdrException}, never a replacement
 * character. A string built by hand whose escapes happen to spell valid UTF-8 (U+DCC3 U+DCA9)
 * encodes to those bytes and decodes as what they spell (U+00E9).
 */
public final class XdrStrings {
  private static final int ESCAPE = 0xdc00;
  private static final int MIN_ESCAPE = ESCAPE | 0x80;
  private static final int MAX_ESCAPE = ESCAPE | 0xff;

  private XdrStrings() {}

  /**
   * The number of bytes {@code value} takes on the wire, which is what a string's bound counts.
   *
   * @throws XdrException if {@code value} stands for no bytes (see the class comment)
   */
  public static int byteLength(String value) {
    int length = value.length();
    // Up to three bytes per char: past 715,827,882 chars an int could overflow.
    long bytes = length;
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          bytes++;
        } else if (!Character.isSurrogate(c)) {
          bytes += 2;
        } else if (isPairAt(value, i)) {
          bytes += 2; // four bytes for the two chars
          i++;
        } else if (!isEscape(c)) {
          throw unpaired(c, i);
        }
      }
    }
    if (bytes > Integer.MAX_VALUE) {
      throw new XdrException("string of " + bytes + " bytes exceeds the largest Java array");
    }
    return (int) bytes;
  }

  /**
   * The bytes {@code value} is on the wire.
   *
   * @throws XdrException if {@code value} stands for no bytes (see the class comment)
   */
  public static byte[] toBytes(String value) {
    byte[] bytes = new byte[byteLength(value)];
    encode(value, bytes, 0);
    return bytes;
  }

  /** The string that {@code bytes} stand for; it encodes back to the same bytes. */
  public static String fromBytes(byte[] bytes) {
    return fromBytes(bytes, 0, bytes.length);
  }

  /** The string that {@code length} bytes of {@code bytes} from {@code offset} stand for. */
  public static String fromBytes(byte[] bytes, int offset, int length) {
    // The JDK's decoder is strict and fast, and replaces what is not UTF-8 with U+FFFD. Without
    // U+FFFD in its result the input was valid UTF-8 (or ASCII, where the search costs nothing).
    String utf8 = new String(bytes, offset, length, StandardCharsets.UTF_8);
    return utf8.indexOf('\uFFFD') < 0 ? utf8 : decodeEscaping(bytes, offset, length);
  }

  /**
   * Writes the bytes of {@code value} into {@code dst} from {@code at}; the caller has checked them
   * with {@link #byteLength} and made room.
   */
  static void encode(String value, byte[] dst, int at) {
    int length = value.length();
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        dst[at++] = (byte) c;
      } else if (c < 0x800) {
        dst[at++] = (byte) (0xc0 | c >> 6);
        dst[at++] = continuation(c);
      } else if (!Character.isSurrogate(c)) {
        dst[at++] = (byte) (0xe0 | c >> 12);
        dst[at++] = continuation(c >> 6);
        dst[at++] = continuation(c);
      } else if (isPairAt(value, i)) {
        int cp = Character.toCodePoint(c, value.charAt(++i));
        dst[at++] = (byte) (0xf0 | cp >> 18);
        dst[at++] = continuation(cp >> 12);
        dst[at++] = continuation(cp >> 6);
        dst[at++] = continuation(cp);
      } else {
        dst[at++] = (byte) c; // an escape: its low byte
      }
    }
  }

  private static byte continuation(int bits) {
    return (byte) (0x80 | (bits & 0x3f));
  }

  private static boolean isPairAt(String s, int i) {
    return Character.isHighSurrogate(s.charAt(i))
        && i + 1 < s.length()
        && Character.isLowSurrogate(s.charAt(i + 1));
  }

  private static boolean isEscape(char c) {
    return c >= MIN_ESCAPE && c <= MAX_ESCAPE;
  }

  private static XdrException unpaired(char c, int index) {
    return new XdrException(
        String.format(
            "cannot encode string: unpaired surrogate U+%04X at"
                + " index %d (only U+DC80..U+DCFF stand alone, for the bytes 0x80..0xFF)",
            (int) c, index));
  }

  /** Decodes what is valid UTF-8 as such, and escapes each other byte. */
  private static String decodeEscaping(byte[] b, int offset, int length) {
    // One char per byte at most: a four-byte form is two chars.
    char[] out = new char[length];
    int n = 0;
    int end = offset + length;
    int i = offset;
    while (i < end) {
      int b0 = b[i] & 0xff;
      int size = sequenceLength(b, i, end, b0);
      switch (size) {
        case 1 -> out[n++] = (char) (b0 < 0x80 ? b0 : ESCAPE | b0);
        case 2 -> out[n++] = (char) (((b0 & 0x1f) << 6) | (b[i + 1] & 0x3f));
        case 3 ->
            out[n++] = (char) (((b0 & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f));
        default -> {
          int cp =
              ((b0 & 0x07) << 18)
                  | ((b[i + 1] & 0x3f) << 12)
                  | ((b[i + 2] & 0x3f) << 6)
                  | (b[i + 3] & 0x3f);
          out[n++] = Character.highSurrogate(cp);
          out[n++] = Character.lowSurrogate(cp);
        }
      }
      i += size;
    }
    return new String(out, 0, n);
  }

  /**
   * The length of the valid UTF-8 sequence at {@code i}, whose first byte is {@code b0}; 1 if there
   * is none (then the byte stands alone). The ranges of the second byte are those of Unicode's
   * table of well-formed sequences (Table 3-7): they exclude overlong forms, encoded surrogates and
   * code points above U+10FFFF.
   */
  private static int sequenceLength(byte[] b, int i, int end, int b0) {
    int size;
    int min = 0x80;
    int max = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      size = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      size = 3;
      if (b0 == 0xe0) {
        min = 0xa0;
      } else if (b0 == 0xed) {
        max = 0x9f;
      }
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      size = 4;
      if (b0 == 0xf0) {
        min = 0x90;
      } else if (b0 == 0xf4) {
        max = 0x8f;
      }
    } else {
      return 1;
    }
    if (end - i < size) {
      return 1;
    }
    int b1 = b[i + 1] & 0xff;
    if (b1 < min || b1 > max) {
      return 1;
    }
    for (int k = 2; k < size; k++) {
      if ((b[i + k] & 0xc0) != 0x80) {
        return 1;
      }
    }
    return size;
  }
}

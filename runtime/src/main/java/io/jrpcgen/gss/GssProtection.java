package io.jrpcgen.gss;

import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.XdrException;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.MessageProp;

/**
 * Checksums and wrapping with one established GSS context, as RPCSEC_GSS uses them (RFC 2203
 * §5.3.2): header and sequence-number checksums, and the integrity and privacy forms of a body. The
 * context is used by one thread at a time.
 *
 * <pre>
 * integrity: databody_integ&lt;&gt; = seq_num | body,  checksum&lt;&gt; = MIC(databody_integ)
 * privacy:   databody_priv&lt;&gt;  = wrap(seq_num | body)
 * </pre>
 */
final class GssProtection {
  private final GSSContext context;

  GssProtection(GSSContext context) {
    this.context = context;
  }

  GSSContext context() {
    return context;
  }

  /** The checksum of {@code length} bytes of {@code bytes} from {@code offset}. */
  synchronized Opaque mic(byte[] bytes, int offset, int length) throws GSSException {
    return Opaque.copyOf(context.getMIC(bytes, offset, length, new MessageProp(0, false)));
  }

  /** The checksum of a sequence number (the reply verifier) or window, as 4 XDR bytes. */
  Opaque micOfInt(int value) throws GSSException {
    return mic(intBytes(value), 0, 4);
  }

  /** Whether {@code token} is the checksum of the given bytes. */
  synchronized boolean verifyMic(Opaque token, byte[] bytes, int offset, int length) {
    byte[] t = token.toByteArray();
    try {
      context.verifyMIC(t, 0, t.length, bytes, offset, length, new MessageProp(0, false));
      return true;
    } catch (GSSException e) {
      return false;
    }
  }

  /** Whether {@code token} is the checksum of the 4 XDR bytes of {@code value}. */
  boolean verifyMicOfInt(Opaque token, int value) {
    return verifyMic(token, intBytes(value), 0, 4);
  }

  /** Writes {@code body} (the XDR of arguments or results) protected by {@code service}. */
  void writeBody(XdrEncoder out, GssService service, int sequence, byte[] body)
      throws GSSException {
    byte[] data = new byte[4 + body.length];
    putInt(data, 0, sequence);
    System.arraycopy(body, 0, data, 4, body.length);
    if (service == GssService.INTEGRITY) {
      out.writeVariableOpaque(Opaque.copyOf(data), Integer.MAX_VALUE);
      out.writeVariableOpaque(mic(data, 0, data.length), Integer.MAX_VALUE);
    } else {
      byte[] wrapped;
      synchronized (this) {
        wrapped = context.wrap(data, 0, data.length, new MessageProp(0, true));
      }
      out.writeVariableOpaque(Opaque.copyOf(wrapped), Integer.MAX_VALUE);
    }
  }

  /**
   * Reads a body protected by {@code service}, checks it and its sequence number, and returns a
   * decoder over the plain body.
   *
   * @throws XdrException if the body is malformed, fails its check or cannot be unwrapped, or
   *     carries another sequence number
   */
  XdrDecoder readBody(XdrDecoder in, GssService service, int sequence) {
    byte[] data;
    if (service == GssService.INTEGRITY) {
      Opaque body = in.readVariableOpaque(in.remaining());
      Opaque checksum = in.readVariableOpaque(in.remaining());
      data = body.toByteArray();
      if (!verifyMic(checksum, data, 0, data.length)) {
        throw new XdrException("RPCSEC_GSS integrity checksum does not match the body");
      }
    } else {
      byte[] wrapped = in.readVariableOpaque(in.remaining()).toByteArray();
      MessageProp prop = new MessageProp(0, true);
      try {
        synchronized (this) {
          data = context.unwrap(wrapped, 0, wrapped.length, prop);
        }
      } catch (GSSException e) {
        throw new XdrException("RPCSEC_GSS privacy body does not unwrap: " + e.getMessage());
      }
      if (!prop.getPrivacy()) {
        throw new XdrException("RPCSEC_GSS privacy body was not encrypted");
      }
    }
    XdrDecoder plain = new XdrDecoder(data);
    int got = plain.readInt();
    if (got != sequence) {
      throw new XdrException(
          "RPCSEC_GSS body has sequence number "
              + Integer.toUnsignedString(got)
              + ", the credential "
              + Integer.toUnsignedString(sequence));
    }
    return plain;
  }

  static byte[] intBytes(int value) {
    byte[] b = new byte[4];
    putInt(b, 0, value);
    return b;
  }

  private static void putInt(byte[] b, int offset, int value) {
    b[offset] = (byte) (value >>> 24);
    b[offset + 1] = (byte) (value >>> 16);
    b[offset + 2] = (byte) (value >>> 8);
    b[offset + 3] = (byte) value;
  }
}

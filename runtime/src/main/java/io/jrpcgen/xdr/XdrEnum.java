package io.jrpcgen.xdr;

/** An XDR enumeration constant: a Java enum whose wire form is a signed 32-bit value. */
public interface XdrEnum {
  /** The value this constant has on the wire. */
  int value();
}

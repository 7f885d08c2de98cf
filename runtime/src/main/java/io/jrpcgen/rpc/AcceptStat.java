package io.jrpcgen.rpc;

import io.jrpcgen.xdr.XdrEnum;
import io.jrpcgen.xdr.XdrException;

/** The status of an accepted reply ({@code accept_stat}, RFC 5531 §9). */
public enum AcceptStat implements XdrEnum {
  SUCCESS(0),
  PROG_UNAVAIL(1),
  PROG_MISMATCH(2),
  PROC_UNAVAIL(3),
  GARBAGE_ARGS(4),
  SYSTEM_ERR(5);

  // values() copies its array on every call; replies are decoded on every call.
  private static final AcceptStat[] BY_VALUE = values();

  private final int value;

  AcceptStat(int value) {
    this.value = value;
  }

  @Override
  public int value() {
    return value;
  }

  /** The constant with wire value {@code value}. */
  public static AcceptStat fromValue(int value) {
    if (value < 0 || value >= BY_VALUE.length) {
      throw new XdrException("unknown accept_stat " + value);
    }
    return BY_VALUE[value];
  }
}

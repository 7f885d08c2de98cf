package io.jrpcgen.rpc;

import io.jrpcgen.xdr.XdrEnum;
import io.jrpcgen.xdr.XdrException;

/** Why a server refused a call's credentials ({@code auth_stat}, RFC 5531 §9). */
public enum AuthStat implements XdrEnum {
  AUTH_OK(0, "Authentication OK"),
  AUTH_BADCRED(1, "Invalid client credential"),
  AUTH_REJECTEDCRED(2, "Server rejected credential"),
  AUTH_BADVERF(3, "Invalid client verifier"),
  AUTH_REJECTEDVERF(4, "Server rejected verifier"),
  AUTH_TOOWEAK(5, "Client credential too weak"),
  AUTH_INVALIDRESP(6, "Invalid server verifier"),
  AUTH_FAILED(7, "Failed (unspecified error)"),
  RPCSEC_GSS_CREDPROBLEM(13, "GSS credential problem"),
  RPCSEC_GSS_CTXPROBLEM(14, "GSS context problem");

  private final int value;
  private final String description;

  AuthStat(int value, String description) {
    this.value = value;
    this.description = description;
  }

  @Override
  public int value() {
    return value;
  }

  /** The reason in words, as {@code clnt_sperror} prints it after {@code why = }. */
  public String description() {
    return description;
  }

  /** The constant with wire value {@code value}. */
  public static AuthStat fromValue(int value) {
    for (AuthStat s : values()) {
      if (s.value == value) {
        return s;
      }
    }
    throw new XdrException("unknown auth_stat " + value);
  }
}

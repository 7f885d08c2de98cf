package io.jrpcgen.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcMismatchException;
import io.jrpcgen.rpc.RpcStatus;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each failed reply maps to the RpcException a libtirpc client reports, clnt_sperror style. */
class ReplyTest {
  private static final String SERVER = "127.0.0.1";
  private static final OpaqueAuth NONE = OpaqueAuth.NONE;

  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of(
            new Reply.AcceptedError(1, NONE, AcceptStat.PROG_UNAVAIL),
            RpcStatus.PROG_UNAVAIL,
            "127.0.0.1: RPC: Program unavailable"),
        Arguments.of(
            new Reply.AcceptedError(1, NONE, AcceptStat.PROC_UNAVAIL),
            RpcStatus.PROC_UNAVAIL,
            "127.0.0.1: RPC: Procedure unavailable"),
        Arguments.of(
            new Reply.AcceptedError(1, NONE, AcceptStat.GARBAGE_ARGS),
            RpcStatus.CANT_DECODE_ARGS,
            "127.0.0.1: RPC: Server can't decode arguments"),
        Arguments.of(
            new Reply.AcceptedError(1, NONE, AcceptStat.SYSTEM_ERR),
            RpcStatus.SYSTEM_ERROR,
            "127.0.0.1: RPC: Remote system error"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void acceptedErrorsBecomePlainRpcExceptions(Reply reply, RpcStatus status, String message) {
    RpcException e = reply.toException(SERVER);
    assertThat(e).isExactlyInstanceOf(RpcException.class).hasMessage(message).hasNoCause();
    assertThat(e.status()).isEqualTo(status);
    assertThat(e.server()).isEqualTo(SERVER);
  }

  @Test
  void programMismatchCarriesTheVersionRange() {
    RpcException e = new Reply.ProgramMismatch(1, NONE, 1, 3).toException(SERVER);
    assertThat(e)
        .isInstanceOf(RpcMismatchException.class)
        .hasMessage("127.0.0.1: RPC: Program/version mismatch; low version = 1, high version = 3");
    RpcMismatchException m = (RpcMismatchException) e;
    assertThat(m.status()).isEqualTo(RpcStatus.PROG_VERS_MISMATCH);
    assertThat(m.low()).isEqualTo(1);
    assertThat(m.high()).isEqualTo(3);
  }

  @Test
  void mismatchVersionsPrintUnsignedLikeLibtirpcsPercentU() {
    RpcException e = new Reply.ProgramMismatch(1, NONE, 0, 0xffff_ffff).toException(SERVER);
    assertThat(e)
        .hasMessage(
            "127.0.0.1: RPC: Program/version mismatch; low version = 0, high version = 4294967295");
  }

  @Test
  void rpcMismatchIsAVersionMismatchOfRpcItself() {
    RpcException e = new Reply.RpcMismatch(1, 2, 2).toException(SERVER);
    assertThat(e)
        .isInstanceOf(RpcMismatchException.class)
        .hasMessage(
            "127.0.0.1: RPC: Incompatible versions of RPC; low version = 2, high version = 2");
    assertThat(e.status()).isEqualTo(RpcStatus.VERS_MISMATCH);
  }

  @Test
  void authErrorSaysWhy() {
    RpcException e = new Reply.AuthError(1, AuthStat.AUTH_TOOWEAK).toException(SERVER);
    assertThat(e)
        .isInstanceOf(RpcAuthException.class)
        .hasMessage("127.0.0.1: RPC: Authentication error; why = Client credential too weak");
    assertThat(e.status()).isEqualTo(RpcStatus.AUTH_ERROR);
    assertThat(((RpcAuthException) e).authStat()).isEqualTo(AuthStat.AUTH_TOOWEAK);
  }

  @Test
  void authErrorWordsForEveryRfcStatus() {
    assertThat(new Reply.AuthError(1, AuthStat.AUTH_BADCRED).toException(SERVER))
        .hasMessage("127.0.0.1: RPC: Authentication error; why = Invalid client credential");
    assertThat(new Reply.AuthError(1, AuthStat.AUTH_REJECTEDVERF).toException(SERVER))
        .hasMessage("127.0.0.1: RPC: Authentication error; why = Server rejected verifier");
    assertThat(new Reply.AuthError(1, AuthStat.AUTH_FAILED).toException(SERVER))
        .hasMessage("127.0.0.1: RPC: Authentication error; why = Failed (unspecified error)");
  }

  @Test
  void unknownServerLeavesOutThePrefix() {
    assertThat(new Reply.AcceptedError(1, NONE, AcceptStat.PROG_UNAVAIL).toException(null))
        .hasMessage("RPC: Program unavailable");
  }

  @Test
  void successHasNoException() {
    assertThatThrownBy(() -> new Reply.Success(1, NONE).toException(SERVER))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void acceptedErrorRecordHoldingSuccessIsNotAnError() {
    // AcceptedError is public, so nothing stops a caller from building one with SUCCESS.
    assertThatThrownBy(
            () -> new Reply.AcceptedError(1, NONE, AcceptStat.SUCCESS).toException(SERVER))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("not an error: ");
  }
}

package io.jrpcgen.server;

/**
 * The implementation of one procedure: decoded arguments in, results out, on the thread that serves
 * the call.
 *
 * <p>Throwing {@link io.jrpcgen.rpc.RpcAuthException} denies the call with its {@code auth_stat},
 * {@link ProcedureUnavailableException} answers {@code PROC_UNAVAIL} and {@link NoReplyException}
 * sends nothing; any other exception becomes a {@code SYSTEM_ERR} reply and is logged.
 *
 * @param <A> the argument type
 * @param <R> the result type
 */
@FunctionalInterface
public non-sealed interface ProcedureHandler<A, R> extends ProcedureImplementation<A, R> {
  /** Runs the procedure for the call described by {@code call}. */
  R handle(CallContext call, A args);
}

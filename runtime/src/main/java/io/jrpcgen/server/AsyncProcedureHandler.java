package io.jrpcgen.server;

import java.util.concurrent.CompletionStage;

/**
 * The implementation of one procedure that answers later: it returns at once with a stage that
 * completes with the results, and the reply is sent when it does. No server thread waits for it
 * meanwhile: a TCP connection goes on reading and serving calls (see {@link RpcServer} for the
 * order of replies), and so does the UDP service.
 *
 * <p>The stage's exception is mapped as a {@link ProcedureHandler}'s thrown one is: {@link
 * io.jrpcgen.rpc.RpcAuthException} denies the call, {@link ProcedureUnavailableException} answers
 * {@code PROC_UNAVAIL}, {@link NoReplyException} sends nothing, anything else is a logged {@code
 * SYSTEM_ERR}. The reply is encoded and sent on the thread that completes the stage.
 *
 * @param <A> the argument type
 * @param <R> the result type
 */
@FunctionalInterface
public non-sealed interface AsyncProcedureHandler<A, R> extends ProcedureImplementation<A, R> {
  /** Starts the procedure for the call described by {@code call}; never returns null. */
  CompletionStage<R> handle(CallContext call, A args);
}

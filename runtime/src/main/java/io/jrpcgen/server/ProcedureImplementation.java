package io.jrpcgen.server;

/**
 * What runs for a call of one procedure: a {@link ProcedureHandler} returns its results, an {@link
 * AsyncProcedureHandler} returns a future of them and holds no thread while it waits.
 *
 * @param <A> the argument type
 * @param <R> the result type
 */
public sealed interface ProcedureImplementation<A, R>
    permits ProcedureHandler, AsyncProcedureHandler {}

package io.kraftlet.transport.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The mechanics a gRPC service needs to answer unary calls from an asynchronous api without
 * blocking a thread and without unbounded waiting: a bound on the calls that wait for the api at
 * once, a slot per waiting call that is freed exactly once, answers sent from an executor rather
 * than from the thread that completes the api's future, and sends that tolerate a call that ended
 * under them. What a service answers (its responses, error codes and statuses) stays in the
 * service: it passes those parts in as functions.
 *
 * <p>A service parses a request and checks it (cluster id, ...) itself, then hands the call to
 * {@link #call}, which:
 * <ol>
 * <li>takes a slot, or, if {@link #maxInFlight()} calls already wait, runs the service's
 * {@code whenFull} on the calling thread and calls nothing;</li>
 * <li>registers a cancel handler that frees the slot when the client goes away (deadline,
 * disconnect): an abandoned call never holds a slot until the api answers;</li>
 * <li>calls the api; a call that throws, or returns no future, counts as a failed future;</li>
 * <li>when the future completes, hands one task to the executor that frees the slot and, unless the
 * call was cancelled by then, runs the service's {@link Answer}; if the executor refuses the task
 * ({@link RejectedExecutionException}), frees the slot and ends the call with the status the
 * service's {@code whenRejected} gives, on the thread that completed the future.</li>
 * </ol>
 * The slot is freed exactly once per call that got one, however cancellation, completion and
 * rejection race.
 *
 * <p>{@link #answer} and {@link #fail} send a response or end a call with a status; a call that
 * ended already (cancelled between the check and the send) makes gRPC throw, which they swallow
 * and log at debug on the service's logger: nobody is waiting for that answer.
 *
 * <p>Thread-safe: {@link #call} is meant to be called concurrently from gRPC's threads; answers
 * run on the executor; cancel handlers on gRPC's threads.
 */
public final class BoundedCalls {
    private final int maxInFlight;
    private final Semaphore slots;
    private final Executor executor;
    private final Function<String, Status> whenRejected;
    private final Logger log;

    /**
     * @param maxInFlight calls that may wait for the api at once; {@code > 0}
     * @param executor where answers are sent from; should not be the thread that completes the
     *     api's futures
     * @param whenRejected given the rpc's name, the status a call ends with when {@code executor}
     *     refuses its answer; called after the call's slot was freed, on the thread that completed
     *     the api's future; may log
     * @param log the service's logger, for the debug lines about calls that ended before their
     *     answer was sent
     */
    public BoundedCalls(int maxInFlight, Executor executor, Function<String, Status> whenRejected, Logger log) {
        if (maxInFlight <= 0) {
            throw new IllegalArgumentException("max in-flight requests must be > 0, got " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
        this.slots = new Semaphore(maxInFlight);
        this.executor = Objects.requireNonNull(executor, "executor");
        this.whenRejected = Objects.requireNonNull(whenRejected, "whenRejected");
        this.log = Objects.requireNonNull(log, "log");
    }

    /**
     * What a service sends once the api's future completed. Runs on the executor, after the call's
     * slot was freed, and only if the call was not cancelled; it must end the call (typically
     * through {@link #answer} or {@link #fail}) and must not throw.
     *
     * @param <R> the api's reply
     * @param <P> the response message
     */
    @FunctionalInterface
    public interface Answer<R, P> {
        /**
         * @param observer the call
         * @param reply the api's reply, when {@code failure} is null (may itself be null)
         * @param failure how the api's future failed, as {@code whenComplete} sees it (possibly a
         *     {@link CompletionException}; see {@link #cause}), or null
         */
        void send(StreamObserver<P> observer, R reply, Throwable failure);
    }

    /** The bound on calls waiting at once. */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** Calls holding a slot now: waiting for the api, or for their answer to be sent. */
    public int inFlight() {
        return maxInFlight - slots.availablePermits();
    }

    /**
     * Runs one call in a slot and answers it on the executor (see the class comment). Call it on
     * the gRPC thread that handles the call, before the handler returns; never throws for a
     * failing api.
     *
     * @param rpc the rpc's name, handed to {@code whenRejected}
     * @param observer the call's observer, as gRPC gave it to the handler: a
     *     {@link ServerCallStreamObserver}
     * @param api calls the api; runs on the calling thread, only once a slot was taken
     * @param whenFull runs on the calling thread, instead of {@code api}, when no slot is free; it
     *     must end the call
     * @param answer sends the answer once the api's future completed
     */
    public <R, P> void call(String rpc, StreamObserver<P> observer, Supplier<CompletableFuture<R>> api,
            Runnable whenFull, Answer<R, P> answer) {
        ServerCallStreamObserver<P> serverCall = (ServerCallStreamObserver<P>) observer;
        if (!slots.tryAcquire()) {
            whenFull.run();
            return;
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                slots.release();
            }
        };
        serverCall.setOnCancelHandler(release);
        CompletableFuture<R> future;
        try {
            future = Objects.requireNonNull(api.get(), "the call returned no future");
        } catch (RuntimeException apiFailure) {
            future = CompletableFuture.failedFuture(apiFailure);
        }
        future.whenComplete((reply, failure) -> {
            try {
                executor.execute(() -> {
                    release.run();
                    if (!serverCall.isCancelled()) {
                        answer.send(serverCall, reply, failure);
                    }
                });
            } catch (RejectedExecutionException busy) {
                release.run();
                fail(serverCall, whenRejected.apply(rpc));
            }
        });
    }

    /**
     * Refuses a request that cannot be parsed: logs it at debug and ends the call with
     * {@code INVALID_ARGUMENT} whose description is {@code description} (naming the field).
     */
    public void refuseMalformed(String rpc, StreamObserver<?> observer, String description) {
        log.debug("Refused a malformed {} request: {}", rpc, description);
        fail(observer, Status.INVALID_ARGUMENT.withDescription(description));
    }

    /** Sends {@code response} and completes the call; swallows (logs at debug) a call that ended already. */
    public <P> void answer(StreamObserver<P> observer, P response) {
        try {
            observer.onNext(response);
            observer.onCompleted();
        } catch (RuntimeException callEnded) {
            // Cancelled between the check and the send: nobody is waiting for this answer.
            log.debug("A call ended before its answer was sent", callEnded);
        }
    }

    /** Ends the call with {@code status}; swallows (logs at debug) a call that ended already. */
    public void fail(StreamObserver<?> observer, Status status) {
        try {
            observer.onError(status.asRuntimeException());
        } catch (RuntimeException callEnded) {
            log.debug("A call ended before its failure was sent", callEnded);
        }
    }

    /** The failure itself: a {@link CompletionException}'s cause, or {@code failure} (possibly null). */
    public static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** A failure's message, or its class's simple name when it has none. */
    public static String describe(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }
}

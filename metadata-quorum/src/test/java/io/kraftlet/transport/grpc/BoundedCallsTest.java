package io.kraftlet.transport.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link BoundedCalls} on a hand-made call: slots, cancellation, the executor and its refusals. */
class BoundedCallsTest {
    private static final Logger log = LoggerFactory.getLogger(BoundedCallsTest.class);
    private static final Status REJECTED = Status.RESOURCE_EXHAUSTED.withDescription("overloaded");

    /** Tasks handed to the executor, run when the test says so. */
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private final Executor queued = tasks::add;
    private final List<String> rejectedRpcs = new ArrayList<>();

    @Test
    void answersOnTheExecutorAndFreesTheSlotFirst() {
        BoundedCalls calls = calls(2, queued);
        FakeCall<String> call = new FakeCall<>();
        CompletableFuture<String> reply = new CompletableFuture<>();
        AtomicInteger inFlightWhenAnswered = new AtomicInteger(-1);

        calls.call("Rpc", call, () -> reply, () -> call.onError(new AssertionError("not full")),
                (observer, value, failure) -> {
                    inFlightWhenAnswered.set(calls.inFlight());
                    calls.answer(observer, value + "!");
                });
        assertEquals(1, calls.inFlight(), "the waiting call holds a slot");
        reply.complete("done");
        assertEquals(List.of(), call.responses, "nothing is sent on the thread that completed the future");
        assertEquals(1, tasks.size(), "one task per answer");

        tasks.remove().run();
        assertEquals(List.of("done!"), call.responses);
        assertTrue(call.completed);
        assertEquals(0, inFlightWhenAnswered.get(), "the slot is freed before the answer is built");
        assertEquals(0, calls.inFlight());
    }

    @Test
    void aFullBoundRefusesWithoutCallingTheApi() {
        BoundedCalls calls = calls(1, queued);
        CompletableFuture<String> held = new CompletableFuture<>();
        FakeCall<String> first = new FakeCall<>();
        calls.call("Rpc", first, () -> held, () -> {
            throw new AssertionError("the first call fits");
        }, (observer, value, failure) -> calls.answer(observer, value));

        FakeCall<String> second = new FakeCall<>();
        AtomicInteger apiCalls = new AtomicInteger();
        AtomicInteger refusals = new AtomicInteger();
        calls.call("Rpc", second, () -> {
            apiCalls.incrementAndGet();
            return CompletableFuture.completedFuture("never");
        }, refusals::incrementAndGet, (observer, value, failure) -> {
            throw new AssertionError("a refused call is not answered");
        });
        assertEquals(0, apiCalls.get(), "the api is not called past the bound");
        assertEquals(1, refusals.get());
        assertNull(second.cancelHandler, "a refused call takes no slot to give back");
        assertEquals(1, calls.inFlight(), "the refused call took no slot");

        held.complete("first");
        tasks.remove().run();
        assertEquals(List.of("first"), first.responses);
        assertEquals(0, calls.inFlight());
    }

    @Test
    void aRejectedAnswerFreesTheSlotAndEndsTheCallWithTheServicesStatus() {
        BoundedCalls calls = calls(1, task -> {
            throw new RejectedExecutionException("shut down");
        });
        FakeCall<String> call = new FakeCall<>();
        CompletableFuture<String> reply = new CompletableFuture<>();
        calls.call("Produce", call, () -> reply, () -> {
            throw new AssertionError("not full");
        }, (observer, value, failure) -> {
            throw new AssertionError("the executor ran nothing");
        });

        reply.complete("lost");
        assertEquals(0, calls.inFlight(), "the slot is freed");
        assertEquals(List.of("Produce"), rejectedRpcs, "the service was told which rpc");
        Status status = Status.fromThrowable(call.error);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode());
        assertEquals("overloaded", status.getDescription());
        assertEquals(List.of(), call.responses);

        call.cancel();
        assertEquals(0, calls.inFlight(), "a late cancellation frees nothing more");
    }

    @Test
    void aCancelledCallFreesItsSlotAtOnceAndIsNotAnswered() {
        BoundedCalls calls = calls(1, queued);
        FakeCall<String> call = new FakeCall<>();
        CompletableFuture<String> reply = new CompletableFuture<>();
        calls.call("Rpc", call, () -> reply, () -> {
            throw new AssertionError("not full");
        }, (observer, value, failure) -> {
            throw new AssertionError("a cancelled call is not answered");
        });

        call.cancel();
        assertEquals(0, calls.inFlight(), "the slot is freed though the api has not answered");
        reply.complete("late");
        tasks.remove().run();
        assertEquals(0, calls.inFlight(), "completion after cancellation frees nothing more");
        assertEquals(List.of(), call.responses);
        assertNull(call.error);
    }

    @Test
    void theSlotIsFreedExactlyOnceWhenCancelAndCompletionRace() throws Exception {
        ExecutorService racers = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 500; round++) {
                BoundedCalls calls = calls(1, Runnable::run);
                FakeCall<String> call = new FakeCall<>();
                CompletableFuture<String> reply = new CompletableFuture<>();
                calls.call("Rpc", call, () -> reply, () -> {
                    throw new AssertionError("not full");
                }, (observer, value, failure) -> calls.answer(observer, value));
                assertEquals(1, calls.inFlight());

                CountDownLatch go = new CountDownLatch(1);
                Future<?> cancel = racers.submit(() -> {
                    go.await();
                    call.cancel();
                    return null;
                });
                Future<?> complete = racers.submit(() -> {
                    go.await();
                    reply.complete("raced");
                    return null;
                });
                go.countDown();
                cancel.get(10, TimeUnit.SECONDS);
                complete.get(10, TimeUnit.SECONDS);

                assertEquals(0, calls.inFlight(), "round " + round + ": one slot taken, one slot freed");
                assertTrue(call.responses.size() <= 1, "round " + round + ": answered at most once");
            }
        } finally {
            racers.shutdownNow();
        }
    }

    @Test
    void anApiThatThrowsOrReturnsNoFutureIsAFailedCall() {
        BoundedCalls calls = calls(2, Runnable::run);
        AtomicReference<Throwable> seen = new AtomicReference<>();
        IllegalStateException thrown = new IllegalStateException("thrown, not returned");

        calls.call("Rpc", new FakeCall<String>(), () -> {
            throw thrown;
        }, () -> {
            throw new AssertionError("not full");
        }, (observer, value, failure) -> seen.set(failure));
        assertSame(thrown, BoundedCalls.cause(seen.get()));

        calls.call("Rpc", new FakeCall<String>(), () -> null, () -> {
            throw new AssertionError("not full");
        }, (observer, value, failure) -> seen.set(failure));
        assertInstanceOf(NullPointerException.class, BoundedCalls.cause(seen.get()));
        assertEquals(0, calls.inFlight());
    }

    @Test
    void sendsToACallThatEndedAreSwallowed() {
        BoundedCalls calls = calls(1, Runnable::run);
        FakeCall<String> ended = new FakeCall<>();
        ended.ended = true;
        calls.answer(ended, "too late");
        calls.fail(ended, Status.INTERNAL);
        calls.refuseMalformed("Rpc", ended, "Rpc.field is missing");

        FakeCall<String> malformed = new FakeCall<>();
        calls.refuseMalformed("Rpc", malformed, "Rpc.field is missing");
        Status status = Status.fromThrowable(malformed.error);
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
        assertEquals("Rpc.field is missing", status.getDescription());
    }

    @Test
    void helpersAndArguments() {
        RuntimeException cause = new RuntimeException("why");
        assertSame(cause, BoundedCalls.cause(new CompletionException(cause)));
        assertSame(cause, BoundedCalls.cause(cause));
        assertNull(BoundedCalls.cause(null));
        assertEquals("why", BoundedCalls.describe(cause));
        assertEquals("IllegalStateException", BoundedCalls.describe(new IllegalStateException()));
        assertThrows(IllegalArgumentException.class, () -> calls(0, queued));
        assertThrows(NullPointerException.class, () -> calls(1, null));
        assertEquals(7, calls(7, queued).maxInFlight());
    }

    @Test
    void theFakeCallThrowsOnceEnded() {
        FakeCall<String> call = new FakeCall<>();
        call.onCompleted();
        assertThrows(StatusRuntimeException.class, () -> call.onNext("x"));
        assertFalse(call.isCancelled());
    }

    private BoundedCalls calls(int maxInFlight, Executor executor) {
        return new BoundedCalls(maxInFlight, executor, rpc -> {
            rejectedRpcs.add(rpc);
            return REJECTED;
        }, log);
    }

    /** A server call: records what is sent, can be cancelled; throws like gRPC once it ended. */
    private static final class FakeCall<P> extends ServerCallStreamObserver<P> {
        final List<P> responses = new CopyOnWriteArrayList<>();
        volatile boolean completed;
        volatile Throwable error;
        volatile boolean ended;
        volatile boolean cancelled;
        volatile Runnable cancelHandler;

        /** The client goes away: as gRPC does, marks the call cancelled, then runs the handler. */
        void cancel() {
            cancelled = true;
            ended = true;
            Runnable handler = cancelHandler;
            if (handler != null) {
                handler.run();
            }
        }

        @Override
        public void onNext(P value) {
            checkOpen();
            responses.add(value);
        }

        @Override
        public void onError(Throwable failure) {
            checkOpen();
            error = failure;
            ended = true;
        }

        @Override
        public void onCompleted() {
            checkOpen();
            completed = true;
            ended = true;
        }

        private void checkOpen() {
            if (ended) {
                throw new StatusRuntimeException(Status.CANCELLED.withDescription("call already ended"));
            }
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public void setOnCancelHandler(Runnable handler) {
            cancelHandler = handler;
        }

        @Override
        public void setCompression(String compression) {
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setOnReadyHandler(Runnable handler) {
        }

        @Override
        @Deprecated
        public void disableAutoInboundFlowControl() {
        }

        @Override
        public void request(int count) {
        }

        @Override
        public void setMessageCompression(boolean enable) {
        }
    }
}

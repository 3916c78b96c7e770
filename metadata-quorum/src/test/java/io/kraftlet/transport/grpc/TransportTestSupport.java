package io.kraftlet.transport.grpc;

import static org.junit.jupiter.api.Assertions.fail;

import io.micrometer.core.instrument.Counter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waiting and meter helpers shared by the transport tests. */
final class TransportTestSupport {
    static final long WAIT_MS = 10_000;

    private TransportTestSupport() {
    }

    /** Polls {@code condition} until it holds, failing after {@link #WAIT_MS}. */
    static void awaitCondition(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    static double rejected(GrpcTransport transport, String reason) {
        return count(transport, TransportMetrics.REJECTED_REQUESTS, reason);
    }

    static double dropped(GrpcTransport transport, String reason) {
        return count(transport, TransportMetrics.DROPPED_REQUESTS, reason);
    }

    private static double count(GrpcTransport transport, String name, String reason) {
        Counter counter = transport.meterRegistry().find(name).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }
}

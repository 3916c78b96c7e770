package io.kraftlet.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.raft.AppendResult;
import io.kraftlet.raft.LeaderAndEpoch;
import io.kraftlet.runtime.AppendFailedException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The load loop against a fake quorum whose appends commit 1 ms later on another thread, as the
 * driver thread would complete them.
 */
class ClosedLoopLoadTest {
    private static final int NODE_ID = 1;
    private final ScheduledExecutorService driver = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger inFlightMax = new AtomicInteger();
    private final AtomicLong completed = new AtomicLong();

    @AfterEach
    void stopDriver() {
        driver.shutdownNow();
    }

    /** Commits every append after 1 ms, keeping count of what is in flight. */
    private CompletableFuture<Long> commitLater(List<byte[]> records) {
        inFlightMax.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        CompletableFuture<Long> committed = new CompletableFuture<>();
        driver.schedule(() -> {
            inFlight.decrementAndGet();
            completed.addAndGet(records.size());
            committed.complete(completed.get());
        }, 1, TimeUnit.MILLISECONDS);
        return committed;
    }

    private static CompletableFuture<Long> refused(AppendResult.Status status) {
        return CompletableFuture.failedFuture(
                new AppendFailedException(new AppendResult(7, status, -1, LeaderAndEpoch.of(2, 4))));
    }

    @Test
    void keepsExactlyOutstandingAppendsInFlightAndMeasuresOnlyAfterTheWarmup() throws InterruptedException {
        BenchOptions options = new BenchOptions(3, 10, 2, 8, 1, 1);
        BenchResult result = new ClosedLoopLoad(this::commitLater, options, NODE_ID).run();

        assertEquals(8, inFlightMax.get(), "the loop keeps exactly --outstanding appends in flight");
        assertNull(result.failure());
        assertEquals(0, result.errors());
        assertTrue(result.recordsPerSec() > 0, result.toJson());
        // Half of the run is warm-up, which must not count.
        assertTrue(result.recordsPerSec() < completed.get() * 0.75, result.toJson() + " vs " + completed.get());
        assertEquals(result.recordsPerSec() * 10 / 1e6, result.mbPerSec(), 1e-9);
        assertTrue(result.p50Ms() >= 1 && result.p50Ms() <= result.p99Ms() && result.p99Ms() <= result.p999Ms(),
                result.toJson());
    }

    @Test
    void anAppendThatLostLeadershipEndsTheRunWithTheReason() throws InterruptedException {
        AtomicInteger appends = new AtomicInteger();
        ClosedLoopLoad load = new ClosedLoopLoad(records -> appends.incrementAndGet() < 100
                ? commitLater(records) : refused(AppendResult.Status.NOT_LEADER), new BenchOptions(3, 10, 1, 4, 0, 30),
                NODE_ID);
        long start = System.nanoTime();
        BenchResult result = load.run();

        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "the run stops at the failure");
        assertTrue(result.failure().startsWith("leadership moved: an append failed with NOT_LEADER"),
                result.failure());
        assertTrue(result.errors() >= 1);
    }

    @Test
    void aLeaderChangeAwayFromThisNodeEndsTheRun() throws InterruptedException {
        ClosedLoopLoad load = new ClosedLoopLoad(this::commitLater, new BenchOptions(3, 10, 1, 4, 0, 30), NODE_ID);
        load.leaderChanged(LeaderAndEpoch.of(NODE_ID, 3));
        driver.schedule(() -> load.leaderChanged(LeaderAndEpoch.of(2, 4)), 200, TimeUnit.MILLISECONDS);
        BenchResult result = load.run();

        assertTrue(result.failure().startsWith("leadership moved from node 1 to node 2 in epoch 4, "),
                result.failure());
        assertEquals(0, result.errors());
    }

    @Test
    void backPressureIsCountedButDoesNotEndTheRun() throws InterruptedException {
        AtomicInteger appends = new AtomicInteger();
        ClosedLoopLoad load = new ClosedLoopLoad(records -> appends.incrementAndGet() % 50 == 0
                ? refused(AppendResult.Status.BACK_PRESSURE) : commitLater(records),
                new BenchOptions(3, 10, 1, 4, 0, 1), NODE_ID);
        BenchResult result = load.run();

        assertNull(result.failure());
        assertTrue(result.errors() > 0);
        assertTrue(result.recordsPerSec() > 0);
    }
}

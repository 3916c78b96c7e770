package io.kraftlet.examples.bench;

import io.kraftlet.raft.AppendResult;
import io.kraftlet.raft.LeaderAndEpoch;
import io.kraftlet.raft.RaftConfig;
import io.kraftlet.runtime.AppendFailedException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The load a controller puts on its quorum, as a closed loop: exactly {@code outstanding}
 * appends in flight, each of {@code batch} records; when one completes the next is issued.
 * Nothing is measured during the warm-up; then, for the measured window, every append that
 * commits inside it has its latency (call to commit, in microseconds) recorded.
 *
 * <p>Threading: {@link #run()} blocks the calling thread (the dedicated load thread) and is
 * the only place appends are issued, so the node's driver thread, which completes the
 * futures, never waits: a completion only records and hands a permit back. {@link
 * #leaderChanged} may be called from any thread. One instance runs once.
 */
final class ClosedLoopLoad {
    /**
     * Where appends go: {@code MetadataQuorum::append} in the quorum bench, a produce request to
     * a partition leader in the produce bench ({@link ProduceLoadClient}).
     */
    @FunctionalInterface
    interface Appender {
        /** Appends records; the future completes once they commit, or fails saying why. */
        CompletableFuture<Long> append(List<byte[]> records);
    }

    /** How long the loop waits for a free slot before it looks at the clock again. */
    private static final long SLOT_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** The pause after a back-pressure refusal, as a Kafka client retries. */
    private static final long BACK_PRESSURE_PAUSE_MS = RaftConfig.DEFAULT.retryBackoffMs();
    /** Latencies keep three significant digits: microseconds below a millisecond. */
    private static final int SIGNIFICANT_DIGITS = 3;
    private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final double BYTES_PER_MB = 1_000_000.0;

    private final Appender appender;
    private final BenchOptions options;
    private final int nodeId;
    private final List<byte[]> records;
    /** One permit per append that may be in flight; never more than {@code outstanding}. */
    private final Semaphore slots;
    /** Latencies in microseconds of the appends that committed inside the window. */
    private final Histogram latenciesUs = new ConcurrentHistogram(SIGNIFICANT_DIGITS);
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong backPressureUntilNanos = new AtomicLong(Long.MIN_VALUE);
    /** The first reason the run is invalid; later ones add nothing. */
    private final AtomicReference<String> failure = new AtomicReference<>();
    private volatile long startNanos = System.nanoTime();
    private volatile long windowStartNanos = Long.MAX_VALUE;
    private volatile long windowEndNanos = Long.MAX_VALUE;

    ClosedLoopLoad(Appender appender, BenchOptions options, int nodeId) {
        this.appender = appender;
        this.options = options;
        this.nodeId = nodeId;
        this.slots = new Semaphore(options.outstanding());
        this.records = payload(options);
    }

    /** Drives the load for the warm-up and the measured window, then says what it measured. */
    BenchResult run() throws InterruptedException {
        startNanos = System.nanoTime();
        windowStartNanos = startNanos + options.warmupS() * NANOS_PER_SECOND;
        windowEndNanos = windowStartNanos + options.durationS() * NANOS_PER_SECOND;
        while (failure.get() == null) {
            long now = System.nanoTime();
            if (now >= windowEndNanos) {
                break;
            }
            if (!slots.tryAcquire(Math.min(SLOT_WAIT_NANOS, windowEndNanos - now), TimeUnit.NANOSECONDS)) {
                continue;
            }
            if (backPressureUntilNanos.get() > System.nanoTime()) {
                Thread.sleep(BACK_PRESSURE_PAUSE_MS);
            }
            issue();
        }
        return result(Math.min(System.nanoTime(), windowEndNanos));
    }

    /**
     * The node's view of the leader changed. Once the load runs, leadership must stay here: the
     * appends of a run split over two leaders measure an election, not the quorum.
     */
    void leaderChanged(LeaderAndEpoch leader) {
        if (!leader.isLeader(nodeId)) {
            fail("leadership moved from node " + nodeId + " to "
                    + (leader.leaderId().isPresent() ? "node " + leader.leaderId().getAsInt() : "no known leader")
                    + " in epoch " + leader.epoch());
        }
    }

    private void issue() {
        long issuedNanos = System.nanoTime();
        CompletableFuture<Long> committed;
        try {
            committed = appender.append(records);
        } catch (RuntimeException refused) {
            committed = CompletableFuture.failedFuture(refused);
        }
        committed.whenComplete((offset, error) -> complete(issuedNanos, error));
    }

    /** Runs where the future completes (the driver thread): records, frees the slot, never blocks. */
    private void complete(long issuedNanos, Throwable error) {
        long now = System.nanoTime();
        try {
            if (error == null) {
                if (now >= windowStartNanos && now <= windowEndNanos) {
                    latenciesUs.recordValue(Math.max(1, (now - issuedNanos) / 1000));
                }
            } else {
                errors.incrementAndGet();
                handleFailure(error instanceof CompletionException ? error.getCause() : error, now);
            }
        } finally {
            slots.release();
        }
    }

    private void handleFailure(Throwable error, long now) {
        if (error instanceof AppendFailedException failed) {
            AppendResult.Status status = failed.status();
            if (status == AppendResult.Status.BACK_PRESSURE) {
                // Not fatal: the leader is full for a moment; the loop pauses before the next append.
                backPressureUntilNanos.set(now + TimeUnit.MILLISECONDS.toNanos(BACK_PRESSURE_PAUSE_MS));
                return;
            }
            if (status == AppendResult.Status.NOT_LEADER || status == AppendResult.Status.LEADERSHIP_LOST) {
                fail("leadership moved: an append failed with " + failed.getMessage());
                return;
            }
        }
        fail("an append failed: " + error);
    }

    private void fail(String reason) {
        long elapsedNanos = System.nanoTime() - startNanos;
        failure.compareAndSet(null, String.format(Locale.ROOT, "%s, %.1f s into the run", reason,
                elapsedNanos / (double) NANOS_PER_SECOND));
    }

    private BenchResult result(long measuredEndNanos) {
        Histogram measured = latenciesUs.copy();
        double seconds = Math.max(0, measuredEndNanos - windowStartNanos) / (double) NANOS_PER_SECOND;
        long committedRecords = measured.getTotalCount() * options.batch();
        double recordsPerSec = seconds > 0 ? committedRecords / seconds : 0;
        double mbPerSec = recordsPerSec * options.recordSize() / BYTES_PER_MB;
        return new BenchResult(recordsPerSec, mbPerSec, percentileMs(measured, 50.0), percentileMs(measured, 99.0),
                percentileMs(measured, 99.9), options, errors.get(), failure.get());
    }

    private static double percentileMs(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    /**
     * The records of every append: random bytes (so nothing along the way could compress
     * them), shared by all appends because nobody mutates a record once appended.
     */
    private static List<byte[]> payload(BenchOptions options) {
        Random random = new Random(options.recordSize());
        List<byte[]> records = new ArrayList<>(options.batch());
        for (int i = 0; i < options.batch(); i++) {
            byte[] record = new byte[options.recordSize()];
            random.nextBytes(record);
            records.add(record);
        }
        return Collections.unmodifiableList(records);
    }
}

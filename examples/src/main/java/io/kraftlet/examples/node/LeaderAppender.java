package io.kraftlet.examples.node;

import io.kraftlet.raft.AppendResult;
import io.kraftlet.raft.LeaderAndEpoch;
import io.kraftlet.runtime.AppendFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example load generator ({@code kraftlet.example.append.records.per.second}): while this
 * node leads, it appends that many {@link ExampleRecord}s a second through the embedding API,
 * numbered on from the last committed sequence number.
 *
 * <p>One append is in flight at a time and the next one starts only when it committed, so
 * committed sequence numbers stay contiguous: an append refused with back-pressure is retried
 * with the same numbers; any other failure stops appending until the next leader change, which
 * says where to continue. Each append holds at most {@value #MAX_RECORDS_PER_APPEND} records.
 *
 * <p>Threading: {@link #tick} runs on the appender's own thread, {@link #handleLeaderChange} on
 * the node's driver thread, append completions on the driver thread; they share state under
 * this object's lock and never block while holding it.
 */
public final class LeaderAppender implements ExampleStateMachine.LeaderChangeHandler, AutoCloseable {
    static final int MAX_RECORDS_PER_APPEND = 1000;
    static final long TICK_MS = 50;
    private static final Logger log = LoggerFactory.getLogger(LeaderAppender.class);

    private final int nodeId;
    private final int recordsPerSecond;
    private final Function<List<byte[]>, CompletableFuture<Long>> append;
    private final ScheduledExecutorService scheduler;

    /** Bumped on every leader change, so completions of an earlier term are ignored. */
    private long term;
    private boolean leading;
    private int epoch;
    private long nextSequence;
    private long leadingSinceMs = -1;
    private long appendedThisTerm;
    private boolean inFlight;

    /**
     * @param append {@code MetadataQuorum::append}
     */
    public LeaderAppender(int nodeId, int recordsPerSecond, Function<List<byte[]>, CompletableFuture<Long>> append) {
        if (recordsPerSecond <= 0) {
            throw new IllegalArgumentException("recordsPerSecond must be > 0, got " + recordsPerSecond);
        }
        this.nodeId = nodeId;
        this.recordsPerSecond = recordsPerSecond;
        this.append = append;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "kraftlet-example-appender-" + nodeId);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts ticking on the appender's thread. */
    public void start() {
        scheduler.scheduleWithFixedDelay(() -> tick(nowMs()), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void handleLeaderChange(LeaderAndEpoch leader, long nextSequence) {
        if (leading && leader.isLeader(nodeId) && leader.epoch() == epoch) {
            // Already leading this epoch: restarting the numbering could repeat the records in flight.
            return;
        }
        term++;
        inFlight = false;
        leading = leader.isLeader(nodeId);
        if (leading) {
            this.epoch = leader.epoch();
            this.nextSequence = nextSequence;
            this.leadingSinceMs = -1;
            this.appendedThisTerm = 0;
            log.info("Node {} leads epoch {}: appending {} records/s from sequence {}", nodeId, epoch, recordsPerSecond,
                    nextSequence);
        }
    }

    /** Appends what the rate allows since this node became leader, if nothing is in flight. */
    synchronized void tick(long nowMs) {
        if (!leading || inFlight) {
            return;
        }
        if (leadingSinceMs < 0) {
            leadingSinceMs = nowMs;
        }
        long due = recordsPerSecond * (nowMs - leadingSinceMs) / 1000 - appendedThisTerm;
        int count = (int) Math.min(due, MAX_RECORDS_PER_APPEND);
        if (count <= 0) {
            return;
        }
        List<byte[]> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(ExampleRecord.encode(nextSequence + i, nodeId, epoch));
        }
        long appendTerm = term;
        inFlight = true;
        append.apply(records).whenComplete((offset, failure) -> appended(appendTerm, count, failure));
    }

    private synchronized void appended(long appendTerm, int count, Throwable failure) {
        if (appendTerm != term) {
            return;
        }
        inFlight = false;
        if (failure == null) {
            nextSequence += count;
            appendedThisTerm += count;
            return;
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof AppendFailedException refused && refused.status() == AppendResult.Status.BACK_PRESSURE) {
            return;
        }
        // The records may still commit under the next leader; the next leader change says where to go on.
        leading = false;
        log.info("Node {} stops appending: {}", nodeId, cause.getMessage());
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    private static long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }
}

package io.kraftlet.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the leader's appends into batches: a batch is written when it is full
 * ({@code batchMaxBytes}) or when its first record has waited {@code lingerMs}, so one write
 * and one flush cover many appends. Offsets are assigned on acceptance. The leader bounds
 * what it accepts (see {@link RaftNode#append}), so this buffer holds a bounded amount.
 */
final class BatchAccumulator {
    /** Outcome of {@link #tryAppend}: the last offset assigned, or a refusal. */
    record Accepted(long lastOffset) {
    }

    private final int epoch;
    private final int lingerMs;
    private final int batchMaxBytes;
    private long nextOffset;
    private final List<Batch> completed = new ArrayList<>();
    private final List<byte[]> open = new ArrayList<>();
    private long openBaseOffset;
    private int openBytes;
    private long lingerDeadlineMs = Long.MAX_VALUE;
    private long openSinceMs;

    BatchAccumulator(int epoch, long nextOffset, int lingerMs, int batchMaxBytes) {
        this.epoch = epoch;
        this.nextOffset = nextOffset;
        this.lingerMs = lingerMs;
        this.batchMaxBytes = batchMaxBytes;
    }

    /** Bytes one append of these records takes in a batch. */
    static int sizeOf(List<byte[]> records) {
        int size = 0;
        for (byte[] record : records) {
            size += Batch.RECORD_OVERHEAD_BYTES + record.length;
        }
        return size;
    }

    /** Whether an append of this size could ever fit in one batch. */
    boolean fitsInOneBatch(int size) {
        return size + Batch.BATCH_OVERHEAD_BYTES <= batchMaxBytes;
    }

    Accepted append(List<byte[]> records, int size, long nowMs) {
        if (!open.isEmpty() && Batch.BATCH_OVERHEAD_BYTES + openBytes + size > batchMaxBytes) {
            closeOpenBatch();
        }
        if (open.isEmpty()) {
            openBaseOffset = nextOffset;
            openSinceMs = nowMs;
            lingerDeadlineMs = nowMs + lingerMs;
        }
        open.addAll(records);
        openBytes += size;
        nextOffset += records.size();
        return new Accepted(nextOffset - 1);
    }

    /** Batches ready to be written now: full ones, and the open one once its linger expired. */
    List<Batch> drain(long nowMs) {
        if (!open.isEmpty() && nowMs >= lingerDeadlineMs) {
            closeOpenBatch();
        }
        List<Batch> ready = List.copyOf(completed);
        completed.clear();
        return ready;
    }

    /** When the open batch must be written, or Long.MAX_VALUE if nothing waits. */
    long nextDrainMs() {
        if (!completed.isEmpty()) {
            return Long.MIN_VALUE;
        }
        return open.isEmpty() ? Long.MAX_VALUE : lingerDeadlineMs;
    }

    private void closeOpenBatch() {
        completed.add(new Batch(openBaseOffset, epoch, openSinceMs, false, open));
        open.clear();
        openBytes = 0;
        lingerDeadlineMs = Long.MAX_VALUE;
    }
}

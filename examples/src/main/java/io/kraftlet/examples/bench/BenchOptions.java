package io.kraftlet.examples.bench;

import io.kraftlet.raft.Batch;
import io.kraftlet.raft.RaftConfig;

/**
 * The shape of one quorum benchmark run: how many voters, and the load the leader drives.
 *
 * @param voters number of voter processes
 * @param recordSize bytes of each record
 * @param batch records per {@code append()} call
 * @param outstanding {@code append()} calls kept in flight (closed loop)
 * @param warmupS seconds of load before anything is measured
 * @param durationS seconds measured after the warm-up
 */
public record BenchOptions(int voters, int recordSize, int batch, int outstanding, int warmupS, int durationS) {
    /** Most voters one machine runs for a benchmark; each is its own JVM. */
    static final int VOTERS_MAX = 9;
    /** Longest phase, so a typo cannot keep a machine busy for days. */
    static final int PHASE_MAX_S = 3600;
    /** The load never exceeds what the leader accepts; these are its limits. */
    private static final RaftConfig LIMITS = RaftConfig.DEFAULT;

    /**
     * Checks the options, throwing {@link IllegalArgumentException} with one line that names the
     * first bad option and says what is allowed.
     */
    public BenchOptions validate() {
        between("--voters", voters, 1, VOTERS_MAX);
        between("--record-size", recordSize, 1, LIMITS.batchMaxBytes());
        between("--batch", batch, 1, LIMITS.batchMaxBytes());
        between("--outstanding", outstanding, 1, LIMITS.accumulatorMaxBytes());
        between("--warmup", warmupS, 0, PHASE_MAX_S);
        between("--duration", durationS, 1, PHASE_MAX_S);
        // One append must fit in one batch, or the leader refuses it (INVALID_RECORDS).
        long appendBytes = appendBytes();
        if (appendBytes + Batch.BATCH_OVERHEAD_BYTES > LIMITS.batchMaxBytes()) {
            throw new IllegalArgumentException("--batch " + batch + " x --record-size " + recordSize + " is "
                    + (appendBytes + Batch.BATCH_OVERHEAD_BYTES) + " bytes with framing, more than one batch holds ("
                    + LIMITS.batchMaxBytes() + ")");
        }
        // Everything in flight must fit in the leader's accumulator, or the closed loop would
        // measure back-pressure refusals instead of commits.
        if (appendBytes * outstanding > LIMITS.accumulatorMaxBytes()) {
            throw new IllegalArgumentException("--outstanding " + outstanding + " appends of " + appendBytes
                    + " bytes exceed what the leader holds uncommitted (" + LIMITS.accumulatorMaxBytes() + " bytes)");
        }
        return this;
    }

    /** Bytes one append occupies in the leader's accumulator, framing included. */
    long appendBytes() {
        return (long) batch * (recordSize + Batch.RECORD_OVERHEAD_BYTES);
    }

    private static void between(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", got " + value);
        }
    }
}

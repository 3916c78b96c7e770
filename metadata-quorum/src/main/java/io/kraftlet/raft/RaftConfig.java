package io.kraftlet.raft;

/**
 * Timing and size limits of the Raft core, with Kafka's configuration names and defaults.
 * Every limit is named here so nothing in the core is unbounded.
 *
 * @param electionTimeoutMs {@code controller.quorum.election.timeout.ms}: base election
 *     timeout T; the timeout used is T + rand(T)
 * @param fetchTimeoutMs {@code controller.quorum.fetch.timeout.ms}: a follower that has not
 *     heard from its leader for this long starts an election; a leader not fetched from by a
 *     majority for 1.5 times this resigns (check-quorum)
 * @param electionBackoffMaxMs {@code controller.quorum.election.backoff.max.ms}: cap of the
 *     exponential back-off after a failed election
 * @param retryBackoffMs {@code controller.quorum.retry.backoff.ms}: base of that back-off and
 *     the pause before retrying a failed request
 * @param appendLingerMs {@code controller.quorum.append.linger.ms}: how long the leader
 *     collects appends into one batch
 * @param requestTimeoutMs {@code controller.quorum.request.timeout.ms}: after this a request
 *     without answer is sent again
 * @param fetchMaxWaitMs how long the leader holds a fetch that has nothing to return
 * @param fetchMaxBytes most bytes of batches in one fetch response
 * @param batchMaxBytes most bytes in one appended batch
 * @param accumulatorMaxBytes most bytes of appends the leader holds accepted but not yet
 *     committed (waiting in the accumulator, or written and waiting for a majority); past it
 *     appends are refused with back-pressure, so a leader that cannot commit stops taking data
 * @param snapshotChunkMaxBytes most bytes of a snapshot in one FetchSnapshot response
 * @param maxObservers most observers the leader tracks; the least recently seen is forgotten
 * @param maxBatchesPerDelivery most batches handed to one listener per step, so one step's
 *     effects stay bounded
 */
public record RaftConfig(int electionTimeoutMs, int fetchTimeoutMs, int electionBackoffMaxMs, int retryBackoffMs,
        int appendLingerMs, int requestTimeoutMs, int fetchMaxWaitMs, int fetchMaxBytes, int batchMaxBytes,
        int accumulatorMaxBytes, int snapshotChunkMaxBytes, int maxObservers, int maxBatchesPerDelivery) {

    public static final RaftConfig DEFAULT = new RaftConfig(1000, 2000, 1000, 20, 25, 2000, 500,
            1 << 20, 1 << 20, 8 << 20, 1 << 20, 1000, 64);

    public RaftConfig {
        positive("controller.quorum.election.timeout.ms", electionTimeoutMs);
        positive("controller.quorum.fetch.timeout.ms", fetchTimeoutMs);
        positive("controller.quorum.election.backoff.max.ms", electionBackoffMaxMs);
        positive("controller.quorum.retry.backoff.ms", retryBackoffMs);
        notNegative("controller.quorum.append.linger.ms", appendLingerMs);
        positive("controller.quorum.request.timeout.ms", requestTimeoutMs);
        notNegative("fetchMaxWaitMs", fetchMaxWaitMs);
        positive("fetchMaxBytes", fetchMaxBytes);
        positive("batchMaxBytes", batchMaxBytes);
        positive("snapshotChunkMaxBytes", snapshotChunkMaxBytes);
        positive("maxObservers", maxObservers);
        positive("maxBatchesPerDelivery", maxBatchesPerDelivery);
        if (accumulatorMaxBytes < batchMaxBytes) {
            throw new IllegalArgumentException("accumulatorMaxBytes (" + accumulatorMaxBytes
                    + ") must be at least batchMaxBytes (" + batchMaxBytes + ")");
        }
        if (fetchMaxWaitMs >= requestTimeoutMs) {
            throw new IllegalArgumentException("fetchMaxWaitMs (" + fetchMaxWaitMs
                    + ") must be below controller.quorum.request.timeout.ms (" + requestTimeoutMs
                    + "), or every long-polled fetch would time out");
        }
    }

    /** Check-quorum period: 1.5 times the fetch timeout. */
    public long checkQuorumTimeoutMs() {
        return fetchTimeoutMs * 3L / 2;
    }

    /** How often a new leader resends BeginQuorumEpoch to voters that have not acknowledged. */
    public long beginQuorumEpochResendMs() {
        return Math.max(retryBackoffMs, fetchTimeoutMs / 4);
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + value);
        }
    }

    private static void notNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
    }
}

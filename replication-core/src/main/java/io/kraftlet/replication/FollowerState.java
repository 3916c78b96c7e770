package io.kraftlet.replication;

/**
 * What a partition leader knows of one follower in its current leader epoch: the follower's
 * log end offset (its last fetch offset; -1 until it fetched), its broker epoch, and when it
 * was last caught up to the leader's LEO (the ISR-shrink clock). Follows Kafka's
 * {@code Replica.updateFetchStateOrThrow}.
 *
 * <p>Not thread-safe; owned by the {@link Partition} that holds it.
 */
final class FollowerState {
    static final long UNKNOWN_OFFSET = -1L;
    static final long UNKNOWN_BROKER_EPOCH = -1L;

    private final int replicaId;
    private long logEndOffset = UNKNOWN_OFFSET;
    private long brokerEpoch = UNKNOWN_BROKER_EPOCH;
    private long lastCaughtUpTimeMs;
    private long lastFetchLeaderLogEndOffset = UNKNOWN_OFFSET;
    private long lastFetchTimeMs;

    /**
     * @param lastCaughtUpTimeMs an ISR member starts with the time the leadership began, so that
     *     it gets a full {@code replica.lag.time.max.ms} to fetch; others start at 0
     */
    FollowerState(int replicaId, long lastCaughtUpTimeMs) {
        this.replicaId = replicaId;
        this.lastCaughtUpTimeMs = lastCaughtUpTimeMs;
        this.lastFetchTimeMs = lastCaughtUpTimeMs;
    }

    /**
     * A fetch at {@code fetchOffset} when the leader's LEO was {@code leaderLogEndOffset}: the
     * follower is caught up now if it reached the leader's LEO, and was caught up at its previous
     * fetch if it now reached what the leader had then.
     */
    void onFetch(long fetchOffset, long followerBrokerEpoch, long leaderLogEndOffset, long nowMs) {
        if (fetchOffset >= leaderLogEndOffset) {
            lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, nowMs);
        } else if (fetchOffset >= lastFetchLeaderLogEndOffset) {
            lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, lastFetchTimeMs);
        }
        logEndOffset = fetchOffset;
        brokerEpoch = followerBrokerEpoch;
        lastFetchLeaderLogEndOffset = leaderLogEndOffset;
        lastFetchTimeMs = nowMs;
    }

    /** Kafka's rule: at the leader's LEO, or caught up within the last {@code replicaLagTimeMaxMs}. */
    boolean isCaughtUp(long leaderLogEndOffset, long nowMs, long replicaLagTimeMaxMs) {
        return logEndOffset == leaderLogEndOffset || nowMs - lastCaughtUpTimeMs <= replicaLagTimeMaxMs;
    }

    int replicaId() {
        return replicaId;
    }

    long logEndOffset() {
        return logEndOffset;
    }

    long brokerEpoch() {
        return brokerEpoch;
    }

    long lastCaughtUpTimeMs() {
        return lastCaughtUpTimeMs;
    }
}

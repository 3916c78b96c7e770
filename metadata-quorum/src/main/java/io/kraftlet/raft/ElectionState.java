package io.kraftlet.raft;

import java.util.OptionalInt;

/**
 * What a voter must remember across a crash: the epoch it is in, whom it voted for in that
 * epoch, and the leader it knows for that epoch. The driver persists it (temp file, fsync,
 * rename, fsync directory) before any message that depends on it leaves the node.
 *
 * @param epoch the current epoch, never decreasing
 * @param votedId the candidate this node voted for in {@code epoch}, if any
 * @param leaderId the known leader of {@code epoch}, if any
 */
public record ElectionState(int epoch, OptionalInt votedId, OptionalInt leaderId) {
    public static final ElectionState INITIAL = new ElectionState(0, OptionalInt.empty(), OptionalInt.empty());

    public ElectionState {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
    }

    public static ElectionState withVote(int epoch, int votedId) {
        return new ElectionState(epoch, OptionalInt.of(votedId), OptionalInt.empty());
    }

    public static ElectionState withLeader(int epoch, int leaderId, OptionalInt votedId) {
        return new ElectionState(epoch, votedId, OptionalInt.of(leaderId));
    }

    public static ElectionState withUnknownLeader(int epoch) {
        return new ElectionState(epoch, OptionalInt.empty(), OptionalInt.empty());
    }
}

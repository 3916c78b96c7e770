package io.kraftlet.raft;

import java.util.OptionalInt;

/**
 * Who leads the quorum in an epoch, as far as this node knows. {@code leaderId} is empty when
 * no leader is known for {@code epoch} (an election is running or the leader resigned).
 */
public record LeaderAndEpoch(OptionalInt leaderId, int epoch) {
    public static final LeaderAndEpoch UNKNOWN = new LeaderAndEpoch(OptionalInt.empty(), 0);

    public static LeaderAndEpoch of(int leaderId, int epoch) {
        return new LeaderAndEpoch(leaderId < 0 ? OptionalInt.empty() : OptionalInt.of(leaderId), epoch);
    }

    /** The leader id, or -1 when none is known: the wire convention. */
    public int leaderIdOrNil() {
        return leaderId.orElse(-1);
    }

    public boolean isLeader(int nodeId) {
        return leaderId.isPresent() && leaderId.getAsInt() == nodeId;
    }
}

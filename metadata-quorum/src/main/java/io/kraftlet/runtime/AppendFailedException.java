package io.kraftlet.runtime;

import io.kraftlet.raft.AppendResult;
import io.kraftlet.raft.LeaderAndEpoch;

/**
 * An append that did not commit. {@link #status()} says why: NOT_LEADER (retry on
 * {@link #leader()}), BACK_PRESSURE (retry after a pause), LEADERSHIP_LOST (the records may
 * or may not commit under the next leader: listeners see which), INVALID_RECORDS.
 */
public final class AppendFailedException extends RuntimeException {
    private final AppendResult.Status status;
    private final LeaderAndEpoch leader;

    public AppendFailedException(AppendResult result) {
        this(result, describe(result));
    }

    public AppendFailedException(AppendResult result, String message) {
        super(result.status() + ": " + message);
        this.status = result.status();
        this.leader = result.leader();
    }

    public AppendResult.Status status() {
        return status;
    }

    /** The leader as the answering node knew it; a hint for where to retry. */
    public LeaderAndEpoch leader() {
        return leader;
    }

    private static String describe(AppendResult result) {
        return switch (result.status()) {
            case NOT_LEADER -> "this node is not the leader; the leader is "
                    + (result.leader().leaderId().isPresent() ? "node " + result.leader().leaderId().getAsInt() : "unknown")
                    + " in epoch " + result.leader().epoch();
            case LEADERSHIP_LOST -> "leadership was lost before the records committed; they may still commit";
            case BACK_PRESSURE -> "too many appends are waiting to be written; retry after a pause";
            case INVALID_RECORDS -> "no records, or more than one batch can hold";
            case COMMITTED -> "committed";
        };
    }
}

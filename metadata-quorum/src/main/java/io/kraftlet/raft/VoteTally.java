package io.kraftlet.raft;

import java.util.Set;
import java.util.TreeSet;

/**
 * Votes (or pre-votes) gathered by a prospective or candidate node. The node's own vote is
 * counted from the start. Answers from non-voters are ignored; a voter is counted once however
 * often its answer is delivered.
 */
final class VoteTally {
    private final VoterSet voters;
    private final Set<Integer> granted = new TreeSet<>();
    private final Set<Integer> rejected = new TreeSet<>();

    VoteTally(VoterSet voters, int selfId) {
        this.voters = voters;
        granted.add(selfId);
    }

    void recordGrant(int voterId) {
        if (voters.contains(voterId) && !rejected.contains(voterId)) {
            granted.add(voterId);
        }
    }

    void recordRejection(int voterId) {
        if (voters.contains(voterId) && !granted.contains(voterId)) {
            rejected.add(voterId);
        }
    }

    boolean won() {
        return granted.size() >= voters.majority();
    }

    /** True once so many voters refused that a majority can no longer be reached. */
    boolean lost() {
        return rejected.size() > voters.size() - voters.majority();
    }

    Set<Integer> granted() {
        return Set.copyOf(granted);
    }

    @Override
    public String toString() {
        return "granted=" + granted + " rejected=" + rejected;
    }
}

package io.kraftlet.sim;

import io.kraftlet.log.SnapshotStore;
import io.kraftlet.raft.Batch;
import io.kraftlet.raft.LeaderState;
import io.kraftlet.raft.RaftNode;
import io.kraftlet.raft.SnapshotId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks the "Quorum" invariants of DESIGN §6 after every step of every node, and the global
 * ones after every event. A failure throws {@link InvariantViolation} naming the invariant.
 */
final class InvariantChecker {
    private final Simulation sim;
    private final CommittedHistory history = new CommittedHistory();
    /** ElectionSafety: the one leader each epoch had. */
    private final Map<Integer, Integer> leaderOfEpoch = new HashMap<>();
    private long checks;

    InvariantChecker(Simulation sim) {
        this.sim = sim;
    }

    long checks() {
        return checks;
    }

    CommittedHistory history() {
        return history;
    }

    /** Runs right after a node's core returned effects, before listeners can snapshot. */
    void afterStep(SimNode node) {
        checks++;
        RaftNode core = node.core;
        String where = "node " + node.id + " at " + sim.nowMs() + "ms";
        if (core.state() instanceof LeaderState leader) {
            Integer previous = leaderOfEpoch.putIfAbsent(leader.epoch(), node.id);
            if (previous != null && previous != node.id) {
                throw new InvariantViolation("ElectionSafety", "nodes " + previous + " and " + node.id
                        + " both led epoch " + leader.epoch());
            }
            if (leader.epoch() > node.lastLeaderEpochChecked) {
                node.lastLeaderEpochChecked = leader.epoch();
                checkLeaderCompleteness(node, where);
            }
        }
        long hw = core.highWatermark();
        if (hw < node.lastHighWatermark) {
            throw new InvariantViolation("MonotonicHW", where + ": high watermark went from " + node.lastHighWatermark
                    + " to " + hw);
        }
        if (hw > node.lastHighWatermark && core.state() instanceof LeaderState leader) {
            if (hw <= leader.epochStartOffset()) {
                throw new InvariantViolation("OwnEpochCommit", where + ": leader of epoch " + leader.epoch()
                        + " moved the high watermark to " + hw + " before committing its epoch start offset "
                        + leader.epochStartOffset());
            }
            int holders = durableHolders(hw, node.log.epochOf(hw - 1));
            if (holders < core.voters().majority()) {
                throw new InvariantViolation("MajorityReachedHW", where + ": high watermark " + hw
                        + " is durable on only " + holders + " of " + core.voters().size() + " voters");
            }
        }
        node.lastHighWatermark = hw;
        checkCommittedEntries(node, where);
        checkSnapshotAtLogStart(node, where);
    }

    /** Global checks after every event: committed data stays durable on a majority. */
    void afterEvent() {
        checks++;
        long committed = history.size();
        if (committed == 0) {
            return;
        }
        int holders = durableHolders(committed, history.entry(committed - 1).epoch());
        if (holders < sim.voterCount() / 2 + 1) {
            throw new InvariantViolation("MajorityReachedHW", "at " + sim.nowMs() + "ms committed offset "
                    + (committed - 1) + " is durable on only " + holders + " voters");
        }
    }

    /** Called before a node's log truncates: nothing committed may be cut. */
    void beforeTruncate(SimNode node, long offset, List<Batch> removed) {
        checks++;
        if (node.core != null && offset < node.core.highWatermark()) {
            throw new InvariantViolation("NoTruncationBelowHW", "node " + node.id + " truncates to " + offset
                    + " below its high watermark " + node.core.highWatermark());
        }
        for (Batch batch : removed) {
            for (int i = 0; i < batch.records().size(); i++) {
                long offsetInBatch = batch.baseOffset() + i;
                if (offsetInBatch < history.size() && history.entry(offsetInBatch).equals(entryOf(batch, i))) {
                    throw new InvariantViolation("NoTruncationBelowHW", "node " + node.id + " truncates committed offset "
                            + offsetInBatch + " (" + batch + ")");
                }
            }
        }
    }

    /** Checks a node's persisted epoch never decreases, even across crashes. */
    void onPersist(SimNode node, int newEpoch) {
        if (newEpoch < node.persisted.epoch()) {
            throw new InvariantViolation("MonotonicEpoch", "node " + node.id + " persisted epoch " + newEpoch
                    + " after " + node.persisted.epoch());
        }
    }

    private void checkLeaderCompleteness(SimNode node, String where) {
        long committed = history.committedEndBefore(node.core.epoch());
        if (committed == 0 || committed <= node.log.startOffset()) {
            return;
        }
        int committedEpoch = history.entry(committed - 1).epoch();
        if (node.log.endOffset() < committed || node.log.epochOf(committed - 1) != committedEpoch) {
            throw new InvariantViolation("LeaderCompleteness", where + ": new leader of epoch " + node.core.epoch()
                    + " lacks committed offset " + (committed - 1) + " (epoch " + committedEpoch + "); its log ends at "
                    + node.log.endOffset());
        }
    }

    /** Compares every newly committed offset of this node with the history (LogMatching). */
    private void checkCommittedEntries(SimNode node, String where) {
        long hw = node.core.highWatermark();
        if (node.checkedUpTo < node.log.startOffset()) {
            node.checkedUpTo = node.log.startOffset();
        }
        while (node.checkedUpTo < hw) {
            List<Batch> batches = node.log.read(node.checkedUpTo, hw, Integer.MAX_VALUE);
            if (batches.isEmpty()) {
                throw new InvariantViolation("LogMatching", where + ": high watermark " + hw
                        + " is not on a batch boundary after offset " + node.checkedUpTo);
            }
            for (Batch batch : batches) {
                for (int i = 0; i < batch.records().size(); i++) {
                    history.observe(batch.baseOffset() + i, entryOf(batch, i), where, node.core.epoch());
                }
                node.checkedUpTo = batch.endOffset();
            }
        }
    }

    /**
     * A log that does not start at 0 starts at a snapshot this node holds (the log is kept back
     * to the previous snapshot), and every snapshot it holds matches the committed history.
     */
    private void checkSnapshotAtLogStart(SimNode node, String where) {
        long start = node.log.startOffset();
        if (start > 0 && node.snapshots.read(new SnapshotId(start, node.log.startEpoch())).isEmpty()) {
            throw new InvariantViolation("SnapshotAtLogStart", where + ": log starts at " + start
                    + " (epoch " + node.log.startEpoch() + ") but no snapshot ends there; latest is "
                    + node.snapshots.latest().map(SnapshotStore.Snapshot::id));
        }
        Optional<SnapshotStore.Snapshot> latest = node.snapshots.latest();
        if (latest.isPresent()) {
            long end = latest.get().id().endOffset();
            if (end <= history.size() && SimStateMachine.stateHashOf(latest.get()) != history.stateHashAt(end)) {
                throw new InvariantViolation("LogMatching", where + ": snapshot " + latest.get().id()
                        + " does not match the committed history below it");
            }
        }
    }

    /** Voters whose durable state (log or snapshot) holds offset {@code end - 1} in {@code epoch}. */
    private int durableHolders(long end, int epoch) {
        int holders = 0;
        for (SimNode voter : sim.voters()) {
            boolean inSnapshot = voter.log.startOffset() >= end
                    || voter.snapshots.latest().map(snapshot -> snapshot.id().endOffset() >= end).orElse(false);
            if (inSnapshot) {
                holders++;
            } else if (voter.log.durableEndOffset() >= end && voter.log.epochOf(end - 1) == epoch) {
                holders++;
            }
        }
        return holders;
    }

    private static CommittedHistory.Entry entryOf(Batch batch, int index) {
        return new CommittedHistory.Entry(batch.epoch(), RecordHash.of(batch.records().get(index)), batch.control());
    }
}

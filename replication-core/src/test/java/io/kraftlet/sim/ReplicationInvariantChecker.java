package io.kraftlet.sim;

import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.raft.Batch;
import io.kraftlet.replication.ProduceRequest;
import io.kraftlet.replication.ProduceResult;
import io.kraftlet.replication.ReadResult;
import io.kraftlet.replication.ReplicaManager;
import io.kraftlet.replication.ReplicaManager.ReplicaView;
import io.kraftlet.replication.log.MemoryPartitionLog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks the "Replication" invariants of DESIGN §6 over the replica managers' views and logs,
 * after every event of the replication simulation, and throws {@link InvariantViolation}:
 * <ul>
 *   <li>NoHwAdvanceUnderMinIsr: a leader's HW (per partition and leader epoch) does not move up
 *       in a call into its replica manager after which its committed ISR is smaller than
 *       min.insync.replicas; NoAcksAllUnderMinIsr and
 *       AcksAllAfterHighWatermark: an acks=all success is given only by a leader whose ISR is
 *       large enough and whose HW covers the batch (checked as the answer is given).
 *   <li>StrongIsr: every other member of a leader's committed ISR that follows the same leader
 *       epoch holds durably (flushed) at least the leader's HW and, unless an unclean leadership
 *       of the partition was reported, the highest HW any replica of it ever had.
 *   <li>MonotonicHW: a replica's HW never falls within one replica manager's life, except by
 *       a reported unclean truncation.
 *   <li>NoTruncationBelowHW: no log is truncated below the highest HW its replica ever knew
 *       (in any incarnation), unless an unclean leadership of that partition was reported.
 *   <li>ReadBelowHighWatermark: a client read returns only offsets below the HW it carries.
 *   <li>CommittedPrefixAgreement: the batches below each replica's HW are those every replica
 *       ever held below its HW at the same offsets (one committed history per partition; after a
 *       reported unclean leadership of a partition, replicas hold two histories below their HWs
 *       until they truncate, so its agreement is left to the final convergence check).
 * </ul>
 */
final class ReplicationInvariantChecker {
    private record Truncation(int brokerId, TopicPartition partition, long offset) {
    }

    private final ReplicationSimulation rsim;
    private long checks;
    private long acksAllChecked;
    private long truncations;
    private final Map<String, Long> leaderHighWatermarks = new HashMap<>();
    private final Map<ReplicaManager, Map<TopicPartition, Long>> managerHighWatermarks = new IdentityHashMap<>();
    private final Map<String, Long> highestHighWatermarkEver = new HashMap<>();
    private final Map<String, Long> verifiedUpTo = new HashMap<>();
    /** The highest HW any replica of each partition ever had: every record below it may have been acknowledged. */
    private final Map<TopicPartition, Long> highestPartitionHighWatermark = new HashMap<>();
    private final Map<TopicPartition, TreeMap<Long, Batch>> committed = new HashMap<>();
    private final Map<TopicPartition, Integer> uncleanReports = new HashMap<>();
    private final Set<String> uncleanThisEvent = new HashSet<>();
    private final List<Truncation> truncationsThisEvent = new ArrayList<>();

    ReplicationInvariantChecker(ReplicationSimulation rsim) {
        this.rsim = rsim;
    }

    private static String key(int brokerId, TopicPartition partition) {
        return brokerId + ":" + partition;
    }

    // ---------------------------------------------------------------- observations

    void onTruncate(int brokerId, TopicPartition partition, long offset) {
        truncations++;
        truncationsThisEvent.add(new Truncation(brokerId, partition, offset));
        verifiedUpTo.remove(key(brokerId, partition));
    }

    /** The log lost its unflushed tail or went away: its verified prefix must be checked again. */
    void onLogReset(int brokerId, TopicPartition partition) {
        verifiedUpTo.remove(key(brokerId, partition));
    }

    void onUncleanReport(int brokerId, TopicPartition partition, long offset) {
        uncleanReports.merge(partition, 1, Integer::sum);
        uncleanThisEvent.add(key(brokerId, partition));
        // Replicas keep records of the old history below their HW until they fetch from the unclean
        // leader and truncate (and report it): agreement of this partition is left to the final
        // convergence check from now on.
        committed.remove(partition);
    }

    int uncleanReports(TopicPartition partition) {
        return uncleanReports.getOrDefault(partition, 0);
    }

    void onManagerGone(ReplicaManager manager) {
        managerHighWatermarks.remove(manager);
    }

    void onPartitionFailed(int brokerId, TopicPartition partition, String reason) {
        String invariant = reason.contains("truncate") ? "NoTruncationBelowHW" : "ReplicaFailed";
        throw new InvariantViolation(invariant, "the replica of " + partition + " on broker " + brokerId
                + " failed: " + reason);
    }

    /** An answer to a produce, as the leader gives it (its view read, never changed). */
    void onProduceAnswered(ReplicaBroker broker, ProduceRequest request, ProduceResult result) {
        if (request.acks() != -1 || !result.isSuccess()) {
            return;
        }
        acksAllChecked++;
        ReplicaView view = view(broker.manager, request.topicPartition());
        long end = result.baseOffset() + request.records().size();
        if (view == null || view.role() != ReplicaManager.Role.LEADER) {
            throw new InvariantViolation("AcksAllAfterHighWatermark", "broker " + broker.brokerId()
                    + " acknowledged acks=all at " + result.baseOffset() + " without leading " + request.topicPartition());
        }
        if (view.isr().size() < view.minInsyncReplicas()) {
            throw new InvariantViolation("NoAcksAllUnderMinIsr", "broker " + broker.brokerId() + " acknowledged acks=all "
                    + request.topicPartition() + "@" + result.baseOffset() + " with ISR " + view.isr() + " < min ISR "
                    + view.minInsyncReplicas());
        }
        if (view.highWatermark() < end) {
            throw new InvariantViolation("AcksAllAfterHighWatermark", "broker " + broker.brokerId()
                    + " acknowledged acks=all " + request.topicPartition() + " [" + result.baseOffset() + "," + end
                    + ") with its HW at " + view.highWatermark());
        }
    }

    void onRead(ReplicaBroker broker, TopicPartition partition, long offset, ReadResult result) {
        for (Batch batch : result.batches()) {
            if (batch.lastOffset() >= result.highWatermark()) {
                throw new InvariantViolation("ReadBelowHighWatermark", "broker " + broker.brokerId() + " returned "
                        + batch + " for a read of " + partition + "@" + offset + " with HW " + result.highWatermark());
            }
        }
    }

    static ReplicaView view(ReplicaManager manager, TopicPartition partition) {
        if (manager == null) {
            return null;
        }
        for (ReplicaView view : manager.replicas()) {
            if (view.topicPartition().equals(partition)) {
                return view;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- after every event

    void afterEvent() {
        checks++;
        Map<Integer, List<ReplicaView>> views = new TreeMap<>();
        for (ReplicaBroker broker : rsim.liveBrokers()) {
            views.put(broker.brokerId(), broker.manager.replicas());
        }
        checkTruncations();
        for (ReplicaBroker broker : rsim.liveBrokers()) {
            for (ReplicaView view : views.get(broker.brokerId())) {
                if (view.failed()) {
                    continue;
                }
                checkHighWatermark(broker, view);
                if (view.role() == ReplicaManager.Role.LEADER) {
                    checkLeader(broker, view, views);
                }
                checkCommittedPrefix(broker, view);
            }
        }
        uncleanThisEvent.clear();
    }

    private void checkTruncations() {
        for (Truncation truncation : truncationsThisEvent) {
            String key = key(truncation.brokerId(), truncation.partition());
            long highest = highestHighWatermarkEver.getOrDefault(key, 0L);
            if (truncation.offset() < highest) {
                if (uncleanReports(truncation.partition()) == 0) {
                    throw new InvariantViolation("NoTruncationBelowHW", "broker " + truncation.brokerId()
                            + " truncated " + truncation.partition() + " to " + truncation.offset()
                            + " below the HW " + highest + " it knew, with no unclean leadership reported");
                }
                highestHighWatermarkEver.put(key, truncation.offset());
            }
        }
        truncationsThisEvent.clear();
    }

    private void checkHighWatermark(ReplicaBroker broker, ReplicaView view) {
        String key = key(broker.brokerId(), view.topicPartition());
        Map<TopicPartition, Long> known = managerHighWatermarks.computeIfAbsent(broker.manager, m -> new HashMap<>());
        Long before = known.put(view.topicPartition(), view.highWatermark());
        if (before != null && view.highWatermark() < before && !uncleanThisEvent.contains(key)) {
            throw new InvariantViolation("MonotonicHW", "broker " + broker.brokerId() + "'s HW of " + view.topicPartition()
                    + " fell from " + before + " to " + view.highWatermark() + ": " + view);
        }
        highestHighWatermarkEver.merge(key, view.highWatermark(), Math::max);
        highestPartitionHighWatermark.merge(view.topicPartition(), view.highWatermark(), Math::max);
    }

    /**
     * After every call into a replica manager (an event may publish several images, so an ISR may
     * grow and shrink again within one event): no leader's HW moved up while its committed ISR is
     * under min.insync.replicas. Within one call the manager changes the ISR before the HW.
     */
    void afterManagerCall(ReplicaBroker broker) {
        for (ReplicaView leader : broker.manager.replicas()) {
            if (leader.role() != ReplicaManager.Role.LEADER) {
                continue;
            }
            String epochKey = leader.topicPartition() + "@" + leader.leaderEpoch();
            Long before = leaderHighWatermarks.put(epochKey, leader.highWatermark());
            if (before != null && leader.highWatermark() > before && leader.isr().size() < leader.minInsyncReplicas()) {
                throw new InvariantViolation("NoHwAdvanceUnderMinIsr", "broker " + broker.brokerId() + " moved the HW of "
                        + leader.topicPartition() + " from " + before + " to " + leader.highWatermark() + " with ISR "
                        + leader.isr() + " < min ISR " + leader.minInsyncReplicas());
            }
        }
    }

    private void checkLeader(ReplicaBroker broker, ReplicaView leader, Map<Integer, List<ReplicaView>> views) {
        for (int member : leader.isr()) {
            if (member == broker.brokerId() || !views.containsKey(member)) {
                continue;
            }
            ReplicaView follower = views.get(member).stream()
                    .filter(v -> v.topicPartition().equals(leader.topicPartition())).findFirst().orElse(null);
            if (follower == null || follower.failed() || follower.role() != ReplicaManager.Role.FOLLOWER
                    || follower.leaderEpoch() != leader.leaderEpoch()) {
                continue; // not (yet) following this leader epoch
            }
            MemoryPartitionLog log = rsim.replicaBroker(member).logs.log(leader.topicPartition());
            long durable = log == null ? 0 : log.durableEndOffset();
            // The leader's HW may lag the highest HW an earlier leader reached (a new leader learns it
            // late); after clean elections every ISR member holds that too, as it may be acknowledged.
            long required = uncleanReports(leader.topicPartition()) > 0 ? leader.highWatermark()
                    : Math.max(leader.highWatermark(), highestPartitionHighWatermark.getOrDefault(leader.topicPartition(), 0L));
            if (durable < required) {
                throw new InvariantViolation("StrongIsr", "ISR member " + member + " of " + leader.topicPartition()
                        + " (leader " + broker.brokerId() + ", epoch " + leader.leaderEpoch() + ", ISR " + leader.isr()
                        + ", HW " + leader.highWatermark() + ") holds durably up to " + durable + ", below the HW "
                        + required + " the partition reached");
            }
        }
    }

    private void checkCommittedPrefix(ReplicaBroker broker, ReplicaView view) {
        if (uncleanReports(view.topicPartition()) > 0) {
            return;
        }
        MemoryPartitionLog log = broker.logs.log(view.topicPartition());
        String key = key(broker.brokerId(), view.topicPartition());
        long from = verifiedUpTo.getOrDefault(key, log.startOffset());
        long highWatermark = view.highWatermark();
        if (highWatermark <= from) {
            return;
        }
        TreeMap<Long, Batch> history = committed.computeIfAbsent(view.topicPartition(), tp -> new TreeMap<>());
        List<Batch> batches = log.batches();
        int index = firstBatchAtOrAfter(batches, from);
        long verified = from;
        for (int i = index; i < batches.size() && batches.get(i).endOffset() <= highWatermark; i++) {
            Batch batch = batches.get(i);
            Batch agreed = history.putIfAbsent(batch.baseOffset(), batch);
            if (agreed != null && !sameBatch(agreed, batch)) {
                throw new InvariantViolation("CommittedPrefixAgreement", "broker " + broker.brokerId() + " holds "
                        + describe(batch) + " below its HW " + highWatermark + " of " + view.topicPartition()
                        + ", where the committed history has " + describe(agreed));
            }
            verified = batch.endOffset();
        }
        verifiedUpTo.put(key, verified);
    }

    private static int firstBatchAtOrAfter(List<Batch> batches, long offset) {
        int low = 0;
        int high = batches.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (batches.get(mid).baseOffset() < offset) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    static boolean sameBatch(Batch a, Batch b) {
        if (a.baseOffset() != b.baseOffset() || a.epoch() != b.epoch() || a.records().size() != b.records().size()) {
            return false;
        }
        for (int i = 0; i < a.records().size(); i++) {
            if (!Arrays.equals(a.records().get(i), b.records().get(i))) {
                return false;
            }
        }
        return true;
    }

    static String describe(Batch batch) {
        StringBuilder text = new StringBuilder("batch@" + batch.baseOffset() + " epoch " + batch.epoch() + " [");
        for (int i = 0; i < batch.records().size(); i++) {
            text.append(i == 0 ? "" : ",").append(new String(batch.records().get(i), java.nio.charset.StandardCharsets.UTF_8));
        }
        return text.append(']').toString();
    }

    long checks() {
        return checks;
    }

    long acksAllChecked() {
        return acksAllChecked;
    }

    long truncations() {
        return truncations;
    }

    int uncleanReportsTotal() {
        return uncleanReports.values().stream().mapToInt(Integer::intValue).sum();
    }
}

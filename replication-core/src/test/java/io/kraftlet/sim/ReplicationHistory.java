package io.kraftlet.sim;

import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.image.TopicImage;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.raft.Batch;
import io.kraftlet.replication.ProduceRequest;
import io.kraftlet.replication.ProduceResult;
import io.kraftlet.replication.ReplicaManager;
import io.kraftlet.replication.log.MemoryPartitionLog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the clients saw, and the Jepsen-style check of it once the cluster has healed and the
 * clients are done: every acknowledged acks=all record is in the final leader's log at the
 * offset it was acknowledged at, no acknowledged record appears twice, and every value a
 * consumer read is still at its offset. With unclean elections allowed, a lost record is
 * accepted only if the cluster reported an unclean leadership of its partition: loss is never
 * silent. Reads are checked as they come: an offset never changes value. Liveness: every
 * acks=all request sent after the cluster settled is answered, and every replica ends with the
 * leader's log.
 */
final class ReplicationHistory {
    private record Ack(TopicPartition partition, long baseOffset, List<String> values, int acks, int clientId) {
    }

    private record Read(String value, int brokerId) {
    }

    private final ReplicationSimulation rsim;
    private final List<Ack> acks = new ArrayList<>();
    private final Map<TopicPartition, Map<Long, Read>> reads = new HashMap<>();
    private final List<String> lateTimeouts = new ArrayList<>();
    private long produceRequests;
    private long acksAllSent;
    private long acksAllAcked;
    private long acksOneAcked;
    private long recordsRead;
    private long lostAfterReportedUncleanElection;

    ReplicationHistory(ReplicationSimulation rsim) {
        this.rsim = rsim;
    }

    void onProduceSent(int acks) {
        produceRequests++;
        acksAllSent += acks == -1 ? 1 : 0;
    }

    void onProduceAnswered(int clientId, ProduceRequest request, List<String> values, ProduceResult result, int brokerId) {
        if (!result.isSuccess()) {
            return;
        }
        acks.add(new Ack(request.topicPartition(), result.baseOffset(), values, request.acks(), clientId));
        if (request.acks() == -1) {
            acksAllAcked++;
        } else {
            acksOneAcked++;
        }
    }

    void onProduceTimedOut(ProduceRequest request, long sentMs, int brokerId) {
        if (request.acks() == -1 && sentMs >= rsim.sim().settledMs()) {
            lateTimeouts.add(request.topicPartition() + " acks=all sent at " + sentMs + "ms to broker " + brokerId);
        }
    }

    void onRead(TopicPartition partition, long offset, String value, int brokerId, long highWatermark) {
        recordsRead++;
        Read before = reads.computeIfAbsent(partition, p -> new HashMap<>()).put(offset, new Read(value, brokerId));
        if (before != null && !before.value().equals(value) && rsim.checker().uncleanReports(partition) == 0) {
            throw new InvariantViolation("ReadValueStable", partition + "@" + offset + " was read as " + before.value()
                    + " from broker " + before.brokerId() + ", now as " + value + " from broker " + brokerId
                    + " (HW " + highWatermark + ")");
        }
    }

    /** At the end of a run: liveness and the history checks against each partition's final leader. */
    void checkAtEnd(MetadataImage image) {
        if (!lateTimeouts.isEmpty()) {
            throw new InvariantViolation("Liveness", lateTimeouts.size() + " acks=all requests sent after the cluster "
                    + "settled got no answer, e.g. " + lateTimeouts.get(0));
        }
        TopicImage topic = image.topics().topic(ReplicationSimulation.TOPIC);
        if (topic == null) {
            throw new InvariantViolation("Liveness", "topic " + ReplicationSimulation.TOPIC + " was never created");
        }
        Map<TopicPartition, List<String>> finalLogs = new HashMap<>();
        for (int p = 0; p < topic.partitionCount(); p++) {
            TopicPartition tp = new TopicPartition(ReplicationSimulation.TOPIC, p);
            finalLogs.put(tp, checkConverged(tp, topic.partition(p)));
        }
        for (Ack ack : acks) {
            List<String> log = finalLogs.get(ack.partition());
            for (int i = 0; i < ack.values().size(); i++) {
                long offset = ack.baseOffset() + i;
                String held = offset < log.size() ? log.get((int) offset) : null;
                if (ack.acks() == -1 && !ack.values().get(i).equals(held)) {
                    lost("AckedRecordLost", ack.partition(), "acks=all record " + ack.values().get(i)
                            + " acknowledged at offset " + offset + " is not there in the final log (holds " + held + ")");
                }
            }
        }
        checkNoDuplicates(finalLogs);
        for (Map.Entry<TopicPartition, Map<Long, Read>> entry : reads.entrySet()) {
            List<String> log = finalLogs.get(entry.getKey());
            for (Map.Entry<Long, Read> read : entry.getValue().entrySet()) {
                long offset = read.getKey();
                String held = offset < log.size() ? log.get((int) offset) : null;
                if (!read.getValue().value().equals(held)) {
                    lost("ReadValueStable", entry.getKey(), "offset " + offset + " was read as " + read.getValue().value()
                            + " but the final log holds " + held);
                }
            }
        }
    }

    private void lost(String invariant, TopicPartition partition, String detail) {
        lostAfterReportedUncleanElection++;
        if (rsim.checker().uncleanReports(partition) == 0) {
            throw new InvariantViolation(invariant, detail + ", and no unclean leadership of " + partition
                    + " was reported (controller unclean elections: " + rsim.sim().checker().uncleanElections() + ")");
        }
    }

    private void checkNoDuplicates(Map<TopicPartition, List<String>> finalLogs) {
        Map<String, Boolean> acknowledged = new HashMap<>();
        for (Ack ack : acks) {
            for (String value : ack.values()) {
                acknowledged.put(value, Boolean.TRUE);
            }
        }
        for (Map.Entry<TopicPartition, List<String>> entry : finalLogs.entrySet()) {
            Map<String, Integer> seen = new HashMap<>();
            List<String> log = entry.getValue();
            for (int offset = 0; offset < log.size(); offset++) {
                Integer first = seen.put(log.get(offset), offset);
                if (first != null && acknowledged.containsKey(log.get(offset))) {
                    throw new InvariantViolation("NoDuplicate", "acknowledged record " + log.get(offset) + " is in "
                            + entry.getKey() + " twice, at " + first + " and " + offset);
                }
            }
        }
    }

    /** Every replica holds the leader's log and the leader's HW covers it; returns the values by offset. */
    private List<String> checkConverged(TopicPartition tp, PartitionRegistration registration) {
        ReplicaBroker leader = rsim.replicaBroker(registration.leader());
        if (leader == null) {
            throw new InvariantViolation("Liveness", "after healing " + tp + " has no running leader: " + registration);
        }
        MemoryPartitionLog leaderLog = leader.logs.log(tp);
        ReplicaManager.ReplicaView view = ReplicationInvariantChecker.view(leader.manager, tp);
        if (view == null || view.role() != ReplicaManager.Role.LEADER || view.highWatermark() != leaderLog.endOffset()) {
            throw new InvariantViolation("Liveness", "after healing the leader " + registration.leader() + " of " + tp
                    + " has not committed its log (" + leaderLog + "): " + view);
        }
        for (int replica : registration.replicas()) {
            ReplicaBroker follower = rsim.replicaBroker(replica);
            MemoryPartitionLog log = follower == null ? null : follower.logs.log(tp);
            if (log == null || !sameLog(log.batches(), leaderLog.batches())) {
                throw new InvariantViolation("Liveness", "after healing replica " + replica + " of " + tp + " does not "
                        + "hold the leader's log " + leaderLog + ": " + log + " (" + registration + ")");
            }
        }
        List<String> values = new ArrayList<>();
        for (Batch batch : leaderLog.batches()) {
            for (byte[] record : batch.records()) {
                values.add(new String(record, StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static boolean sameLog(List<Batch> a, List<Batch> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!ReplicationInvariantChecker.sameBatch(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    long produceRequests() {
        return produceRequests;
    }

    long acksAllSent() {
        return acksAllSent;
    }

    long acksAllAcked() {
        return acksAllAcked;
    }

    long acksOneAcked() {
        return acksOneAcked;
    }

    /** Acknowledged records (or read values) not in the final log, each after a reported unclean leadership. */
    long lostAfterReportedUncleanElection() {
        return lostAfterReportedUncleanElection;
    }

    long recordsRead() {
        return recordsRead;
    }
}

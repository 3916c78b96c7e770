package io.kraftlet.sim;

import io.kraftlet.codec.MetadataRecordCodec;
import io.kraftlet.controller.ConfigurationControlManager;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerEffects;
import io.kraftlet.image.BrokerRegistration;
import io.kraftlet.image.MetadataDelta;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.image.TopicImage;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.MetadataRecord;
import io.kraftlet.raft.Batch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Checks the "Controller" invariants of DESIGN §6 and throws {@link InvariantViolation} naming
 * the one that failed:
 *
 * <ul>
 *   <li>On every image any node publishes (controllers' committed images, brokers' images):
 *       LeaderInIsr (unless leader = -1, or RECOVERING after an unclean election),
 *       NoFencedBrokerInIsr (no fenced or shutting-down broker leads or is in an ISR, except
 *       the last ISR member of a leaderless partition, which stays by design: see
 *       {@link io.kraftlet.controller.PartitionChangeBuilder}), IsrSubsetOfReplicas,
 *       IsrNeverEmpty, ElrDisjointFromIsr; against the node's previous image,
 *       LeaderEpochIncreases and PartitionEpochIncreases; and IdenticalImageAtOffset: every
 *       node that reached offset N holds the image the first one had there.</li>
 *   <li>On the committed log, record by record (a shadow replay of the first copy of each
 *       batch any node commits): every PartitionChange bumps the partition epoch, and the
 *       leader epoch when the leader changes; CleanElection: a new leader comes from the
 *       previous ISR or ELR, unless the partition becomes RECOVERING and its topic allows
 *       unclean elections; PreferredElectionNeverUnclean: leadership taken from a live
 *       leader (only a PREFERRED election does that) goes to replicas[0] in the ISR.</li>
 *   <li>On the controller: StaleAlterPartitionRefused: a proposal that an independent oracle
 *       finds invalid against the active controller's latest image (stale leader or partition
 *       epoch, not the leader, an ineligible member) changes nothing, and
 *       AlterPartitionAsProposed: a valid one is written as proposed; ReplyOnce: every
 *       request a controller received is answered exactly once (unless it stops).</li>
 * </ul>
 *
 * <p>Images are immutable and checked when published, so every node's current image has been
 * checked after every event; {@link #afterEvent} makes sure of it.
 */
final class ControllerInvariantChecker {
    private record PartitionKey(UUID topicId, int partition) {
    }

    private final ControllerSimulation sim;
    private long checks;
    private long imagesChecked;
    private long partitionChangesChecked;
    private long elections;
    private long uncleanElections;
    private long preferredElections;
    private long alterPartitionsSent;
    private long alterPartitionsRefusedByOracle;
    private long alterPartitionsAccepted;
    /** The image the first node reaching each offset had there. */
    private final Map<Long, MetadataImage> imageAt = new HashMap<>();
    /** The committed log replayed record by record. */
    private MetadataImage shadow = MetadataImage.EMPTY;
    /** Per controller node: requests received and not answered yet, with when they came. */
    private final Map<Integer, Map<Long, Long>> awaitingReply = new HashMap<>();

    ControllerInvariantChecker(ControllerSimulation sim) {
        this.sim = sim;
    }

    // ---------------------------------------------------------------- images

    /** A node published a new image (from a committed batch or a loaded snapshot). */
    void onImage(MetadataSimNode node, MetadataImage image) {
        checks++;
        imagesChecked++;
        String where = node.name() + " at " + sim.nowMs() + "ms, image at offset " + image.endOffset();
        MetadataImage first = imageAt.putIfAbsent(image.endOffset(), image);
        if (first != null && !first.equals(image)) {
            throw new InvariantViolation("IdenticalImageAtOffset", where + " differs from the image another node had "
                    + "at that offset: " + difference(first, image));
        }
        if (first == null) {
            checkImage(image, where);
        }
        checkSuccessor(node.lastImage, image, where);
    }

    private void checkImage(MetadataImage image, String where) {
        for (TopicImage topic : image.topics().byId().values()) {
            for (int p = 0; p < topic.partitionCount(); p++) {
                checkPartition(image, topic.partition(p), where + " " + topic.name() + "-" + p);
            }
        }
    }

    private static void checkPartition(MetadataImage image, PartitionRegistration partition, String where) {
        List<Integer> isr = partition.isr();
        List<Integer> replicas = partition.replicas();
        if (isr.isEmpty()) {
            throw new InvariantViolation("IsrNeverEmpty", where + ": " + partition);
        }
        if (!replicas.containsAll(isr)) {
            throw new InvariantViolation("IsrSubsetOfReplicas", where + ": " + partition);
        }
        for (int member : partition.elr()) {
            if (isr.contains(member)) {
                throw new InvariantViolation("ElrDisjointFromIsr", where + ": broker " + member + " is in both: "
                        + partition);
            }
        }
        int leader = partition.leader();
        if (leader != MetadataRecord.NO_LEADER) {
            boolean recovering = partition.leaderRecoveryState() == LeaderRecoveryState.RECOVERING;
            if (!replicas.contains(leader) || !isr.contains(leader) && !recovering) {
                throw new InvariantViolation("LeaderInIsr", where + ": " + partition);
            }
            if (!image.cluster().isActive(leader)) {
                throw new InvariantViolation("NoFencedBrokerInIsr", where + ": leader " + leader + " is "
                        + image.cluster().broker(leader) + ": " + partition);
            }
        }
        for (int member : isr) {
            BrokerRegistration broker = image.cluster().broker(member);
            if (broker == null || !broker.isActive()) {
                // By design the last ISR member stays when it dies, with no leader (no silent shrink to empty).
                boolean lastMemberStays = leader == MetadataRecord.NO_LEADER && isr.size() == 1;
                if (!lastMemberStays) {
                    throw new InvariantViolation("NoFencedBrokerInIsr", where + ": ISR member " + member + " is "
                            + (broker == null ? "not registered" : broker.fenced() ? "fenced" : "shutting down")
                            + ": " + partition);
                }
            }
        }
    }

    /** The same partition in a node's previous and next image: epochs only grow, and grow on change. */
    private static void checkSuccessor(MetadataImage previous, MetadataImage next, String where) {
        for (TopicImage topic : next.topics().byId().values()) {
            TopicImage before = previous.topics().topic(topic.id());
            if (before == null || before == topic) {
                continue;
            }
            for (int p = 0; p < Math.min(before.partitionCount(), topic.partitionCount()); p++) {
                PartitionRegistration a = before.partition(p);
                PartitionRegistration b = topic.partition(p);
                if (a.equals(b)) {
                    continue;
                }
                String here = where + " " + topic.name() + "-" + p + ": " + a + " then " + b;
                if (b.partitionEpoch() <= a.partitionEpoch()) {
                    throw new InvariantViolation("PartitionEpochIncreases", here);
                }
                if (b.leaderEpoch() < a.leaderEpoch() || b.leader() != a.leader() && b.leaderEpoch() <= a.leaderEpoch()) {
                    throw new InvariantViolation("LeaderEpochIncreases", here);
                }
            }
        }
    }

    private static String difference(MetadataImage a, MetadataImage b) {
        if (!a.cluster().equals(b.cluster())) {
            return "brokers " + a.cluster().brokers().values() + " vs " + b.cluster().brokers().values();
        }
        if (!a.configs().equals(b.configs())) {
            return "configs " + a.configs() + " vs " + b.configs();
        }
        for (TopicImage topic : a.topics().byId().values()) {
            TopicImage other = b.topics().topic(topic.id());
            if (!topic.equals(other)) {
                return "topic " + topic.name() + " " + topic.partitions() + " vs "
                        + (other == null ? "none" : other.partitions());
            }
        }
        return "topics " + a.topics() + " vs " + b.topics();
    }

    // ---------------------------------------------------------------- the committed log

    /** A node is about to apply a committed batch: the first copy of each batch is replayed record by record. */
    void onCommittedBatch(MetadataSimNode node, Batch batch) {
        checks++;
        long end = shadow.endOffset();
        if (batch.baseOffset() < end) {
            return; // replayed already; IdenticalImageAtOffset compares the node's image
        }
        if (batch.baseOffset() > end) {
            throw new IllegalStateException(node.name() + " commits " + batch + " but the checker's replay of the "
                    + "committed log ends at " + end + ": the first node to reach an offset must commit it");
        }
        long offset = batch.baseOffset();
        if (batch.control()) {
            shadow = new MetadataDelta(shadow).apply(batch.endOffset());
            return;
        }
        for (byte[] bytes : batch.records()) {
            MetadataRecord record = MetadataRecordCodec.decode(bytes);
            MetadataImage before = shadow;
            MetadataDelta delta = new MetadataDelta(before);
            delta.replay(record, offset);
            shadow = delta.apply(offset + 1);
            if (record instanceof MetadataRecord.PartitionChange change) {
                checkChange(before, shadow, change, "offset " + offset + " (" + node.name() + " at " + sim.nowMs() + "ms)");
            }
            offset++;
        }
    }

    private void checkChange(MetadataImage imageBefore, MetadataImage imageAfter, MetadataRecord.PartitionChange change,
            String where) {
        partitionChangesChecked++;
        TopicImage topic = imageBefore.topics().topic(change.topicId());
        PartitionRegistration before = topic.partition(change.partitionId());
        PartitionRegistration after = imageAfter.topics().topic(change.topicId()).partition(change.partitionId());
        String here = where + " " + topic.name() + "-" + change.partitionId() + ": " + before + " then " + after;
        if (after.partitionEpoch() <= before.partitionEpoch()) {
            throw new InvariantViolation("PartitionEpochIncreases", here);
        }
        if (after.leader() == before.leader()) {
            return;
        }
        if (after.leaderEpoch() <= before.leaderEpoch()) {
            throw new InvariantViolation("LeaderEpochIncreases", here);
        }
        if (!after.hasLeader()) {
            return;
        }
        elections++;
        boolean fromIsr = before.inIsr(after.leader());
        boolean fromIsrOrElr = fromIsr || before.inElr(after.leader());
        boolean liveLeaderBefore = before.hasLeader() && imageBefore.cluster().isActive(before.leader());
        if (liveLeaderBefore) {
            // Only a PREFERRED election takes leadership from a live leader (ONLINE keeps it).
            preferredElections++;
            if (!fromIsr || after.leader() != before.preferredLeader()
                    || after.leaderRecoveryState() != before.leaderRecoveryState()) {
                throw new InvariantViolation("PreferredElectionNeverUnclean", here + " (leader " + before.leader()
                        + " was live; a preferred election must pick replicas[0] from the ISR)");
            }
        } else if (!fromIsrOrElr) {
            boolean allowed = uncleanAllowed(imageBefore, topic.name());
            if (after.leaderRecoveryState() != LeaderRecoveryState.RECOVERING || !allowed) {
                throw new InvariantViolation("CleanElection", here + " (new leader " + after.leader()
                        + " is outside the previous ISR and ELR; unclean.leader.election.enable=" + allowed + ")");
            }
            uncleanElections++;
        }
    }

    /** The topic's unclean.leader.election.enable: its own value, else the cluster default in the log, else false. */
    private static boolean uncleanAllowed(MetadataImage image, String topic) {
        return image.configs().topicValue(topic, ConfigurationControlManager.UNCLEAN_LEADER_ELECTION_ENABLE)
                .map(Boolean::parseBoolean)
                .orElse(ControllerSimulation.CONTROLLER_CONFIG.defaultUncleanLeaderElectionEnable());
    }

    // ---------------------------------------------------------------- AlterPartition

    void onAlterPartitionSent() {
        alterPartitionsSent++;
    }

    void onAlterPartitionReply(ControllerApi.AlterPartitionReply reply) {
        for (ControllerApi.PartitionChangeResult result : reply.partitions()) {
            if (result.error().isSuccess()) {
                alterPartitionsAccepted++;
            }
        }
    }

    /**
     * An AlterPartition the controller just handled: every proposal the oracle finds invalid
     * against the controller's latest image before the call must have written nothing.
     */
    void checkAlterPartition(SimController node, ControllerApi.AlterPartitionRequest request, MetadataImage before,
            boolean activeBefore, ControllerEffects effects) {
        checks++;
        Map<PartitionKey, MetadataRecord.PartitionChange> changed = new HashMap<>();
        for (ControllerEffects.Append append : effects.appends()) {
            for (MetadataRecord record : append.records()) {
                if (record instanceof MetadataRecord.PartitionChange change) {
                    changed.put(new PartitionKey(change.topicId(), change.partitionId()), change);
                }
            }
        }
        if (!activeBefore) {
            if (!effects.appends().isEmpty()) {
                throw new InvariantViolation("StaleAlterPartitionRefused", node.name() + " was not active but wrote "
                        + effects.appends());
            }
            return;
        }
        for (ControllerApi.PartitionChangeProposal proposal : request.partitions()) {
            String refusal = oracleRefusal(before, request, proposal);
            MetadataRecord.PartitionChange change = changed.get(new PartitionKey(proposal.topicId(), proposal.partition()));
            if (refusal == null) {
                checkAsProposed(node, before, proposal, change);
                continue;
            }
            alterPartitionsRefusedByOracle++;
            if (change != null) {
                throw new InvariantViolation("StaleAlterPartitionRefused", node.name() + " at " + sim.nowMs()
                        + "ms applied an AlterPartition from broker " + request.brokerId() + " that must be refused ("
                        + refusal + "): " + proposal + " wrote " + effects.appends());
            }
        }
    }

    /** A valid proposal is written as proposed: its ISR and recovery state, the leader unchanged. */
    private void checkAsProposed(SimController node, MetadataImage before, ControllerApi.PartitionChangeProposal proposal,
            MetadataRecord.PartitionChange change) {
        PartitionRegistration current = before.topics().topic(proposal.topicId()).partition(proposal.partition());
        PartitionRegistration after = change == null ? current : current.merge(change);
        List<Integer> proposedIsr = proposal.newIsr().stream().map(ControllerApi.BrokerState::brokerId).toList();
        if (!after.isr().equals(proposedIsr) || after.leader() != current.leader()
                || after.leaderRecoveryState() != proposal.leaderRecoveryState()) {
            throw new InvariantViolation("AlterPartitionAsProposed", node.name() + " at " + sim.nowMs() + "ms turned "
                    + "the valid proposal " + proposal + " for " + current + " into " + after);
        }
    }

    /** Why the proposal must be refused against {@code image}, or null if it is valid. */
    private static String oracleRefusal(MetadataImage image, ControllerApi.AlterPartitionRequest request,
            ControllerApi.PartitionChangeProposal proposal) {
        BrokerRegistration sender = image.cluster().broker(request.brokerId());
        if (sender == null || sender.epoch() != request.brokerEpoch()) {
            return "the sender's broker epoch " + request.brokerEpoch() + " is not its registration " + sender;
        }
        TopicImage topic = image.topics().topic(proposal.topicId());
        PartitionRegistration partition = topic == null ? null : topic.partition(proposal.partition());
        if (partition == null) {
            return "no such partition";
        }
        if (proposal.leaderEpoch() != partition.leaderEpoch() || proposal.partitionEpoch() != partition.partitionEpoch()) {
            return "epochs " + proposal.leaderEpoch() + "/" + proposal.partitionEpoch() + " are not the current "
                    + partition.leaderEpoch() + "/" + partition.partitionEpoch();
        }
        if (partition.leader() != request.brokerId()) {
            return "the sender is not the leader " + partition.leader();
        }
        List<Integer> newIsr = new ArrayList<>();
        for (ControllerApi.BrokerState member : proposal.newIsr()) {
            newIsr.add(member.brokerId());
            BrokerRegistration broker = image.cluster().broker(member.brokerId());
            if (broker == null || !broker.isActive() || member.brokerEpoch() != -1 && member.brokerEpoch() != broker.epoch()
                    || !partition.isReplica(member.brokerId())) {
                return "member " + member + " is ineligible: " + broker;
            }
        }
        if (!newIsr.contains(partition.leader()) || new HashSet<>(newIsr).size() != newIsr.size()) {
            return "the new ISR " + newIsr + " lacks the leader or has duplicates";
        }
        return null;
    }

    // ---------------------------------------------------------------- replies

    void onRequest(SimController node, long requestId) {
        Long previous = awaitingReply.computeIfAbsent(node.id, k -> new HashMap<>()).put(requestId, sim.nowMs());
        if (previous != null) {
            throw new InvariantViolation("ReplyOnce", node.name() + " received request " + requestId + " twice");
        }
    }

    void onReply(SimController node, long requestId) {
        checks++;
        Long received = awaitingReply.getOrDefault(node.id, Map.of()).get(requestId);
        if (received == null) {
            throw new InvariantViolation("ReplyOnce", node.name() + " answered request " + requestId
                    + ", which it did not receive or answered already");
        }
        awaitingReply.get(node.id).remove(requestId);
    }

    void onControllerStopped(SimController node) {
        awaitingReply.remove(node.id);
    }

    /** Liveness: every request a running controller received before {@code beforeMs} is answered. */
    void checkEveryRequestAnswered(long beforeMs) {
        for (Map.Entry<Integer, Map<Long, Long>> entry : awaitingReply.entrySet()) {
            for (Map.Entry<Long, Long> request : entry.getValue().entrySet()) {
                if (request.getValue() < beforeMs) {
                    throw new InvariantViolation("Liveness", "controller " + entry.getKey() + " never answered request "
                            + request.getKey() + " received at " + request.getValue() + "ms");
                }
            }
        }
    }

    // ---------------------------------------------------------------- per event

    /** After every event: every running node's current image is one this checker has seen. */
    void afterEvent(List<MetadataSimNode> nodes) {
        checks++;
        for (MetadataSimNode node : nodes) {
            if (node.up() && node.loader.image() != node.lastImage && node.loader.image() != MetadataImage.EMPTY) {
                throw new IllegalStateException(node.name() + " holds an image the checker never saw");
            }
        }
    }

    long checks() {
        return checks;
    }

    long imagesChecked() {
        return imagesChecked;
    }

    long partitionChangesChecked() {
        return partitionChangesChecked;
    }

    long elections() {
        return elections;
    }

    long uncleanElections() {
        return uncleanElections;
    }

    long preferredElections() {
        return preferredElections;
    }

    long alterPartitionsSent() {
        return alterPartitionsSent;
    }

    long alterPartitionsAccepted() {
        return alterPartitionsAccepted;
    }

    long alterPartitionsRefusedByOracle() {
        return alterPartitionsRefusedByOracle;
    }

    long committedEndOffset() {
        return shadow.endOffset();
    }
}

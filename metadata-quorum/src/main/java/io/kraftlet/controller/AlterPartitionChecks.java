package io.kraftlet.controller;

import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.image.TopicImage;
import io.kraftlet.metadata.LeaderRecoveryState;
import java.util.HashSet;
import java.util.List;

/**
 * The per-partition checks of an AlterPartition proposal, in the order of DESIGN §3: partition
 * exists, not from the future, leader epoch, sender is leader, partition epoch, leader in the
 * new ISR, no duplicates, members are replicas, no move back to RECOVERING, every member
 * eligible. The first failing check is the answer.
 */
final class AlterPartitionChecks {
    private AlterPartitionChecks() {
    }

    static ApiError check(MetadataImage image, ControllerApi.AlterPartitionRequest request,
            ControllerApi.PartitionChangeProposal proposal, TopicImage topic, PartitionRegistration partition) {
        String name = topic == null ? proposal.topicId().toString() : topic.name();
        if (topic == null) {
            return ApiError.of(ControllerError.UNKNOWN_TOPIC_ID, "topic id " + proposal.topicId() + " does not exist");
        }
        if (partition == null) {
            return ApiError.of(ControllerError.UNKNOWN_TOPIC_OR_PARTITION, "topic " + name + " has no partition "
                    + proposal.partition());
        }
        String where = name + "-" + proposal.partition();
        if (proposal.leaderEpoch() > partition.leaderEpoch() || proposal.partitionEpoch() > partition.partitionEpoch()) {
            return ApiError.of(ControllerError.NOT_CONTROLLER, where + ": the request carries leader epoch "
                    + proposal.leaderEpoch() + " / partition epoch " + proposal.partitionEpoch()
                    + ", newer than this controller's " + partition.leaderEpoch() + " / " + partition.partitionEpoch());
        }
        if (proposal.leaderEpoch() < partition.leaderEpoch()) {
            return ApiError.of(ControllerError.FENCED_LEADER_EPOCH, where + ": leader epoch " + proposal.leaderEpoch()
                    + " is older than the current " + partition.leaderEpoch());
        }
        if (request.brokerId() != partition.leader()) {
            return ApiError.of(ControllerError.NOT_LEADER_OR_FOLLOWER, where + ": broker " + request.brokerId()
                    + " is not the leader (" + partition.leader() + ")");
        }
        if (proposal.partitionEpoch() < partition.partitionEpoch()) {
            return ApiError.of(ControllerError.INVALID_UPDATE_VERSION, where + ": partition epoch "
                    + proposal.partitionEpoch() + " is older than the current " + partition.partitionEpoch());
        }
        List<Integer> newIsr = proposal.newIsr().stream().map(ControllerApi.BrokerState::brokerId).toList();
        if (!newIsr.contains(partition.leader())) {
            return ApiError.of(ControllerError.INVALID_REQUEST, where + ": the proposed ISR " + newIsr
                    + " does not contain the leader " + partition.leader());
        }
        if (new HashSet<>(newIsr).size() != newIsr.size()) {
            return ApiError.of(ControllerError.INVALID_REQUEST, where + ": the proposed ISR " + newIsr + " has duplicates");
        }
        for (int broker : newIsr) {
            if (!partition.isReplica(broker)) {
                return ApiError.of(ControllerError.INVALID_REQUEST, where + ": broker " + broker
                        + " of the proposed ISR is not a replica " + partition.replicas());
            }
        }
        if (proposal.leaderRecoveryState() == LeaderRecoveryState.RECOVERING
                && (partition.leaderRecoveryState() == LeaderRecoveryState.RECOVERED || newIsr.size() > 1)) {
            return ApiError.of(ControllerError.INVALID_REQUEST, where + ": a RECOVERING leader cannot grow the ISR "
                    + "and a recovered partition cannot go back to RECOVERING");
        }
        for (ControllerApi.BrokerState member : proposal.newIsr()) {
            var broker = image.cluster().broker(member.brokerId());
            String why = broker == null ? "is not registered"
                    : broker.fenced() ? "is fenced"
                    : broker.inControlledShutdown() ? "is shutting down"
                    : member.brokerEpoch() != -1 && member.brokerEpoch() != broker.epoch()
                            ? "has broker epoch " + broker.epoch() + ", not " + member.brokerEpoch() : null;
            if (why != null) {
                return ApiError.of(ControllerError.INELIGIBLE_REPLICA, where + ": broker " + member.brokerId() + " " + why);
            }
        }
        return ApiError.NONE;
    }
}

package io.kraftlet.controller;

import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The requests a controller answers, with their answers: what the gRPC controller service
 * exposes and what the controller client calls. Write requests are answered once their records
 * are committed; a standby controller answers every request with NOT_CONTROLLER.
 *
 * <p>Threading: implementations may be called from any thread and never block; futures
 * complete on an implementation thread (the controller's, or a gRPC client's), so callbacks
 * must not block. A read of a path the ZooKeeper-shaped view does not have answers
 * UNKNOWN_TOPIC_OR_PARTITION with "Node does not exist: PATH".
 */
public interface ControllerApi {
    CompletableFuture<BrokerRegistrationReply> registerBroker(BrokerRegistrationRequest request);

    CompletableFuture<BrokerHeartbeatReply> brokerHeartbeat(BrokerHeartbeatRequest request);

    CompletableFuture<AlterPartitionReply> alterPartition(AlterPartitionRequest request);

    CompletableFuture<CreateTopicsReply> createTopics(CreateTopicsRequest request);

    CompletableFuture<DeleteTopicsReply> deleteTopics(DeleteTopicsRequest request);

    CompletableFuture<ElectLeadersReply> electLeaders(ElectLeadersRequest request);

    CompletableFuture<AlterConfigsReply> alterConfigs(AlterConfigsRequest request);

    /** The brokers and the active controller, from this controller's committed image. */
    CompletableFuture<DescribeClusterReply> describeCluster();

    /** Topics (all when the list is empty) from this controller's committed image. */
    CompletableFuture<DescribeTopicsReply> describeTopics(List<String> topics);

    /** A node of the read-only ZooKeeper-shaped view ({@code /controller}, {@code /brokers/ids}, ...). */
    CompletableFuture<ZkNode> readZkPath(String path);

    // ---------------------------------------------------------------- broker lifecycle

    /**
     * @param previousBrokerEpoch the epoch of this broker's last registration if it shut down
     *     cleanly (its data is complete), else -1: an unclean restart loses ELR membership
     */
    record BrokerRegistrationRequest(int brokerId, UUID incarnationId, List<Endpoint> listeners, String rack,
            long previousBrokerEpoch) {
        public BrokerRegistrationRequest {
            Objects.requireNonNull(incarnationId, "incarnationId");
            listeners = List.copyOf(listeners);
            rack = rack == null ? "" : rack;
        }
    }

    record BrokerRegistrationReply(ApiError error, long brokerEpoch) {
    }

    /**
     * @param currentMetadataOffset the end offset of the metadata the broker has applied
     * @param wantFence the broker wants to be fenced (it cannot serve)
     * @param wantShutDown the broker asks for a controlled shutdown
     */
    record BrokerHeartbeatRequest(int brokerId, long brokerEpoch, long currentMetadataOffset, boolean wantFence,
            boolean wantShutDown) {
    }

    /**
     * @param isCaughtUp the broker's metadata has reached its registration
     * @param isFenced the broker is fenced after this heartbeat
     * @param shouldShutDown a controlled shutdown is complete: the broker may stop now
     */
    record BrokerHeartbeatReply(ApiError error, boolean isCaughtUp, boolean isFenced, boolean shouldShutDown) {
    }

    // ---------------------------------------------------------------- partitions

    /** A proposed ISR member with the broker epoch the leader knows it by. */
    record BrokerState(int brokerId, long brokerEpoch) {
    }

    record AlterPartitionRequest(int brokerId, long brokerEpoch, List<PartitionChangeProposal> partitions) {
        public AlterPartitionRequest {
            partitions = List.copyOf(partitions);
        }
    }

    /** A leader's proposed ISR for one partition, based on the epochs it holds. */
    record PartitionChangeProposal(UUID topicId, int partition, int leaderEpoch, int partitionEpoch,
            List<BrokerState> newIsr, LeaderRecoveryState leaderRecoveryState) {
        public PartitionChangeProposal {
            Objects.requireNonNull(topicId, "topicId");
            newIsr = List.copyOf(newIsr);
            Objects.requireNonNull(leaderRecoveryState, "leaderRecoveryState");
        }
    }

    /** The partition's state after the change (or as it is, with the error, when refused). */
    record PartitionChangeResult(UUID topicId, int partition, ApiError error, int leader, int leaderEpoch,
            List<Integer> isr, int partitionEpoch, LeaderRecoveryState leaderRecoveryState) {
        public PartitionChangeResult {
            isr = List.copyOf(isr);
        }
    }

    record AlterPartitionReply(ApiError error, List<PartitionChangeResult> partitions) {
        public AlterPartitionReply {
            partitions = List.copyOf(partitions);
        }
    }

    // ---------------------------------------------------------------- topics

    /**
     * A topic to create: either {@code numPartitions} and {@code replicationFactor} (-1 for the
     * cluster defaults), or an explicit {@code assignment} (partition id to replica list).
     */
    record NewTopic(String name, int numPartitions, int replicationFactor, Map<Integer, List<Integer>> assignment,
            Map<String, String> configs) {
        public NewTopic {
            Objects.requireNonNull(name, "name");
            assignment = assignment == null ? Map.of() : Map.copyOf(assignment);
            configs = configs == null ? Map.of() : Map.copyOf(configs);
        }

        public static NewTopic of(String name, int numPartitions, int replicationFactor) {
            return new NewTopic(name, numPartitions, replicationFactor, Map.of(), Map.of());
        }
    }

    record CreateTopicsRequest(List<NewTopic> topics, boolean validateOnly) {
        public CreateTopicsRequest {
            topics = List.copyOf(topics);
        }
    }

    record CreatedTopic(String name, UUID topicId, ApiError error, int numPartitions, int replicationFactor) {
    }

    record CreateTopicsReply(List<CreatedTopic> topics) {
        public CreateTopicsReply {
            topics = List.copyOf(topics);
        }
    }

    record DeleteTopicsRequest(List<String> names) {
        public DeleteTopicsRequest {
            names = List.copyOf(names);
        }
    }

    record DeletedTopic(String name, ApiError error) {
    }

    record DeleteTopicsReply(List<DeletedTopic> topics) {
        public DeleteTopicsReply {
            topics = List.copyOf(topics);
        }
    }

    /** An election of the given type for the listed partitions, or for every partition when the list is empty. */
    record ElectLeadersRequest(ElectionType type, List<TopicPartition> partitions) {
        public ElectLeadersRequest {
            Objects.requireNonNull(type, "type");
            partitions = List.copyOf(partitions);
        }
    }

    record ElectionResult(TopicPartition partition, ApiError error, int leader) {
    }

    record ElectLeadersReply(ApiError error, List<ElectionResult> partitions) {
        public ElectLeadersReply {
            partitions = List.copyOf(partitions);
        }
    }

    // ---------------------------------------------------------------- configs

    /** Sets {@code name} on the resource, or removes it when {@code value} is null. */
    record ConfigChange(ConfigResource resource, String name, String value) {
        public ConfigChange {
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(name, "name");
        }
    }

    record AlterConfigsRequest(List<ConfigChange> changes, boolean validateOnly) {
        public AlterConfigsRequest {
            changes = List.copyOf(changes);
        }
    }

    record ConfigResult(ConfigResource resource, ApiError error) {
    }

    record AlterConfigsReply(List<ConfigResult> resources) {
        public AlterConfigsReply {
            resources = List.copyOf(resources);
        }
    }

    // ---------------------------------------------------------------- reads

    /** The active controller as this controller knows it: id (-1 if unknown) and its address. */
    record ControllerInfo(int controllerId, int epoch, String host, int port) {
    }

    record DescribeClusterReply(ApiError error, String clusterId, ControllerInfo controller,
            List<io.kraftlet.image.BrokerRegistration> brokers, long metadataOffset) {
        public DescribeClusterReply {
            brokers = List.copyOf(brokers);
        }
    }

    record PartitionDescription(int partition, int leader, int leaderEpoch, int partitionEpoch, List<Integer> replicas,
            List<Integer> isr, List<Integer> elr, List<Integer> lastKnownElr, LeaderRecoveryState leaderRecoveryState) {
    }

    record TopicDescription(String name, UUID topicId, ApiError error, List<PartitionDescription> partitions,
            Map<String, String> configs) {
        public TopicDescription {
            partitions = List.copyOf(partitions);
            configs = Map.copyOf(configs);
        }
    }

    record DescribeTopicsReply(List<TopicDescription> topics) {
        public DescribeTopicsReply {
            topics = List.copyOf(topics);
        }
    }

    /** A ZooKeeper-shaped node: its JSON data (empty if none) and its children (sorted). */
    record ZkNode(ApiError error, String path, String data, List<String> children) {
        public ZkNode {
            children = List.copyOf(children);
        }
    }
}

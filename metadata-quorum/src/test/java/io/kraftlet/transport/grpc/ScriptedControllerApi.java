package io.kraftlet.transport.grpc;

import io.kraftlet.controller.ApiError;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.controller.NotControllerException;
import io.kraftlet.image.BrokerRegistration;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.metadata.LeaderRecoveryState;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A hand-written {@link ControllerApi} for the transport tests: controller {@code nodeId} answers
 * writes only while it is the {@link #active} controller (else NOT_CONTROLLER naming the active
 * one), answers reads always, records every request, and answers with replies that name it, so a
 * test can tell which controller answered. {@link #script}, when set, replaces every answer (a
 * held or failed future).
 */
final class ScriptedControllerApi implements ControllerApi {
    static final UUID TOPIC_ID = UUID.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    static final UUID INCARNATION = UUID.fromString("a4b1ec05-94f2-4b3c-8a67-41f8e1d9c8a2");

    final int nodeId;
    /** The active controller as this controller knows it; null when unknown. */
    volatile ControllerInfo active;
    volatile Function<Object, CompletableFuture<?>> script;
    final List<Object> requests = new CopyOnWriteArrayList<>();

    ScriptedControllerApi(int nodeId) {
        this.nodeId = nodeId;
    }

    // ---------------------------------------------------------------- writes

    @Override
    public CompletableFuture<BrokerRegistrationReply> registerBroker(BrokerRegistrationRequest request) {
        return write(request, () -> new BrokerRegistrationReply(ApiError.NONE, 1000L * nodeId + request.brokerId()));
    }

    @Override
    public CompletableFuture<BrokerHeartbeatReply> brokerHeartbeat(BrokerHeartbeatRequest request) {
        return write(request, () -> new BrokerHeartbeatReply(ApiError.NONE, true, request.wantFence(),
                request.wantShutDown()));
    }

    @Override
    public CompletableFuture<AlterPartitionReply> alterPartition(AlterPartitionRequest request) {
        return write(request, () -> new AlterPartitionReply(ApiError.NONE, request.partitions().stream()
                .map(proposal -> new PartitionChangeResult(proposal.topicId(), proposal.partition(), ApiError.NONE,
                        request.brokerId(), proposal.leaderEpoch(),
                        proposal.newIsr().stream().map(BrokerState::brokerId).toList(),
                        proposal.partitionEpoch() + 1, proposal.leaderRecoveryState()))
                .toList()));
    }

    @Override
    public CompletableFuture<CreateTopicsReply> createTopics(CreateTopicsRequest request) {
        return write(request, () -> new CreateTopicsReply(request.topics().stream()
                .map(topic -> new CreatedTopic(topic.name(), TOPIC_ID, ApiError.of(ControllerError.NONE,
                        "created by " + nodeId), topic.numPartitions(), topic.replicationFactor()))
                .toList()));
    }

    @Override
    public CompletableFuture<DeleteTopicsReply> deleteTopics(DeleteTopicsRequest request) {
        return write(request, () -> new DeleteTopicsReply(request.names().stream()
                .map(name -> new DeletedTopic(name, ApiError.of(ControllerError.UNKNOWN_TOPIC_OR_PARTITION,
                        "no topic " + name)))
                .toList()));
    }

    @Override
    public CompletableFuture<ElectLeadersReply> electLeaders(ElectLeadersRequest request) {
        return write(request, () -> new ElectLeadersReply(ApiError.NONE, request.partitions().stream()
                .map(partition -> new ElectionResult(partition, ApiError.of(ControllerError.ELECTION_NOT_NEEDED, ""),
                        nodeId))
                .toList()));
    }

    @Override
    public CompletableFuture<AlterConfigsReply> alterConfigs(AlterConfigsRequest request) {
        return write(request, () -> new AlterConfigsReply(request.changes().stream()
                .map(ConfigChange::resource).distinct().map(resource -> new ConfigResult(resource, ApiError.NONE))
                .toList()));
    }

    // ---------------------------------------------------------------- reads

    @Override
    public CompletableFuture<DescribeClusterReply> describeCluster() {
        return read("describeCluster", () -> new DescribeClusterReply(ApiError.NONE, "answered-by-" + nodeId, active,
                List.of(new BrokerRegistration(7, 42, INCARNATION, List.of(new Endpoint("PLAINTEXT", "b7", 9092)),
                        "rack-a", false, false)), 100 + nodeId));
    }

    @Override
    public CompletableFuture<DescribeTopicsReply> describeTopics(List<String> topics) {
        return read(topics, () -> new DescribeTopicsReply(List.of(new TopicDescription("orders", TOPIC_ID,
                ApiError.NONE, List.of(new PartitionDescription(0, nodeId, 3, 5, List.of(1, 2, 3), List.of(1, 2),
                        List.of(3), List.of(), LeaderRecoveryState.RECOVERED)),
                Map.of("answered.by", Integer.toString(nodeId))))));
    }

    @Override
    public CompletableFuture<ZkNode> readZkPath(String path) {
        return read(path, () -> new ZkNode(ApiError.NONE, path, "{\"brokerid\":" + nodeId + "}", List.of()));
    }

    // ---------------------------------------------------------------- answering

    private <R> CompletableFuture<R> write(Object request, Supplier<R> reply) {
        requests.add(request);
        CompletableFuture<R> scripted = scripted(request);
        if (scripted != null) {
            return scripted;
        }
        ControllerInfo known = active;
        if (known == null || known.controllerId() != nodeId) {
            return CompletableFuture.failedFuture(new NotControllerException("controller " + nodeId + " is not active",
                    known == null ? ControllerMapping.UNKNOWN_CONTROLLER : known));
        }
        return CompletableFuture.completedFuture(reply.get());
    }

    private <R> CompletableFuture<R> read(Object request, Supplier<R> reply) {
        requests.add(request);
        CompletableFuture<R> scripted = scripted(request);
        return scripted != null ? scripted : CompletableFuture.completedFuture(reply.get());
    }

    @SuppressWarnings("unchecked")
    private <R> CompletableFuture<R> scripted(Object request) {
        Function<Object, CompletableFuture<?>> answer = script;
        return answer == null ? null : (CompletableFuture<R>) answer.apply(request);
    }
}

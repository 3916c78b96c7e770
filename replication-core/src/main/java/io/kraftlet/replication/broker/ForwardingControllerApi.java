package io.kraftlet.replication.broker;

import io.kraftlet.controller.ControllerApi;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The controller API a broker serves on its own listener (as Kafka brokers forward admin
 * requests): every call goes to the active controller through the broker's controller client,
 * which follows NOT_CONTROLLER hints and fails over. Tools may so be pointed at brokers
 * ({@code --bootstrap-server}) as well as at controllers.
 *
 * <p>Thread-safe if the client is; the supplier is read on every call (the client exists only
 * once the broker is built).
 */
final class ForwardingControllerApi implements ControllerApi {
    private final Supplier<ControllerApi> controller;

    ForwardingControllerApi(Supplier<ControllerApi> controller) {
        this.controller = Objects.requireNonNull(controller, "controller");
    }

    @Override
    public CompletableFuture<BrokerRegistrationReply> registerBroker(BrokerRegistrationRequest request) {
        return controller.get().registerBroker(request);
    }

    @Override
    public CompletableFuture<BrokerHeartbeatReply> brokerHeartbeat(BrokerHeartbeatRequest request) {
        return controller.get().brokerHeartbeat(request);
    }

    @Override
    public CompletableFuture<AlterPartitionReply> alterPartition(AlterPartitionRequest request) {
        return controller.get().alterPartition(request);
    }

    @Override
    public CompletableFuture<CreateTopicsReply> createTopics(CreateTopicsRequest request) {
        return controller.get().createTopics(request);
    }

    @Override
    public CompletableFuture<DeleteTopicsReply> deleteTopics(DeleteTopicsRequest request) {
        return controller.get().deleteTopics(request);
    }

    @Override
    public CompletableFuture<ElectLeadersReply> electLeaders(ElectLeadersRequest request) {
        return controller.get().electLeaders(request);
    }

    @Override
    public CompletableFuture<AlterConfigsReply> alterConfigs(AlterConfigsRequest request) {
        return controller.get().alterConfigs(request);
    }

    @Override
    public CompletableFuture<DescribeClusterReply> describeCluster() {
        return controller.get().describeCluster();
    }

    @Override
    public CompletableFuture<DescribeTopicsReply> describeTopics(List<String> topics) {
        return controller.get().describeTopics(topics);
    }

    @Override
    public CompletableFuture<ZkNode> readZkPath(String path) {
        return controller.get().readZkPath(path);
    }
}

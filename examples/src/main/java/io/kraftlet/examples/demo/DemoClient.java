package io.kraftlet.examples.demo;

import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerApi.PartitionDescription;
import io.kraftlet.controller.ControllerApi.TopicDescription;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.replication.ProduceRequest;
import io.kraftlet.replication.ProduceResult;
import io.kraftlet.replication.ReplicationError;
import io.kraftlet.replication.grpc.ReplicationClient;
import io.kraftlet.transport.grpc.ControllerClient;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the demo needs to write records and watch partitions: the controller API reached through
 * the brokers (they forward it), and a {@link ReplicationClient} per broker for produce, sent to
 * the partition's leader as the controller describes it.
 *
 * <p>Single-threaded (the demo's); not a general client.
 */
final class DemoClient implements AutoCloseable {
    private static final long TIMEOUT_MS = 15_000;

    private final String clusterId;
    private final ControllerClient controller;
    private final Map<Integer, Integer> brokerPorts;
    private final Map<Integer, ReplicationClient> clients = new HashMap<>();

    /**
     * @param brokerPorts broker id → port on 127.0.0.1
     */
    DemoClient(String clusterId, Map<Integer, Integer> brokerPorts) {
        this.clusterId = clusterId;
        this.brokerPorts = Map.copyOf(brokerPorts);
        StringBuilder servers = new StringBuilder();
        brokerPorts.forEach((id, port) -> servers.append(servers.length() == 0 ? "" : ",").append(id)
                .append("@127.0.0.1:").append(port));
        this.controller = ControllerClient.builder().clusterId(clusterId).controllers(servers.toString())
                .requestTimeoutMs(3_000).build();
    }

    TopicDescription describe(String topic) {
        try {
            return controller.describeTopics(List.of(topic)).get(TIMEOUT_MS, TimeUnit.MILLISECONDS).topics().get(0);
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe " + topic + ": " + e.getMessage(), e);
        }
    }

    /** One record to the partition's current leader; the leader's answer, or the refusal to reach one. */
    ProduceResult produce(TopicPartition partition, String value, int acks) {
        PartitionDescription description = describe(partition.topic()).partitions().get(partition.partition());
        ReplicationClient client = clients.computeIfAbsent(description.leader(), id -> {
            Integer port = brokerPorts.get(id);
            if (port == null) {
                return null;
            }
            return ReplicationClient.builder().clusterId(clusterId).target("127.0.0.1", port).build();
        });
        if (client == null) {
            return ProduceResult.failed(ReplicationError.NOT_LEADER_OR_FOLLOWER, partition + " has no leader");
        }
        try {
            return client.produce(new ProduceRequest(partition, List.of(value.getBytes(StandardCharsets.UTF_8)), acks,
                    5_000), TIMEOUT_MS).get(TIMEOUT_MS + 1_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return ProduceResult.failed(ReplicationError.REQUEST_TIMED_OUT, "broker " + description.leader()
                    + " did not answer: " + e.getMessage());
        }
    }

    ControllerApi controller() {
        return controller;
    }

    @Override
    public void close() {
        clients.values().forEach(ReplicationClient::close);
        controller.close();
    }
}

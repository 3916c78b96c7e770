package io.kraftlet.examples.client;

import io.kraftlet.image.BrokerRegistration;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.image.TopicImage;
import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.proto.client.BrokerMetadata;
import io.kraftlet.proto.client.ClientError;
import io.kraftlet.proto.client.Listener;
import io.kraftlet.proto.client.MetadataResponse;
import io.kraftlet.proto.client.PartitionMetadata;
import io.kraftlet.proto.client.TopicMetadata;
import io.kraftlet.transport.grpc.MalformedMessageException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Translates between {@code kraftlet/client.proto} and the records on either side of it: the
 * broker's {@link MetadataImage} on the way out, the client's {@link ClusterMetadata} on the way
 * back. (Produce and read go over {@code KRaftReplication}, with its own mapping.) Stateless and
 * pure: safe from any thread.
 *
 * <p>Whatever comes off the wire is checked before a record is built. A missing name, a
 * negative id, a topic id not in canonical UUID form or a port outside 1..65535 throws
 * {@link MalformedMessageException} naming the field, e.g.
 * {@code "PartitionMetadata.partition must be >= 0, got -1"}.
 */
public final class ClientMapping {
    private ClientMapping() {
    }

    // ---------------------------------------------------------------- Metadata

    /**
     * The answer to a Metadata request from a broker's image.
     *
     * @param topics the names asked for; empty for every topic. Names not in the image are left out.
     */
    public static MetadataResponse toProto(MetadataImage image, String clusterId, int brokerId, int controllerId,
            Collection<String> topics) {
        MetadataResponse.Builder response = MetadataResponse.newBuilder()
                .setError(ClientError.NONE)
                .setClusterId(clusterId)
                .setBrokerId(brokerId)
                .setControllerId(controllerId);
        for (BrokerRegistration broker : image.cluster().brokers().values()) {
            BrokerMetadata.Builder proto = BrokerMetadata.newBuilder()
                    .setId(broker.id())
                    .setRack(broker.rack() == null ? "" : broker.rack())
                    .setFenced(broker.fenced());
            for (Endpoint listener : broker.listeners()) {
                proto.addListeners(Listener.newBuilder().setName(listener.name()).setHost(listener.host())
                        .setPort(listener.port()));
            }
            response.addBrokers(proto);
        }
        Map<String, TopicImage> byName = new TreeMap<>(image.topics().byName());
        if (!topics.isEmpty()) {
            byName.keySet().retainAll(topics);
        }
        for (TopicImage topic : byName.values()) {
            TopicMetadata.Builder proto = TopicMetadata.newBuilder()
                    .setName(topic.name())
                    .setTopicId(topic.id().toString())
                    .putAllConfigs(image.configs().valuesOf(ConfigResource.topic(topic.name())));
            List<PartitionRegistration> partitions = topic.partitions();
            for (int id = 0; id < partitions.size(); id++) {
                PartitionRegistration partition = partitions.get(id);
                proto.addPartitions(PartitionMetadata.newBuilder()
                        .setPartition(id)
                        .setLeader(partition.leader())
                        .setLeaderEpoch(partition.leaderEpoch())
                        .addAllReplicas(partition.replicas())
                        .addAllIsr(partition.isr())
                        .addAllElr(partition.elr())
                        .addAllLastKnownElr(partition.lastKnownElr()));
            }
            response.addTopics(proto);
        }
        return response.build();
    }

    /** The client's view of a successful Metadata answer. */
    public static ClusterMetadata toRecord(MetadataResponse response) {
        if (response.getError() != ClientError.NONE) {
            throw new MalformedMessageException("MetadataResponse.error", "must be NONE here, got "
                    + response.getError());
        }
        String clusterId = required(response.getClusterId(), "MetadataResponse.cluster_id");
        nonNegative(response.getBrokerId(), "MetadataResponse.broker_id");
        atLeastMinusOne(response.getControllerId(), "MetadataResponse.controller_id");
        Map<Integer, ClusterMetadata.Broker> brokers = new TreeMap<>();
        for (int i = 0; i < response.getBrokersCount(); i++) {
            BrokerMetadata broker = response.getBrokers(i);
            String field = "MetadataResponse.brokers[" + i + "]";
            List<Endpoint> listeners = new ArrayList<>();
            for (int l = 0; l < broker.getListenersCount(); l++) {
                Listener listener = broker.getListeners(l);
                String listenerField = field + ".listeners[" + l + "]";
                if (listener.getPort() < 1 || listener.getPort() > 65535) {
                    throw new MalformedMessageException(listenerField + ".port", "must be 1-65535, got "
                            + listener.getPort());
                }
                listeners.add(new Endpoint(required(listener.getName(), listenerField + ".name"),
                        required(listener.getHost(), listenerField + ".host"), listener.getPort()));
            }
            brokers.put(nonNegative(broker.getId(), field + ".id"),
                    new ClusterMetadata.Broker(broker.getId(), listeners, broker.getRack(), broker.getFenced()));
        }
        Map<String, ClusterMetadata.Topic> topics = new LinkedHashMap<>();
        for (int t = 0; t < response.getTopicsCount(); t++) {
            TopicMetadata topic = response.getTopics(t);
            String field = "MetadataResponse.topics[" + t + "]";
            List<ClusterMetadata.Partition> partitions = new ArrayList<>();
            for (int p = 0; p < topic.getPartitionsCount(); p++) {
                PartitionMetadata partition = topic.getPartitions(p);
                String partitionField = field + ".partitions[" + p + "]";
                if (partition.getPartition() != p) {
                    throw new MalformedMessageException(partitionField + ".partition", "must be " + p + ", got "
                            + partition.getPartition());
                }
                partitions.add(new ClusterMetadata.Partition(p,
                        atLeastMinusOne(partition.getLeader(), partitionField + ".leader"),
                        nonNegative(partition.getLeaderEpoch(), partitionField + ".leader_epoch"),
                        partition.getReplicasList(), partition.getIsrList(), partition.getElrList(),
                        partition.getLastKnownElrList()));
            }
            String name = required(topic.getName(), field + ".name");
            topics.put(name, new ClusterMetadata.Topic(name, uuid(topic.getTopicId(), field + ".topic_id"),
                    partitions, topic.getConfigsMap()));
        }
        return new ClusterMetadata(clusterId, response.getBrokerId(), response.getControllerId(), brokers, topics);
    }

    // ---------------------------------------------------------------- checks

    private static String required(String value, String field) {
        if (value.isEmpty()) {
            throw new MalformedMessageException(field, "is required");
        }
        return value;
    }

    private static int nonNegative(int value, String field) {
        if (value < 0) {
            throw new MalformedMessageException(field, "must be >= 0, got " + value);
        }
        return value;
    }

    private static int atLeastMinusOne(int value, String field) {
        if (value < -1) {
            throw new MalformedMessageException(field, "must be >= -1, got " + value);
        }
        return value;
    }

    private static UUID uuid(String value, String field) {
        required(value, field);
        try {
            UUID id = UUID.fromString(value);
            if (id.toString().equals(value)) {
                return id;
            }
        } catch (IllegalArgumentException notUuid) {
            // reported below, with the field
        }
        throw new MalformedMessageException(field, "must be a UUID in canonical form, got '" + value + "'");
    }
}

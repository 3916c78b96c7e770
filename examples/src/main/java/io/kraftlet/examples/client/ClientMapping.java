package io.kraftlet.examples.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.kraftlet.image.BrokerRegistration;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.image.TopicImage;
import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.proto.client.BrokerMetadata;
import io.kraftlet.proto.client.ClientError;
import io.kraftlet.proto.client.FetchRequest;
import io.kraftlet.proto.client.FetchResponse;
import io.kraftlet.proto.client.Listener;
import io.kraftlet.proto.client.MetadataResponse;
import io.kraftlet.proto.client.PartitionMetadata;
import io.kraftlet.proto.client.ProduceRequest;
import io.kraftlet.proto.client.ProduceResponse;
import io.kraftlet.proto.client.Record;
import io.kraftlet.proto.client.TopicMetadata;
import io.kraftlet.raft.Batch;
import io.kraftlet.replication.ProduceResult;
import io.kraftlet.replication.ReadResult;
import io.kraftlet.replication.ReplicationError;
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
 * broker's {@link MetadataImage}, {@link ProduceResult} and {@link ReadResult} on the way out,
 * the client's {@link ClusterMetadata}, {@link ProduceResult} and {@link FetchResult} on the way
 * back. Stateless and pure: safe from any thread.
 *
 * <p>Whatever comes off the wire is checked before a record is built. A missing topic, a
 * negative partition, offset, size or timeout, a topic id not in canonical UUID form, a port
 * outside 1..65535, or an error code this side does not know throws
 * {@link MalformedMessageException} naming the field, e.g.
 * {@code "FetchRequest.offset must be >= 0, got -1"}. Values the partition leader judges (acks,
 * an empty produce) pass through: the leader answers them with an error.
 *
 * <p>Error codes map by name to {@link ReplicationError}; INCONSISTENT_CLUSTER_ID has no
 * counterpart there, so a client checks for it before calling {@code toRecord}, which refuses it.
 */
public final class ClientMapping {
    private ClientMapping() {
    }

    /** The arguments of {@code KraftletBroker.append}, as read from a {@link ProduceRequest}. */
    public record Produce(TopicPartition topicPartition, List<byte[]> records, int acks, int timeoutMs) {
    }

    /** The arguments of {@code KraftletBroker.read}, as read from a {@link FetchRequest}. */
    public record Fetch(TopicPartition topicPartition, long offset, int maxBytes) {
    }

    // ---------------------------------------------------------------- errors

    public static ClientError toProto(ReplicationError error) {
        return ClientError.valueOf(error.name());
    }

    /** The replication error of the same name; refuses INCONSISTENT_CLUSTER_ID and unknown codes. */
    static ReplicationError toRecord(ClientError error, String field) {
        if (error == ClientError.UNRECOGNIZED) {
            throw new MalformedMessageException(field, "is an error code this client does not know");
        }
        try {
            return ReplicationError.valueOf(error.name());
        } catch (IllegalArgumentException notReplication) {
            throw new MalformedMessageException(field, "cannot be " + error.name() + " here");
        }
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

    // ---------------------------------------------------------------- Produce

    public static ProduceRequest toProto(String clusterId, TopicPartition partition, List<byte[]> records, int acks,
            int timeoutMs) {
        ProduceRequest.Builder request = ProduceRequest.newBuilder()
                .setClusterId(clusterId)
                .setTopic(partition.topic())
                .setPartition(partition.partition())
                .setAcks(acks)
                .setTimeoutMs(timeoutMs);
        for (byte[] record : records) {
            request.addRecords(UnsafeByteOperations.unsafeWrap(record));
        }
        return request.build();
    }

    public static Produce toRecord(ProduceRequest request) {
        TopicPartition partition = new TopicPartition(required(request.getTopic(), "ProduceRequest.topic"),
                nonNegative(request.getPartition(), "ProduceRequest.partition"));
        nonNegative(request.getTimeoutMs(), "ProduceRequest.timeout_ms");
        List<byte[]> records = new ArrayList<>(request.getRecordsCount());
        for (ByteString record : request.getRecordsList()) {
            records.add(record.toByteArray());
        }
        return new Produce(partition, records, request.getAcks(), request.getTimeoutMs());
    }

    public static ProduceResponse toProto(ProduceResult result) {
        return ProduceResponse.newBuilder()
                .setError(toProto(result.error()))
                .setErrorMessage(result.message())
                .setBaseOffset(result.baseOffset())
                .build();
    }

    public static ProduceResult toRecord(ProduceResponse response) {
        ReplicationError error = toRecord(response.getError(), "ProduceResponse.error");
        long baseOffset = atLeastMinusOne(response.getBaseOffset(), "ProduceResponse.base_offset");
        if (error == ReplicationError.NONE && baseOffset < 0) {
            throw new MalformedMessageException("ProduceResponse.base_offset", "must be >= 0 on success, got "
                    + baseOffset);
        }
        return new ProduceResult(error, baseOffset, response.getErrorMessage());
    }

    // ---------------------------------------------------------------- Fetch

    public static FetchRequest toProto(String clusterId, TopicPartition partition, long offset, int maxBytes) {
        return FetchRequest.newBuilder()
                .setClusterId(clusterId)
                .setTopic(partition.topic())
                .setPartition(partition.partition())
                .setOffset(offset)
                .setMaxBytes(maxBytes)
                .build();
    }

    public static Fetch toRecord(FetchRequest request) {
        return new Fetch(new TopicPartition(required(request.getTopic(), "FetchRequest.topic"),
                nonNegative(request.getPartition(), "FetchRequest.partition")),
                nonNegative(request.getOffset(), "FetchRequest.offset"),
                nonNegative(request.getMaxBytes(), "FetchRequest.max_bytes"));
    }

    /**
     * The answer to a fetch from {@code offset}: the records of the leader's batches from that
     * offset on. A read returns whole batches, so the first may start before it; those records,
     * and control batches, are not the consumer's.
     */
    public static FetchResponse toProto(ReadResult result, long offset) {
        FetchResponse.Builder response = FetchResponse.newBuilder()
                .setError(toProto(result.error()))
                .setErrorMessage(result.message())
                .setHighWatermark(result.highWatermark())
                .setLogStartOffset(result.logStartOffset());
        for (Batch batch : result.batches()) {
            if (batch.control()) {
                continue;
            }
            for (int i = 0; i < batch.records().size(); i++) {
                long recordOffset = batch.baseOffset() + i;
                if (recordOffset >= offset) {
                    response.addRecords(Record.newBuilder().setOffset(recordOffset)
                            .setValue(UnsafeByteOperations.unsafeWrap(batch.records().get(i))));
                }
            }
        }
        return response.build();
    }

    public static FetchResult toRecord(FetchResponse response) {
        ReplicationError error = toRecord(response.getError(), "FetchResponse.error");
        long highWatermark = atLeastMinusOne(response.getHighWatermark(), "FetchResponse.high_watermark");
        long logStartOffset = atLeastMinusOne(response.getLogStartOffset(), "FetchResponse.log_start_offset");
        if (error != ReplicationError.NONE && response.getRecordsCount() > 0) {
            throw new MalformedMessageException("FetchResponse.records", "must be empty with error " + error);
        }
        List<FetchResult.ConsumedRecord> records = new ArrayList<>(response.getRecordsCount());
        long previous = -1;
        for (int i = 0; i < response.getRecordsCount(); i++) {
            Record record = response.getRecords(i);
            String field = "FetchResponse.records[" + i + "].offset";
            nonNegative(record.getOffset(), field);
            if (record.getOffset() <= previous) {
                throw new MalformedMessageException(field, "must be > " + previous + " (offset order), got "
                        + record.getOffset());
            }
            previous = record.getOffset();
            records.add(new FetchResult.ConsumedRecord(record.getOffset(), record.getValue().toByteArray()));
        }
        return new FetchResult(error, records, highWatermark, logStartOffset, response.getErrorMessage());
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

    private static long nonNegative(long value, String field) {
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

    private static long atLeastMinusOne(long value, String field) {
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

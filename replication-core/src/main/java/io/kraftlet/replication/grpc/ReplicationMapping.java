package io.kraftlet.replication.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.proto.record.RecordBatch;
import io.kraftlet.proto.replication.DivergingEpoch;
import io.kraftlet.proto.replication.ErrorCode;
import io.kraftlet.proto.replication.FetchPartition;
import io.kraftlet.proto.replication.FetchPartitionData;
import io.kraftlet.proto.replication.ProduceResponse;
import io.kraftlet.proto.replication.ReadRequest;
import io.kraftlet.proto.replication.ReadResponse;
import io.kraftlet.raft.Batch;
import io.kraftlet.replication.FetchError;
import io.kraftlet.replication.FetchPartitionRequest;
import io.kraftlet.replication.FetchPartitionResponse;
import io.kraftlet.replication.ProduceRequest;
import io.kraftlet.replication.ProduceResult;
import io.kraftlet.replication.ReadResult;
import io.kraftlet.replication.ReplicaFetchRequest;
import io.kraftlet.replication.ReplicaFetchResponse;
import io.kraftlet.replication.ReplicationError;
import io.kraftlet.replication.log.EpochEndOffset;
import io.kraftlet.transport.grpc.MalformedMessageException;
import io.kraftlet.transport.grpc.ProtoMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Maps the replication records ({@link ReplicaFetchRequest}, {@link ProduceRequest}, ...) to the
 * messages of {@code kraftlet/replication.proto} and back. Stateless and pure: safe from any
 * thread. Batches are mapped by the quorum's {@link ProtoMapping}, so both protocols carry them
 * alike (record payloads are shared on the way out, copied on the way in).
 *
 * <p>Requests are written with the sender's cluster id; the records do not carry it, so the
 * reader checks {@code cluster_id} against its own after {@code toRecord}, which only checks that
 * it is present. The follower's id and broker epoch travel once per fetch on the wire and are
 * copied into each {@link FetchPartitionRequest} on the way in.
 *
 * <p>Responses are read only when their top-level {@code error} is one the record can hold: a
 * reader handles INCONSISTENT_CLUSTER_ID itself before calling {@code toRecord}, which refuses it.
 *
 * <p>Everything read from the wire is validated before a record is built: a missing cluster id
 * or topic, a topic id not in canonical UUID form, a negative id, offset, epoch or size (or below
 * -1 where -1 means "unknown"), an error code the field never carries or this side does not know
 * throw {@link MalformedMessageException} naming the field, e.g.
 * {@code "ReplicaFetchRequest.partitions[2].fetch_offset must be >= 0, got -1"}. A value a record
 * refuses on its own (a fetch answer with both records and an error, non-contiguous batches, ...)
 * is reported the same way, naming the message it came from. Values whose meaning is the
 * leader's to judge (acks, timeouts, an empty produce) pass through: the leader answers them with
 * an error.
 */
public final class ReplicationMapping {
    private ReplicationMapping() {
    }

    /** The arguments of {@link io.kraftlet.replication.ReplicationApi#read} as read from a {@link ReadRequest}. */
    public record Read(TopicPartition topicPartition, long offset, int maxBytes) {
    }

    // ---------------------------------------------------------------- Fetch

    public static io.kraftlet.proto.replication.ReplicaFetchRequest toProto(ReplicaFetchRequest request,
            String clusterId) {
        var builder = io.kraftlet.proto.replication.ReplicaFetchRequest.newBuilder()
                .setClusterId(clusterId)
                .setReplicaId(request.replicaId())
                .setReplicaBrokerEpoch(request.replicaBrokerEpoch())
                .setMaxWaitMs(request.maxWaitMs())
                .setMaxBytes(request.maxBytes());
        for (FetchPartitionRequest partition : request.partitions()) {
            builder.addPartitions(FetchPartition.newBuilder()
                    .setTopicId(partition.topicId().toString())
                    .setPartition(partition.partition())
                    .setCurrentLeaderEpoch(partition.currentLeaderEpoch())
                    .setFetchOffset(partition.fetchOffset())
                    .setLastFetchedEpoch(partition.lastFetchedEpoch())
                    .setMaxBytes(partition.maxBytes()));
        }
        return builder.build();
    }

    public static ReplicaFetchRequest toRecord(io.kraftlet.proto.replication.ReplicaFetchRequest proto) {
        Check check = new Check("ReplicaFetchRequest");
        check.required("cluster_id", proto.getClusterId());
        int replicaId = check.atLeast("replica_id", proto.getReplicaId(), 0);
        long brokerEpoch = check.atLeast("replica_broker_epoch", proto.getReplicaBrokerEpoch(), -1);
        int maxWaitMs = check.atLeast("max_wait_ms", proto.getMaxWaitMs(), 0);
        int maxBytes = check.atLeast("max_bytes", proto.getMaxBytes(), 0);
        List<FetchPartitionRequest> partitions = new ArrayList<>(proto.getPartitionsCount());
        for (int i = 0; i < proto.getPartitionsCount(); i++) {
            FetchPartition partition = proto.getPartitions(i);
            Check item = check.item("partitions", i);
            UUID topicId = item.uuid("topic_id", partition.getTopicId());
            int partitionId = item.atLeast("partition", partition.getPartition(), 0);
            int leaderEpoch = item.atLeast("current_leader_epoch", partition.getCurrentLeaderEpoch(), 0);
            long fetchOffset = item.atLeast("fetch_offset", partition.getFetchOffset(), 0);
            int lastFetchedEpoch = item.atLeast("last_fetched_epoch", partition.getLastFetchedEpoch(),
                    FetchPartitionRequest.NO_LAST_FETCHED_EPOCH);
            int partitionMaxBytes = item.atLeast("max_bytes", partition.getMaxBytes(), 0);
            partitions.add(item.build(() -> new FetchPartitionRequest(topicId, partitionId, replicaId, brokerEpoch,
                    leaderEpoch, fetchOffset, lastFetchedEpoch, partitionMaxBytes)));
        }
        return check.build(() -> new ReplicaFetchRequest(replicaId, brokerEpoch, maxWaitMs, maxBytes, partitions));
    }

    public static io.kraftlet.proto.replication.ReplicaFetchResponse toProto(ReplicaFetchResponse response) {
        var builder = io.kraftlet.proto.replication.ReplicaFetchResponse.newBuilder().setError(ErrorCode.NONE);
        for (ReplicaFetchResponse.PartitionData data : response.partitions()) {
            FetchPartitionResponse answer = data.response();
            FetchPartitionData.Builder partition = FetchPartitionData.newBuilder()
                    .setTopicId(data.topicId().toString())
                    .setPartition(data.partition())
                    .setError(toProto(answer.error()))
                    .setHighWatermark(answer.highWatermark())
                    .setLogStartOffset(answer.logStartOffset());
            answer.divergingEpoch().ifPresent(diverging -> partition.setDivergingEpoch(toProto(diverging)));
            for (Batch batch : answer.records()) {
                partition.addRecords(ProtoMapping.toProto(batch));
            }
            builder.addPartitions(partition);
        }
        return builder.build();
    }

    /** A fetch answer whose top-level error is NONE; any other is refused as malformed. */
    public static ReplicaFetchResponse toRecord(io.kraftlet.proto.replication.ReplicaFetchResponse proto) {
        Check check = new Check("ReplicaFetchResponse");
        check.topLevelNone(proto.getError());
        List<ReplicaFetchResponse.PartitionData> partitions = new ArrayList<>(proto.getPartitionsCount());
        for (int i = 0; i < proto.getPartitionsCount(); i++) {
            FetchPartitionData data = proto.getPartitions(i);
            Check item = check.item("partitions", i);
            UUID topicId = item.uuid("topic_id", data.getTopicId());
            int partition = item.atLeast("partition", data.getPartition(), 0);
            FetchError error = toFetchError(data.getError(), item.field("error"));
            long highWatermark = item.atLeast("high_watermark", data.getHighWatermark(), -1);
            long logStartOffset = item.atLeast("log_start_offset", data.getLogStartOffset(), -1);
            Optional<EpochEndOffset> diverging = data.hasDivergingEpoch()
                    ? Optional.of(toRecord(data.getDivergingEpoch(), item.field("diverging_epoch")))
                    : Optional.empty();
            List<Batch> records = batches(data.getRecordsList(), item.field("records"));
            FetchPartitionResponse response = item.build(() -> new FetchPartitionResponse(error, highWatermark,
                    logStartOffset, diverging, records));
            partitions.add(new ReplicaFetchResponse.PartitionData(topicId, partition, response));
        }
        return new ReplicaFetchResponse(partitions);
    }

    public static DivergingEpoch toProto(EpochEndOffset epochEndOffset) {
        return DivergingEpoch.newBuilder().setEpoch(epochEndOffset.epoch()).setEndOffset(epochEndOffset.endOffset())
                .build();
    }

    /** @param field names the message in errors, e.g. {@code "ReplicaFetchResponse.partitions[0].diverging_epoch"} */
    public static EpochEndOffset toRecord(DivergingEpoch proto, String field) {
        Check check = new Check(field);
        int epoch = check.atLeast("epoch", proto.getEpoch(), EpochEndOffset.UNDEFINED_EPOCH);
        long endOffset = check.atLeast("end_offset", proto.getEndOffset(), 0);
        return check.build(() -> new EpochEndOffset(epoch, endOffset));
    }

    // ---------------------------------------------------------------- Produce

    /** Record payloads are shared, not copied: nobody mutates a produced record's array. */
    public static io.kraftlet.proto.replication.ProduceRequest toProto(ProduceRequest request, String clusterId) {
        var builder = io.kraftlet.proto.replication.ProduceRequest.newBuilder()
                .setClusterId(clusterId)
                .setTopic(request.topicPartition().topic())
                .setPartition(request.topicPartition().partition())
                .setAcks(request.acks())
                .setTimeoutMs(request.timeoutMs());
        for (byte[] record : request.records()) {
            builder.addRecords(UnsafeByteOperations.unsafeWrap(record));
        }
        return builder.build();
    }

    public static ProduceRequest toRecord(io.kraftlet.proto.replication.ProduceRequest proto) {
        Check check = new Check("ProduceRequest");
        check.required("cluster_id", proto.getClusterId());
        TopicPartition topicPartition = check.topicPartition(proto.getTopic(), proto.getPartition());
        List<byte[]> records = new ArrayList<>(proto.getRecordsCount());
        for (ByteString record : proto.getRecordsList()) {
            records.add(record.toByteArray());
        }
        return check.build(() -> new ProduceRequest(topicPartition, records, proto.getAcks(), proto.getTimeoutMs()));
    }

    public static ProduceResponse toProto(ProduceResult result) {
        return ProduceResponse.newBuilder()
                .setError(toProto(result.error()))
                .setErrorMessage(result.message())
                .setBaseOffset(result.baseOffset())
                .build();
    }

    /** A produce answer; INCONSISTENT_CLUSTER_ID (which no {@link ProduceResult} holds) is refused as malformed. */
    public static ProduceResult toRecord(ProduceResponse proto) {
        Check check = new Check("ProduceResponse");
        ReplicationError error = toReplicationError(proto.getError(), check.field("error"));
        long baseOffset = check.atLeast("base_offset", proto.getBaseOffset(), -1);
        return check.build(() -> new ProduceResult(error, baseOffset, proto.getErrorMessage()));
    }

    // ---------------------------------------------------------------- Read

    public static ReadRequest readRequest(TopicPartition topicPartition, long offset, int maxBytes, String clusterId) {
        return ReadRequest.newBuilder()
                .setClusterId(clusterId)
                .setTopic(topicPartition.topic())
                .setPartition(topicPartition.partition())
                .setOffset(offset)
                .setMaxBytes(maxBytes)
                .build();
    }

    public static Read toRecord(ReadRequest proto) {
        Check check = new Check("ReadRequest");
        check.required("cluster_id", proto.getClusterId());
        TopicPartition topicPartition = check.topicPartition(proto.getTopic(), proto.getPartition());
        return new Read(topicPartition, check.atLeast("offset", proto.getOffset(), 0),
                check.atLeast("max_bytes", proto.getMaxBytes(), 0));
    }

    public static ReadResponse toProto(ReadResult result) {
        ReadResponse.Builder builder = ReadResponse.newBuilder()
                .setError(toProto(result.error()))
                .setErrorMessage(result.message())
                .setHighWatermark(result.highWatermark())
                .setLogStartOffset(result.logStartOffset());
        for (Batch batch : result.batches()) {
            builder.addBatches(ProtoMapping.toProto(batch));
        }
        return builder.build();
    }

    /** A read answer; INCONSISTENT_CLUSTER_ID (which no {@link ReadResult} holds) is refused as malformed. */
    public static ReadResult toRecord(ReadResponse proto) {
        Check check = new Check("ReadResponse");
        ReplicationError error = toReplicationError(proto.getError(), check.field("error"));
        List<Batch> batches = batches(proto.getBatchesList(), check.field("batches"));
        long highWatermark = check.atLeast("high_watermark", proto.getHighWatermark(), -1);
        long logStartOffset = check.atLeast("log_start_offset", proto.getLogStartOffset(), -1);
        return check.build(() -> new ReadResult(error, batches, highWatermark, logStartOffset,
                proto.getErrorMessage()));
    }

    // ---------------------------------------------------------------- errors and batches

    /** Wire codes share the names of {@link FetchError}; {@code ReplicationMappingTest} keeps them in step. */
    public static ErrorCode toProto(FetchError error) {
        return ErrorCode.valueOf(error.name());
    }

    /** Wire codes share the names of {@link ReplicationError}; {@code ReplicationMappingTest} keeps them in step. */
    public static ErrorCode toProto(ReplicationError error) {
        return ErrorCode.valueOf(error.name());
    }

    /** @throws MalformedMessageException naming {@code field} for a code a fetch partition never carries */
    public static FetchError toFetchError(ErrorCode code, String field) {
        return byName(FetchError.class, code, field, "a fetch partition");
    }

    /** @throws MalformedMessageException naming {@code field} for a code a produce or read answer never carries */
    public static ReplicationError toReplicationError(ErrorCode code, String field) {
        return byName(ReplicationError.class, code, field, "a produce or read answer");
    }

    private static <E extends Enum<E>> E byName(Class<E> type, ErrorCode code, String field, String carrier) {
        if (code == ErrorCode.UNRECOGNIZED) {
            throw new MalformedMessageException(field, "holds an error code this side does not know");
        }
        try {
            return Enum.valueOf(type, code.name());
        } catch (IllegalArgumentException notCarried) {
            throw new MalformedMessageException(field, "holds " + code + ", which " + carrier + " never carries");
        }
    }

    private static List<Batch> batches(List<RecordBatch> protos, String field) {
        List<Batch> batches = new ArrayList<>(protos.size());
        for (int i = 0; i < protos.size(); i++) {
            batches.add(ProtoMapping.toBatch(protos.get(i), field + "[" + i + "]"));
        }
        return batches;
    }

    /**
     * Field checks that name the failing field, qualified by its message and position (e.g.
     * {@code ReplicaFetchRequest.partitions[2]}), in the {@link MalformedMessageException} they throw.
     */
    private record Check(String message) {
        Check item(String field, int index) {
            return new Check(message + "." + field + "[" + index + "]");
        }

        String field(String field) {
            return message + "." + field;
        }

        String required(String field, String value) {
            if (value.isEmpty()) {
                throw new MalformedMessageException(field(field), "is missing");
            }
            return value;
        }

        /** A UUID in canonical form (as {@code controller.proto} writes them). */
        UUID uuid(String field, String value) {
            required(field, value);
            try {
                UUID uuid = UUID.fromString(value);
                // UUID.fromString also accepts short groups ("1-2-3-4-5"); the wire holds only the canonical form.
                if (uuid.toString().equalsIgnoreCase(value)) {
                    return uuid;
                }
            } catch (IllegalArgumentException notAUuid) {
                // Reported below, with the field's name.
            }
            throw new MalformedMessageException(field(field), "is not a UUID: '" + value + "'");
        }

        TopicPartition topicPartition(String topic, int partition) {
            return new TopicPartition(required("topic", topic), atLeast("partition", partition, 0));
        }

        void topLevelNone(ErrorCode error) {
            if (error != ErrorCode.NONE) {
                throw new MalformedMessageException(field("error"), "must be NONE here, got " + error);
            }
        }

        int atLeast(String field, int value, int min) {
            if (value < min) {
                throw new MalformedMessageException(field(field), "must be >= " + min + ", got " + value);
            }
            return value;
        }

        long atLeast(String field, long value, long min) {
            if (value < min) {
                throw new MalformedMessageException(field(field), "must be >= " + min + ", got " + value);
            }
            return value;
        }

        /** Builds a record; one that refuses the values (its own invariants) makes the message malformed. */
        <T> T build(Supplier<T> record) {
            try {
                return record.get();
            } catch (IllegalArgumentException refused) {
                throw new MalformedMessageException(message, "is invalid: " + refused.getMessage());
            }
        }
    }
}

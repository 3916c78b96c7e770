package io.kraftlet.replication.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Round trips of every replication message, and each malformed field named in the refusal. */
class ReplicationMappingTest {
    private static final String CLUSTER = "kraftlet-test";
    private static final UUID TOPIC_A = UUID.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    private static final UUID TOPIC_B = UUID.fromString("a4b1ec05-94f2-4b3c-8a67-41f8e1d9c8a2");
    private static final TopicPartition ORDERS_3 = new TopicPartition("orders", 3);

    // ---------------------------------------------------------------- round trips

    @Test
    void fetchRequestRoundTrips() {
        ReplicaFetchRequest request = new ReplicaFetchRequest(2, 17, 500, 1 << 20, List.of(
                new FetchPartitionRequest(TOPIC_A, 0, 2, 17, 4, 120, 3, 65_536),
                new FetchPartitionRequest(TOPIC_B, 7, 2, 17, 1, 0, FetchPartitionRequest.NO_LAST_FETCHED_EPOCH, 0)));
        var proto = ReplicationMapping.toProto(request, CLUSTER);
        assertEquals(CLUSTER, proto.getClusterId());
        assertEquals(request, ReplicationMapping.toRecord(proto));
    }

    @Test
    void fetchRequestWithoutPartitionsAndAnUnknownBrokerEpochRoundTrips() {
        ReplicaFetchRequest request = new ReplicaFetchRequest(0, -1, 0, 0, List.of());
        assertEquals(request, ReplicationMapping.toRecord(ReplicationMapping.toProto(request, CLUSTER)));
    }

    @Test
    void fetchResponseRoundTripsRecordsDivergenceAndErrors() {
        List<Batch> records = List.of(batch(120, 3, "a", "b", "c"), batch(123, 4, "d"));
        List<ReplicaFetchResponse.PartitionData> partitions = new java.util.ArrayList<>();
        partitions.add(new ReplicaFetchResponse.PartitionData(TOPIC_A, 0,
                FetchPartitionResponse.ofRecords(124, 10, records)));
        partitions.add(new ReplicaFetchResponse.PartitionData(TOPIC_A, 1,
                FetchPartitionResponse.ofRecords(50, 0, List.of())));
        partitions.add(new ReplicaFetchResponse.PartitionData(TOPIC_B, 2,
                FetchPartitionResponse.ofDivergingEpoch(90, 5, new EpochEndOffset(2, 77))));
        partitions.add(new ReplicaFetchResponse.PartitionData(TOPIC_B, 3,
                FetchPartitionResponse.ofDivergingEpoch(90, 40,
                        new EpochEndOffset(EpochEndOffset.UNDEFINED_EPOCH, 40))));
        for (FetchError error : FetchError.values()) {
            if (error != FetchError.NONE) {
                partitions.add(new ReplicaFetchResponse.PartitionData(TOPIC_B, 10 + error.ordinal(),
                        FetchPartitionResponse.ofError(error)));
            }
        }
        ReplicaFetchResponse response = new ReplicaFetchResponse(partitions);

        ReplicaFetchResponse back = ReplicationMapping.toRecord(ReplicationMapping.toProto(response));

        assertEquals(response.partitions().size(), back.partitions().size());
        for (int i = 0; i < response.partitions().size(); i++) {
            ReplicaFetchResponse.PartitionData sent = response.partitions().get(i);
            ReplicaFetchResponse.PartitionData read = back.partitions().get(i);
            assertEquals(sent.topicId(), read.topicId());
            assertEquals(sent.partition(), read.partition());
            assertEquals(sent.response().error(), read.response().error());
            assertEquals(sent.response().highWatermark(), read.response().highWatermark());
            assertEquals(sent.response().logStartOffset(), read.response().logStartOffset());
            assertEquals(sent.response().divergingEpoch(), read.response().divergingEpoch());
            assertSameBatches(sent.response().records(), read.response().records());
        }
    }

    @Test
    void emptyFetchResponseRoundTrips() {
        ReplicaFetchResponse response = new ReplicaFetchResponse(List.of());
        assertEquals(response, ReplicationMapping.toRecord(ReplicationMapping.toProto(response)));
    }

    @Test
    void produceRequestRoundTrips() {
        ProduceRequest request = new ProduceRequest(ORDERS_3, List.of(bytes("k1=v1"), bytes(""), bytes("k2=v2")), -1,
                30_000);
        var proto = ReplicationMapping.toProto(request, CLUSTER);
        assertEquals(CLUSTER, proto.getClusterId());
        ProduceRequest back = ReplicationMapping.toRecord(proto);
        assertEquals(request.topicPartition(), back.topicPartition());
        assertEquals(request.acks(), back.acks());
        assertEquals(request.timeoutMs(), back.timeoutMs());
        assertSameRecords(request.records(), back.records());
    }

    @Test
    void produceValuesForTheLeaderToJudgePassThrough() {
        // No records, odd acks, a negative timeout: the leader answers them, the transport does not refuse them.
        ProduceRequest request = new ProduceRequest(ORDERS_3, List.of(), 7, -5);
        assertEquals(request, ReplicationMapping.toRecord(ReplicationMapping.toProto(request, CLUSTER)));
    }

    @Test
    void produceResultsRoundTrip() {
        assertEquals(ProduceResult.appended(42), roundTrip(ProduceResult.appended(42)));
        assertEquals(new ProduceResult(ReplicationError.REQUEST_TIMED_OUT, 42, "waited 30000 ms"),
                roundTrip(new ProduceResult(ReplicationError.REQUEST_TIMED_OUT, 42, "waited 30000 ms")));
        for (ReplicationError error : ReplicationError.values()) {
            if (error != ReplicationError.NONE) {
                ProduceResult failed = ProduceResult.failed(error, "because " + error);
                assertEquals(failed, roundTrip(failed));
            }
        }
    }

    @Test
    void readRequestRoundTrips() {
        ReadRequest proto = ReplicationMapping.readRequest(ORDERS_3, 77, 4096, CLUSTER);
        assertEquals(CLUSTER, proto.getClusterId());
        assertEquals(new ReplicationMapping.Read(ORDERS_3, 77, 4096), ReplicationMapping.toRecord(proto));
    }

    @Test
    void readResultsRoundTrip() {
        ReadResult batches = new ReadResult(ReplicationError.NONE, List.of(batch(5, 1, "x", "y"), batch(7, 2, "z")),
                9, 0, "");
        ReadResult back = ReplicationMapping.toRecord(ReplicationMapping.toProto(batches));
        assertEquals(batches.error(), back.error());
        assertEquals(batches.highWatermark(), back.highWatermark());
        assertEquals(batches.logStartOffset(), back.logStartOffset());
        assertEquals(batches.message(), back.message());
        assertSameBatches(batches.batches(), back.batches());

        ReadResult empty = new ReadResult(ReplicationError.NONE, List.of(), 9, 0, "");
        assertEquals(empty, ReplicationMapping.toRecord(ReplicationMapping.toProto(empty)));
        ReadResult outOfRange = ReadResult.failed(ReplicationError.OFFSET_OUT_OF_RANGE, 9, 2, "valid: [2, 9]");
        assertEquals(outOfRange, ReplicationMapping.toRecord(ReplicationMapping.toProto(outOfRange)));
        ReadResult notLeader = ReadResult.failed(ReplicationError.NOT_LEADER_OR_FOLLOWER, -1, -1, "not the leader");
        assertEquals(notLeader, ReplicationMapping.toRecord(ReplicationMapping.toProto(notLeader)));
    }

    @Test
    void everyErrorHasAWireCodeOfTheSameName() {
        for (FetchError error : FetchError.values()) {
            assertEquals(error.name(), ReplicationMapping.toProto(error).name());
            assertEquals(error, ReplicationMapping.toFetchError(ReplicationMapping.toProto(error), "f"));
        }
        for (ReplicationError error : ReplicationError.values()) {
            assertEquals(error.name(), ReplicationMapping.toProto(error).name());
            assertEquals(error, ReplicationMapping.toReplicationError(ReplicationMapping.toProto(error), "f"));
        }
    }

    // ---------------------------------------------------------------- malformed requests

    @Test
    void malformedFetchRequestsNameTheField() {
        assertMalformed("ReplicaFetchRequest.cluster_id is missing",
                () -> ReplicationMapping.toRecord(fetchRequest().setClusterId("").build()));
        assertMalformed("ReplicaFetchRequest.replica_id must be >= 0, got -1",
                () -> ReplicationMapping.toRecord(fetchRequest().setReplicaId(-1).build()));
        assertMalformed("ReplicaFetchRequest.replica_broker_epoch must be >= -1, got -2",
                () -> ReplicationMapping.toRecord(fetchRequest().setReplicaBrokerEpoch(-2).build()));
        assertMalformed("ReplicaFetchRequest.max_wait_ms must be >= 0, got -1",
                () -> ReplicationMapping.toRecord(fetchRequest().setMaxWaitMs(-1).build()));
        assertMalformed("ReplicaFetchRequest.max_bytes must be >= 0, got -1",
                () -> ReplicationMapping.toRecord(fetchRequest().setMaxBytes(-1).build()));
        assertMalformed("ReplicaFetchRequest.partitions[2].fetch_offset must be >= 0, got -1",
                () -> ReplicationMapping.toRecord(fetchRequest()
                        .setPartitions(2, fetchPartition().setFetchOffset(-1)).build()));
        assertMalformed("ReplicaFetchRequest.partitions[1].topic_id is missing",
                () -> ReplicationMapping.toRecord(fetchRequest()
                        .setPartitions(1, fetchPartition().setTopicId("")).build()));
        assertMalformed("ReplicaFetchRequest.partitions[0].topic_id is not a UUID: 'x'",
                () -> ReplicationMapping.toRecord(fetchRequest()
                        .setPartitions(0, fetchPartition().setTopicId("x")).build()));
        assertMalformed("ReplicaFetchRequest.partitions[0].topic_id is not a UUID: '1-2-3-4-5'",
                () -> ReplicationMapping.toRecord(fetchRequest()
                        .setPartitions(0, fetchPartition().setTopicId("1-2-3-4-5")).build()));
        assertMalformed("ReplicaFetchRequest.partitions[0].partition must be >= 0, got -3",
                () -> ReplicationMapping.toRecord(fetchRequest()
                        .setPartitions(0, fetchPartition().setPartition(-3)).build()));
        assertMalformed("ReplicaFetchRequest.partitions[1].current_leader_epoch must be >= 0, got -1",
                () -> ReplicationMapping.toRecord(fetchRequest()
                        .setPartitions(1, fetchPartition().setCurrentLeaderEpoch(-1)).build()));
        assertMalformed("ReplicaFetchRequest.partitions[1].last_fetched_epoch must be >= -1, got -2",
                () -> ReplicationMapping.toRecord(fetchRequest()
                        .setPartitions(1, fetchPartition().setLastFetchedEpoch(-2)).build()));
        assertMalformed("ReplicaFetchRequest.partitions[2].max_bytes must be >= 0, got -1",
                () -> ReplicationMapping.toRecord(fetchRequest()
                        .setPartitions(2, fetchPartition().setMaxBytes(-1)).build()));
        // The record's own invariant: an epoch without any fetched data.
        assertMalformed("ReplicaFetchRequest.partitions[0] is invalid: fetch offset 0 with last fetched epoch 3",
                () -> ReplicationMapping.toRecord(fetchRequest()
                        .setPartitions(0, fetchPartition().setFetchOffset(0).setLastFetchedEpoch(3)).build()));
    }

    @Test
    void malformedProduceAndReadRequestsNameTheField() {
        var produce = ReplicationMapping.toProto(new ProduceRequest(ORDERS_3, List.of(bytes("v")), 1, 100), CLUSTER);
        assertMalformed("ProduceRequest.cluster_id is missing",
                () -> ReplicationMapping.toRecord(produce.toBuilder().setClusterId("").build()));
        assertMalformed("ProduceRequest.topic is missing",
                () -> ReplicationMapping.toRecord(produce.toBuilder().setTopic("").build()));
        assertMalformed("ProduceRequest.partition must be >= 0, got -1",
                () -> ReplicationMapping.toRecord(produce.toBuilder().setPartition(-1).build()));

        ReadRequest read = ReplicationMapping.readRequest(ORDERS_3, 5, 100, CLUSTER);
        assertMalformed("ReadRequest.cluster_id is missing",
                () -> ReplicationMapping.toRecord(read.toBuilder().setClusterId("").build()));
        assertMalformed("ReadRequest.topic is missing",
                () -> ReplicationMapping.toRecord(read.toBuilder().setTopic("").build()));
        assertMalformed("ReadRequest.partition must be >= 0, got -2",
                () -> ReplicationMapping.toRecord(read.toBuilder().setPartition(-2).build()));
        assertMalformed("ReadRequest.offset must be >= 0, got -1",
                () -> ReplicationMapping.toRecord(read.toBuilder().setOffset(-1).build()));
        assertMalformed("ReadRequest.max_bytes must be >= 0, got -1",
                () -> ReplicationMapping.toRecord(read.toBuilder().setMaxBytes(-1).build()));
    }

    // ---------------------------------------------------------------- malformed responses

    @Test
    void malformedFetchResponsesNameTheField() {
        assertMalformed("ReplicaFetchResponse.error must be NONE here, got INCONSISTENT_CLUSTER_ID",
                () -> ReplicationMapping.toRecord(fetchResponse().setError(ErrorCode.INCONSISTENT_CLUSTER_ID).build()));
        assertMalformed("ReplicaFetchResponse.partitions[0].topic_id is not a UUID: '3f2504e0'",
                () -> ReplicationMapping.toRecord(fetchResponse()
                        .setPartitions(0, partitionData().setTopicId("3f2504e0")).build()));
        assertMalformed("ReplicaFetchResponse.partitions[1].partition must be >= 0, got -1",
                () -> ReplicationMapping.toRecord(fetchResponse()
                        .setPartitions(1, partitionData().setPartition(-1)).build()));
        assertMalformed("ReplicaFetchResponse.partitions[0].high_watermark must be >= -1, got -2",
                () -> ReplicationMapping.toRecord(fetchResponse()
                        .setPartitions(0, partitionData().setHighWatermark(-2)).build()));
        assertMalformed("ReplicaFetchResponse.partitions[0].log_start_offset must be >= -1, got -2",
                () -> ReplicationMapping.toRecord(fetchResponse()
                        .setPartitions(0, partitionData().setLogStartOffset(-2)).build()));
        assertMalformed("ReplicaFetchResponse.partitions[1].error holds an error code this side does not know",
                () -> ReplicationMapping.toRecord(fetchResponse()
                        .setPartitions(1, partitionData().setErrorValue(99)).build()));
        assertMalformed("ReplicaFetchResponse.partitions[1].error holds REQUEST_TIMED_OUT, which a fetch partition"
                + " never carries", () -> ReplicationMapping.toRecord(fetchResponse()
                        .setPartitions(1, partitionData().setError(ErrorCode.REQUEST_TIMED_OUT)).build()));
        assertMalformed("ReplicaFetchResponse.partitions[0].diverging_epoch.end_offset must be >= 0, got -1",
                () -> ReplicationMapping.toRecord(fetchResponse().setPartitions(0, partitionData().clearRecords()
                        .setDivergingEpoch(DivergingEpoch.newBuilder().setEpoch(1).setEndOffset(-1))).build()));
        assertMalformed("ReplicaFetchResponse.partitions[0].diverging_epoch.epoch must be >= -1, got -2",
                () -> ReplicationMapping.toRecord(fetchResponse().setPartitions(0, partitionData().clearRecords()
                        .setDivergingEpoch(DivergingEpoch.newBuilder().setEpoch(-2).setEndOffset(3))).build()));
        assertMalformed("ReplicaFetchResponse.partitions[1].records[1].records is empty; a batch holds at least one"
                + " record", () -> ReplicationMapping.toRecord(fetchResponse().setPartitions(1, partitionData()
                        .setRecords(1, RecordBatch.newBuilder().setBaseOffset(3).setEpoch(1))).build()));
        assertMalformed("ReplicaFetchResponse.partitions[1].records[0].base_offset must be >= 0, got -1",
                () -> ReplicationMapping.toRecord(fetchResponse().setPartitions(1, partitionData()
                        .setRecords(0, ProtoMapping.toProto(batch(0, 1, "a")).toBuilder().setBaseOffset(-1)))
                        .build()));
        // The record's own invariants: an error with data, batches with a gap.
        assertMalformedStartsWith("ReplicaFetchResponse.partitions[0] is invalid: NOT_LEADER_OR_FOLLOWER answer carries"
                + " data", () -> ReplicationMapping.toRecord(fetchResponse().setPartitions(0, partitionData()
                        .setError(ErrorCode.NOT_LEADER_OR_FOLLOWER)).build()));
        assertMalformedStartsWith("ReplicaFetchResponse.partitions[0] is invalid: batches not contiguous",
                () -> ReplicationMapping.toRecord(fetchResponse().setPartitions(0, partitionData()
                        .setRecords(1, ProtoMapping.toProto(batch(9, 1, "gap")))).build()));
    }

    @Test
    void malformedProduceAndReadResponsesNameTheField() {
        ProduceResponse appended = ReplicationMapping.toProto(ProduceResult.appended(3));
        assertMalformed("ProduceResponse.base_offset must be >= -1, got -2",
                () -> ReplicationMapping.toRecord(appended.toBuilder().setBaseOffset(-2).build()));
        assertMalformed("ProduceResponse.error holds an error code this side does not know",
                () -> ReplicationMapping.toRecord(appended.toBuilder().setErrorValue(99).build()));
        assertMalformed("ProduceResponse.error holds UNKNOWN_LEADER_EPOCH, which a produce or read answer never"
                + " carries", () -> ReplicationMapping.toRecord(appended.toBuilder()
                        .setError(ErrorCode.UNKNOWN_LEADER_EPOCH).build()));

        ReadResponse read = ReplicationMapping.toProto(new ReadResult(ReplicationError.NONE,
                List.of(batch(5, 1, "x")), 6, 0, ""));
        assertMalformed("ReadResponse.high_watermark must be >= -1, got -2",
                () -> ReplicationMapping.toRecord(read.toBuilder().setHighWatermark(-2).build()));
        assertMalformed("ReadResponse.log_start_offset must be >= -1, got -9",
                () -> ReplicationMapping.toRecord(read.toBuilder().setLogStartOffset(-9).build()));
        assertMalformed("ReadResponse.batches[0].record_count is 2 but the batch holds 1 records",
                () -> ReplicationMapping.toRecord(read.toBuilder()
                        .setBatches(0, read.getBatches(0).toBuilder().setRecordCount(2)).build()));
        assertMalformed("ReadResponse.error holds INCONSISTENT_CLUSTER_ID, which a produce or read answer never"
                + " carries", () -> ReplicationMapping.toRecord(read.toBuilder()
                        .setError(ErrorCode.INCONSISTENT_CLUSTER_ID).build()));
        assertMalformed("ReadResponse is invalid: KAFKA_STORAGE_ERROR answer carries records",
                () -> ReplicationMapping.toRecord(read.toBuilder().setError(ErrorCode.KAFKA_STORAGE_ERROR).build()));
    }

    // ---------------------------------------------------------------- helpers

    /** A valid fetch of three partitions, for the malformed cases to spoil one field of. */
    private static io.kraftlet.proto.replication.ReplicaFetchRequest.Builder fetchRequest() {
        return io.kraftlet.proto.replication.ReplicaFetchRequest.newBuilder().setClusterId(CLUSTER).setReplicaId(2)
                .setReplicaBrokerEpoch(17).setMaxWaitMs(500).setMaxBytes(1000)
                .addPartitions(fetchPartition()).addPartitions(fetchPartition()).addPartitions(fetchPartition());
    }

    private static FetchPartition.Builder fetchPartition() {
        return FetchPartition.newBuilder().setTopicId(TOPIC_A.toString()).setPartition(1).setCurrentLeaderEpoch(4)
                .setFetchOffset(10).setLastFetchedEpoch(3).setMaxBytes(100);
    }

    /** A valid fetch answer of two partitions with records. */
    private static io.kraftlet.proto.replication.ReplicaFetchResponse.Builder fetchResponse() {
        return io.kraftlet.proto.replication.ReplicaFetchResponse.newBuilder()
                .addPartitions(partitionData()).addPartitions(partitionData());
    }

    private static FetchPartitionData.Builder partitionData() {
        return FetchPartitionData.newBuilder().setTopicId(TOPIC_B.toString()).setPartition(0)
                .setError(ErrorCode.NONE).setHighWatermark(4).setLogStartOffset(0)
                .addRecords(ProtoMapping.toProto(batch(0, 1, "a", "b", "c")))
                .addRecords(ProtoMapping.toProto(batch(3, 1, "d")));
    }

    private static ProduceResult roundTrip(ProduceResult result) {
        return ReplicationMapping.toRecord(ReplicationMapping.toProto(result));
    }

    private static Batch batch(long baseOffset, int epoch, String... records) {
        return new Batch(baseOffset, epoch, 1_700_000_000_000L + baseOffset, false,
                java.util.Arrays.stream(records).map(ReplicationMappingTest::bytes).toList());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Batches hold arrays, which records compare by identity: compare them field by field. */
    static void assertSameBatches(List<Batch> expected, List<Batch> actual) {
        assertEquals(expected.size(), actual.size(), "batch count");
        for (int i = 0; i < expected.size(); i++) {
            Batch want = expected.get(i);
            Batch got = actual.get(i);
            assertEquals(want.baseOffset(), got.baseOffset());
            assertEquals(want.epoch(), got.epoch());
            assertEquals(want.appendTimeMs(), got.appendTimeMs());
            assertEquals(want.control(), got.control());
            assertSameRecords(want.records(), got.records());
        }
    }

    static void assertSameRecords(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size(), "record count");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "record " + i);
        }
    }

    private static void assertMalformed(String message, Executable read) {
        assertEquals(message, assertThrows(MalformedMessageException.class, read).getMessage());
    }

    private static void assertMalformedStartsWith(String prefix, Executable read) {
        String message = assertThrows(MalformedMessageException.class, read).getMessage();
        assertTrue(message.startsWith(prefix), message);
    }
}

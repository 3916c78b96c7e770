package io.kraftlet.examples.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.image.MetadataImage;
import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.MetadataRecord;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.proto.client.ClientError;
import io.kraftlet.proto.client.FetchRequest;
import io.kraftlet.proto.client.FetchResponse;
import io.kraftlet.proto.client.MetadataResponse;
import io.kraftlet.proto.client.ProduceRequest;
import io.kraftlet.proto.client.ProduceResponse;
import io.kraftlet.proto.client.Record;
import io.kraftlet.raft.Batch;
import io.kraftlet.replication.ProduceResult;
import io.kraftlet.replication.ReadResult;
import io.kraftlet.replication.ReplicationError;
import io.kraftlet.transport.grpc.MalformedMessageException;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@link ClientMapping}: round trips of every message, and the malformed fields it names. */
class ClientMappingTest {
    private static final UUID TOPIC_ID = UUID.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    private static final TopicPartition P1 = new TopicPartition("orders", 1);

    @Test
    void metadataFromAnImageRoundTrips() {
        List<MetadataRecord> records = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            records.add(new MetadataRecord.RegisterBroker(id, 10 + id, new UUID(id, id),
                    List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9090 + id)), id == 2 ? "rack-b" : "", id == 3,
                    false));
        }
        records.add(new MetadataRecord.Topic("orders", TOPIC_ID));
        records.add(new MetadataRecord.Partition(TOPIC_ID, 0, List.of(1, 2, 3), List.of(1, 2), List.of(), List.of(),
                1, LeaderRecoveryState.RECOVERED, 4, 5));
        records.add(new MetadataRecord.Partition(TOPIC_ID, 1, List.of(2, 3, 1), List.of(), List.of(3), List.of(2),
                -1, LeaderRecoveryState.RECOVERED, 7, 8));
        records.add(new MetadataRecord.Topic("other", new UUID(9, 9)));
        records.add(new MetadataRecord.Partition(new UUID(9, 9), 0, List.of(1), List.of(1), List.of(), List.of(),
                1, LeaderRecoveryState.RECOVERED, 0, 0));
        records.add(new MetadataRecord.Config(ConfigResource.topic("orders"), "min.insync.replicas", "2"));
        MetadataImage image = MetadataImage.fromRecords(records, records.size());

        MetadataResponse proto = ClientMapping.toProto(image, "c1", 2, 101, List.of("orders", "missing"));
        ClusterMetadata metadata = ClientMapping.toRecord(proto);

        assertEquals("c1", metadata.clusterId());
        assertEquals(2, metadata.brokerId());
        assertEquals(101, metadata.controllerId());
        assertEquals(3, metadata.brokers().size());
        assertEquals(new ClusterMetadata.Broker(2, List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9092)), "rack-b",
                false), metadata.brokers().get(2));
        assertTrue(metadata.brokers().get(3).fenced());
        assertEquals(List.of("orders"), List.copyOf(metadata.topics().keySet()), "only the topics asked for");
        ClusterMetadata.Topic orders = metadata.topic("orders").orElseThrow();
        assertEquals(TOPIC_ID, orders.id());
        assertEquals(Map.of("min.insync.replicas", "2"), orders.configs());
        assertEquals(new ClusterMetadata.Partition(0, 1, 4, List.of(1, 2, 3), List.of(1, 2), List.of(), List.of()),
                orders.partitions().get(0));
        assertEquals(new ClusterMetadata.Partition(1, -1, 7, List.of(2, 3, 1), List.of(), List.of(3), List.of(2)),
                orders.partitions().get(1));
        assertEquals(new Endpoint("PLAINTEXT", "127.0.0.1", 9091), metadata.leaderEndpoint("orders", 0).orElseThrow());
        assertTrue(metadata.leaderEndpoint("orders", 1).isEmpty(), "no leader");

        assertEquals(2, ClientMapping.toRecord(ClientMapping.toProto(image, "c1", 2, -1, List.of())).topics().size(),
                "an empty list asks for every topic");
    }

    @Test
    void malformedMetadataNamesTheField() {
        MetadataResponse good = MetadataResponse.newBuilder().setClusterId("c1").setBrokerId(1).setControllerId(-1)
                .build();
        assertMalformed("MetadataResponse.cluster_id is required",
                () -> ClientMapping.toRecord(good.toBuilder().setClusterId("").build()));
        assertMalformed("MetadataResponse.controller_id must be >= -1, got -2",
                () -> ClientMapping.toRecord(good.toBuilder().setControllerId(-2).build()));
        assertMalformed("MetadataResponse.topics[0].topic_id must be a UUID in canonical form, got 'x'",
                () -> ClientMapping.toRecord(good.toBuilder().addTopics(io.kraftlet.proto.client.TopicMetadata
                        .newBuilder().setName("t").setTopicId("x")).build()));
        assertMalformed("MetadataResponse.brokers[0].listeners[0].port must be 1-65535, got 0",
                () -> ClientMapping.toRecord(good.toBuilder().addBrokers(io.kraftlet.proto.client.BrokerMetadata
                        .newBuilder().setId(1).addListeners(io.kraftlet.proto.client.Listener.newBuilder()
                                .setName("PLAINTEXT").setHost("h"))).build()));
        assertMalformed("MetadataResponse.error must be NONE here, got INCONSISTENT_CLUSTER_ID",
                () -> ClientMapping.toRecord(good.toBuilder().setError(ClientError.INCONSISTENT_CLUSTER_ID).build()));
    }

    @Test
    void produceRoundTrips() {
        ProduceRequest request = ClientMapping.toProto("c1", P1, List.of(bytes("a"), bytes("b")), -1, 5000);
        ClientMapping.Produce produce = ClientMapping.toRecord(request);
        assertEquals(P1, produce.topicPartition());
        assertEquals(-1, produce.acks());
        assertEquals(5000, produce.timeoutMs());
        assertArrayEquals(bytes("b"), produce.records().get(1));

        assertEquals(ProduceResult.appended(42), ClientMapping.toRecord(ClientMapping.toProto(ProduceResult.appended(42))));
        ProduceResult refused = ProduceResult.failed(ReplicationError.NOT_ENOUGH_REPLICAS, "isr [1] < 2");
        assertEquals(refused, ClientMapping.toRecord(ClientMapping.toProto(refused)));
    }

    @Test
    void malformedProduceNamesTheField() {
        ProduceRequest good = ClientMapping.toProto("c1", P1, List.of(bytes("a")), 1, 10);
        assertMalformed("ProduceRequest.topic is required",
                () -> ClientMapping.toRecord(good.toBuilder().setTopic("").build()));
        assertMalformed("ProduceRequest.partition must be >= 0, got -1",
                () -> ClientMapping.toRecord(good.toBuilder().setPartition(-1).build()));
        assertMalformed("ProduceRequest.timeout_ms must be >= 0, got -5",
                () -> ClientMapping.toRecord(good.toBuilder().setTimeoutMs(-5).build()));
        assertMalformed("ProduceResponse.base_offset must be >= 0 on success, got -1",
                () -> ClientMapping.toRecord(ProduceResponse.newBuilder().setBaseOffset(-1).build()));
        assertMalformed("ProduceResponse.error cannot be INCONSISTENT_CLUSTER_ID here",
                () -> ClientMapping.toRecord(ProduceResponse.newBuilder()
                        .setError(ClientError.INCONSISTENT_CLUSTER_ID).setBaseOffset(-1).build()));
        assertMalformed("ProduceResponse.error is an error code this client does not know",
                () -> ClientMapping.toRecord(ProduceResponse.newBuilder().setErrorValue(99).build()));
    }

    @Test
    void fetchSkipsRecordsBeforeTheOffsetAndControlBatches() {
        ReadResult read = new ReadResult(ReplicationError.NONE, List.of(
                new Batch(10, 1, 0, false, List.of(bytes("r10"), bytes("r11"), bytes("r12"))),
                new Batch(13, 1, 0, true, List.of(bytes("control"))),
                new Batch(14, 2, 0, false, List.of(bytes("r14")))), 15, 3, "");
        FetchResult fetched = ClientMapping.toRecord(ClientMapping.toProto(read, 11));
        assertEquals(List.of(11L, 12L, 14L), fetched.records().stream().map(FetchResult.ConsumedRecord::offset).toList());
        assertEquals("r11", new String(fetched.records().get(0).value(), StandardCharsets.UTF_8));
        assertEquals(15, fetched.highWatermark());
        assertEquals(3, fetched.logStartOffset());

        ReadResult outOfRange = ReadResult.failed(ReplicationError.OFFSET_OUT_OF_RANGE, 15, 3, "offset 99 not in [3, 15]");
        FetchResult refused = ClientMapping.toRecord(ClientMapping.toProto(outOfRange, 99));
        assertEquals(ReplicationError.OFFSET_OUT_OF_RANGE, refused.error());
        assertEquals("offset 99 not in [3, 15]", refused.message());
        assertEquals(3, refused.logStartOffset());

        FetchRequest request = ClientMapping.toProto("", P1, 7, 1024);
        assertEquals(new ClientMapping.Fetch(P1, 7, 1024), ClientMapping.toRecord(request));
    }

    @Test
    void malformedFetchNamesTheField() {
        FetchRequest good = ClientMapping.toProto("c1", P1, 0, 10);
        assertMalformed("FetchRequest.offset must be >= 0, got -1",
                () -> ClientMapping.toRecord(good.toBuilder().setOffset(-1).build()));
        assertMalformed("FetchRequest.max_bytes must be >= 0, got -1",
                () -> ClientMapping.toRecord(good.toBuilder().setMaxBytes(-1).build()));
        FetchResponse response = FetchResponse.newBuilder().setHighWatermark(5).setLogStartOffset(0)
                .addRecords(Record.newBuilder().setOffset(3).setValue(ByteString.copyFromUtf8("a")))
                .addRecords(Record.newBuilder().setOffset(3).setValue(ByteString.copyFromUtf8("b"))).build();
        assertMalformed("FetchResponse.records[1].offset must be > 3 (offset order), got 3",
                () -> ClientMapping.toRecord(response));
        assertMalformed("FetchResponse.records must be empty with error NOT_LEADER_OR_FOLLOWER",
                () -> ClientMapping.toRecord(response.toBuilder().setError(ClientError.NOT_LEADER_OR_FOLLOWER).build()));
        assertMalformed("FetchResponse.high_watermark must be >= -1, got -3",
                () -> ClientMapping.toRecord(FetchResponse.newBuilder().setHighWatermark(-3).build()));
    }

    @Test
    void everyReplicationErrorHasAWireCode() {
        for (ReplicationError error : ReplicationError.values()) {
            assertEquals(error, ClientMapping.toRecord(ClientMapping.toProto(error), "f"));
        }
    }

    private static void assertMalformed(String message, org.junit.jupiter.api.function.Executable call) {
        MalformedMessageException thrown = assertThrows(MalformedMessageException.class, call);
        assertEquals(message, thrown.getMessage());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

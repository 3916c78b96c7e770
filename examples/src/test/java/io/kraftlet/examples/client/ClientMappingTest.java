package io.kraftlet.examples.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.image.MetadataImage;
import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.MetadataRecord;
import io.kraftlet.proto.client.ClientError;
import io.kraftlet.proto.client.MetadataResponse;
import io.kraftlet.transport.grpc.MalformedMessageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@link ClientMapping}: the Metadata round trip, and the malformed fields it names. */
class ClientMappingTest {
    private static final UUID TOPIC_ID = UUID.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3301");

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

    private static void assertMalformed(String message, org.junit.jupiter.api.function.Executable call) {
        MalformedMessageException thrown = assertThrows(MalformedMessageException.class, call);
        assertEquals(message, thrown.getMessage());
    }
}

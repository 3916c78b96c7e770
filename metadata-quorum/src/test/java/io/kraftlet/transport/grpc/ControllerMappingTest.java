package io.kraftlet.transport.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.controller.ApiError;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerApi.AlterConfigsReply;
import io.kraftlet.controller.ControllerApi.AlterPartitionReply;
import io.kraftlet.controller.ControllerApi.BrokerHeartbeatReply;
import io.kraftlet.controller.ControllerApi.BrokerRegistrationReply;
import io.kraftlet.controller.ControllerApi.BrokerState;
import io.kraftlet.controller.ControllerApi.ConfigResult;
import io.kraftlet.controller.ControllerApi.ControllerInfo;
import io.kraftlet.controller.ControllerApi.CreateTopicsReply;
import io.kraftlet.controller.ControllerApi.CreatedTopic;
import io.kraftlet.controller.ControllerApi.DeleteTopicsReply;
import io.kraftlet.controller.ControllerApi.DeletedTopic;
import io.kraftlet.controller.ControllerApi.DescribeClusterReply;
import io.kraftlet.controller.ControllerApi.DescribeTopicsReply;
import io.kraftlet.controller.ControllerApi.ElectLeadersReply;
import io.kraftlet.controller.ControllerApi.ElectionResult;
import io.kraftlet.controller.ControllerApi.PartitionChangeProposal;
import io.kraftlet.controller.ControllerApi.PartitionChangeResult;
import io.kraftlet.controller.ControllerApi.PartitionDescription;
import io.kraftlet.controller.ControllerApi.TopicDescription;
import io.kraftlet.controller.ControllerApi.ZkNode;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.controller.ElectionType;
import io.kraftlet.image.BrokerRegistration;
import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.proto.controller.AlterConfigsRequest;
import io.kraftlet.proto.controller.AlterPartitionRequest;
import io.kraftlet.proto.controller.AlterPartitionResponse;
import io.kraftlet.proto.controller.BrokerHeartbeatRequest;
import io.kraftlet.proto.controller.ConfigResourceType;
import io.kraftlet.proto.controller.CreateTopicsRequest;
import io.kraftlet.proto.controller.CreateTopicsResponse;
import io.kraftlet.proto.controller.DescribeClusterRequest;
import io.kraftlet.proto.controller.DescribeClusterResponse;
import io.kraftlet.proto.controller.ElectLeadersRequest;
import io.kraftlet.proto.controller.ErrorCode;
import io.kraftlet.proto.controller.ErrorInfo;
import io.kraftlet.proto.controller.ReadZkPathRequest;
import io.kraftlet.proto.controller.RegisterBrokerRequest;
import io.kraftlet.proto.controller.RegisterBrokerResponse;
import io.kraftlet.proto.controller.ReplicaList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ControllerMappingTest {
    private static final String CLUSTER = "cluster-a";
    private static final UUID TOPIC_ID = UUID.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    private static final UUID INCARNATION = UUID.fromString("a4b1ec05-94f2-4b3c-8a67-41f8e1d9c8a2");
    private static final ApiError FENCED = ApiError.of(ControllerError.FENCED_LEADER_EPOCH, "epoch 3 < 4");

    // ---------------------------------------------------------------- errors

    @Test
    void everyControllerErrorHasAWireCodeOfTheSameName() {
        for (ControllerError error : ControllerError.values()) {
            ErrorCode code = ControllerMapping.toProto(error);
            assertEquals(error.name(), code.name());
            assertEquals(error, ControllerMapping.toRecord(code, "f"));
        }
        List<String> wireOnly = Arrays.stream(ErrorCode.values()).filter(code -> code != ErrorCode.UNRECOGNIZED)
                .map(ErrorCode::name)
                .filter(name -> Arrays.stream(ControllerError.values()).noneMatch(e -> e.name().equals(name)))
                .collect(Collectors.toList());
        assertEquals(List.of(), wireOnly, "wire codes without a ControllerError");
    }

    @Test
    void notControllerCarriesTheActiveControllerOrNone() {
        ControllerInfo active = new ControllerInfo(2, 7, "c2.example", 9093);
        ErrorInfo proto = ControllerMapping.notController("not me", active);
        assertEquals(ApiError.of(ControllerError.NOT_CONTROLLER, "not me"), ControllerMapping.toRecord(proto, "e"));
        assertEquals(active, ControllerMapping.controllerHint(proto, "e"));

        assertEquals(ControllerMapping.UNKNOWN_CONTROLLER,
                ControllerMapping.controllerHint(ControllerMapping.notController("who?", null), "e"));
        assertEquals(ControllerMapping.UNKNOWN_CONTROLLER, ControllerMapping.controllerHint(
                ControllerMapping.notController("who?", ControllerMapping.UNKNOWN_CONTROLLER), "e"));
        assertEquals(ControllerMapping.UNKNOWN_CONTROLLER,
                ControllerMapping.controllerHint(ControllerMapping.toProto(FENCED), "e"),
                "only NOT_CONTROLLER names one");

        assertMalformed("X.error.controller_port", () -> ControllerMapping.controllerHint(
                proto.toBuilder().setControllerPort(70_000).build(), "X.error"));
        assertMalformed("X.error.controller_id", () -> ControllerMapping.controllerHint(
                proto.toBuilder().setControllerId(-2).build(), "X.error"));
        assertMalformed("X.error.code", () -> ControllerMapping.toRecord(
                ErrorInfo.newBuilder().setCodeValue(999).build(), "X.error"));
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void registerBrokerRoundTrip() {
        var request = new ControllerApi.BrokerRegistrationRequest(4, INCARNATION,
                List.of(new Endpoint("PLAINTEXT", "b4", 9092), new Endpoint("REPLICATION", "b4", 9093)), "rack-1", 17);
        RegisterBrokerRequest proto = ControllerMapping.toProto(request, CLUSTER);
        assertEquals(CLUSTER, proto.getClusterId());
        assertEquals(INCARNATION.toString(), proto.getIncarnationId());
        assertEquals(request, ControllerMapping.toRecord(proto));
        var noRack = new ControllerApi.BrokerRegistrationRequest(0, INCARNATION, List.of(), null, -1);
        assertEquals(noRack, ControllerMapping.toRecord(ControllerMapping.toProto(noRack, CLUSTER)));

        assertRoundTrip(new BrokerRegistrationReply(ApiError.NONE, 120));
        assertRoundTrip(new BrokerRegistrationReply(
                ApiError.of(ControllerError.DUPLICATE_BROKER_REGISTRATION, "incarnation x is alive"), -1));
    }

    @Test
    void brokerHeartbeatRoundTrip() {
        var request = new ControllerApi.BrokerHeartbeatRequest(4, 120, -1, true, false);
        assertEquals(request, ControllerMapping.toRecord(ControllerMapping.toProto(request, CLUSTER)));
        var shutdown = new ControllerApi.BrokerHeartbeatRequest(4, 120, 500, false, true);
        assertEquals(shutdown, ControllerMapping.toRecord(ControllerMapping.toProto(shutdown, CLUSTER)));
        assertRoundTrip(new BrokerHeartbeatReply(ApiError.NONE, true, false, true));
        assertRoundTrip(new BrokerHeartbeatReply(ApiError.of(ControllerError.STALE_BROKER_EPOCH, "119"), false,
                true, false));
    }

    @Test
    void alterPartitionRoundTrip() {
        var request = new ControllerApi.AlterPartitionRequest(1, 100, List.of(
                new PartitionChangeProposal(TOPIC_ID, 0, 4, 9, List.of(new BrokerState(1, 100), new BrokerState(2, -1)),
                        LeaderRecoveryState.RECOVERED),
                new PartitionChangeProposal(TOPIC_ID, 3, 1, 2, List.of(new BrokerState(1, 100)),
                        LeaderRecoveryState.RECOVERING)));
        assertEquals(request, ControllerMapping.toRecord(ControllerMapping.toProto(request, CLUSTER)));

        assertRoundTrip(new AlterPartitionReply(ApiError.NONE, List.of(
                new PartitionChangeResult(TOPIC_ID, 0, ApiError.NONE, 1, 4, List.of(1, 2), 10,
                        LeaderRecoveryState.RECOVERED),
                new PartitionChangeResult(TOPIC_ID, 3, FENCED, 2, 5, List.of(2), 6, LeaderRecoveryState.RECOVERING),
                new PartitionChangeResult(null, 9, ApiError.of(ControllerError.UNKNOWN_TOPIC_ID, ""), -1, -1, List.of(),
                        -1, null))));
        assertRoundTrip(new AlterPartitionReply(ApiError.of(ControllerError.STALE_BROKER_EPOCH, "99"), List.of()));
    }

    @Test
    void createTopicsRoundTrip() {
        var request = new ControllerApi.CreateTopicsRequest(List.of(
                ControllerApi.NewTopic.of("orders", 3, 2),
                new ControllerApi.NewTopic("payments", -1, -1, Map.of(0, List.of(1, 2), 1, List.of(2, 3)),
                        Map.of("min.insync.replicas", "2", "unclean.leader.election.enable", "false"))), true);
        assertEquals(request, ControllerMapping.toRecord(ControllerMapping.toProto(request, CLUSTER)));

        CreateTopicsReply reply = new CreateTopicsReply(List.of(
                new CreatedTopic("orders", TOPIC_ID, ApiError.NONE, 3, 2),
                new CreatedTopic("payments", null, ApiError.of(ControllerError.TOPIC_ALREADY_EXISTS, "payments"), -1,
                        -1)));
        CreateTopicsResponse proto = ControllerMapping.toProto(reply);
        assertEquals(ErrorCode.NONE, proto.getError().getCode());
        assertEquals(reply, ControllerMapping.toRecord(proto));
    }

    @Test
    void deleteTopicsRoundTrip() {
        var request = new ControllerApi.DeleteTopicsRequest(List.of("orders", "payments"));
        assertEquals(request, ControllerMapping.toRecord(ControllerMapping.toProto(request, CLUSTER)));
        DeleteTopicsReply reply = new DeleteTopicsReply(List.of(new DeletedTopic("orders", ApiError.NONE),
                new DeletedTopic("payments", ApiError.of(ControllerError.UNKNOWN_TOPIC_OR_PARTITION, "payments"))));
        assertEquals(reply, ControllerMapping.toRecord(ControllerMapping.toProto(reply)));
    }

    @Test
    void electLeadersRoundTrip() {
        for (ElectionType type : ElectionType.values()) {
            var request = new ControllerApi.ElectLeadersRequest(type,
                    List.of(new TopicPartition("orders", 0), new TopicPartition("orders", 2)));
            assertEquals(request, ControllerMapping.toRecord(ControllerMapping.toProto(request, CLUSTER)));
        }
        var all = new ControllerApi.ElectLeadersRequest(ElectionType.PREFERRED, List.of());
        assertEquals(all, ControllerMapping.toRecord(ControllerMapping.toProto(all, CLUSTER)));
        assertRoundTrip(new ElectLeadersReply(ApiError.NONE, List.of(
                new ElectionResult(new TopicPartition("orders", 0), ApiError.NONE, 2),
                new ElectionResult(new TopicPartition("orders", 2),
                        ApiError.of(ControllerError.ELIGIBLE_LEADERS_NOT_AVAILABLE, "none alive"), -1))));
    }

    @Test
    void alterConfigsRoundTrip() {
        var request = new ControllerApi.AlterConfigsRequest(List.of(
                new ControllerApi.ConfigChange(ConfigResource.topic("orders"), "min.insync.replicas", "2"),
                new ControllerApi.ConfigChange(ConfigResource.topic("orders"), "retention.ms", null),
                new ControllerApi.ConfigChange(ConfigResource.CLUSTER_DEFAULTS, "min.insync.replicas", "")), false);
        var back = ControllerMapping.toRecord(ControllerMapping.toProto(request, CLUSTER));
        assertEquals(request, back);
        assertNull(back.changes().get(1).value(), "an absent value removes the key");
        assertEquals("", back.changes().get(2).value(), "an empty value is a value");

        AlterConfigsReply reply = new AlterConfigsReply(List.of(
                new ConfigResult(ConfigResource.topic("orders"), ApiError.of(ControllerError.INVALID_CONFIG, "x")),
                new ConfigResult(ConfigResource.CLUSTER_DEFAULTS, ApiError.NONE)));
        assertEquals(reply, ControllerMapping.toRecord(ControllerMapping.toProto(reply)));
    }

    @Test
    void describeClusterRoundTrip() {
        DescribeClusterRequest request = ControllerMapping.describeClusterRequest(CLUSTER);
        ControllerMapping.validate(request);
        assertEquals(CLUSTER, request.getClusterId());

        DescribeClusterReply reply = new DescribeClusterReply(ApiError.NONE, CLUSTER,
                new ControllerInfo(2, 7, "c2", 9093), List.of(
                        new BrokerRegistration(4, 120, INCARNATION, List.of(new Endpoint("PLAINTEXT", "b4", 9092)),
                                "rack-1", false, true),
                        new BrokerRegistration(5, 130, TOPIC_ID, List.of(), "", true, false)), 250);
        assertRoundTrip(reply);
        assertRoundTrip(new DescribeClusterReply(ApiError.NONE, CLUSTER, null, List.of(), -1));
        assertRoundTrip(new DescribeClusterReply(ApiError.NONE, CLUSTER, ControllerMapping.UNKNOWN_CONTROLLER,
                List.of(), 0));
    }

    @Test
    void describeTopicsRoundTrip() {
        assertEquals(List.of("orders", "payments"), ControllerMapping.toRecord(
                ControllerMapping.describeTopicsRequest(List.of("orders", "payments"), CLUSTER)));
        assertEquals(List.of(),
                ControllerMapping.toRecord(ControllerMapping.describeTopicsRequest(List.of(), CLUSTER)));

        DescribeTopicsReply reply = new DescribeTopicsReply(List.of(
                new TopicDescription("orders", TOPIC_ID, ApiError.NONE, List.of(
                        new PartitionDescription(0, 1, 3, 5, List.of(1, 2, 3), List.of(1, 2), List.of(3), List.of(),
                                LeaderRecoveryState.RECOVERED),
                        new PartitionDescription(1, -1, 4, 8, List.of(2, 3, 1), List.of(2), List.of(), List.of(3, 1),
                                LeaderRecoveryState.RECOVERING)), Map.of("min.insync.replicas", "2")),
                new TopicDescription("gone", null, ApiError.of(ControllerError.UNKNOWN_TOPIC_OR_PARTITION, "gone"),
                        List.of(), Map.of())));
        assertEquals(reply, ControllerMapping.toRecord(ControllerMapping.toProto(reply)));
    }

    @Test
    void readZkPathRoundTrip() {
        assertEquals("/brokers/ids", ControllerMapping.toRecord(ControllerMapping.readZkPathRequest("/brokers/ids",
                CLUSTER)));
        assertRoundTrip(new ZkNode(ApiError.NONE, "/brokers/ids", "", List.of("1", "2", "3")));
        assertRoundTrip(new ZkNode(ApiError.NONE, "/controller", "{\"version\":1,\"brokerid\":2}", List.of()));
        assertRoundTrip(new ZkNode(ApiError.of(ControllerError.UNKNOWN_TOPIC_OR_PARTITION, "no node /x"), "/x", "",
                List.of()));
    }

    // ---------------------------------------------------------------- malformed input

    @Test
    void malformedRequestsNameTheField() {
        RegisterBrokerRequest register = ControllerMapping.toProto(new ControllerApi.BrokerRegistrationRequest(4,
                INCARNATION, List.of(new Endpoint("PLAINTEXT", "b4", 9092)), "", -1), CLUSTER);
        assertMalformed("RegisterBrokerRequest.cluster_id",
                () -> ControllerMapping.toRecord(register.toBuilder().clearClusterId().build()));
        assertMalformed("RegisterBrokerRequest.broker_id",
                () -> ControllerMapping.toRecord(register.toBuilder().setBrokerId(-1).build()));
        assertMalformed("RegisterBrokerRequest.incarnation_id",
                () -> ControllerMapping.toRecord(register.toBuilder().clearIncarnationId().build()));
        assertMalformed("RegisterBrokerRequest.incarnation_id",
                () -> ControllerMapping.toRecord(register.toBuilder().setIncarnationId("not-a-uuid").build()));
        assertMalformed("RegisterBrokerRequest.incarnation_id",
                () -> ControllerMapping.toRecord(register.toBuilder().setIncarnationId("1-2-3-4-5").build()));
        assertMalformed("RegisterBrokerRequest.previous_broker_epoch",
                () -> ControllerMapping.toRecord(register.toBuilder().setPreviousBrokerEpoch(-2).build()));
        assertMalformed("RegisterBrokerRequest.listeners[0].port", () -> ControllerMapping.toRecord(
                register.toBuilder().setListeners(0, register.getListeners(0).toBuilder().setPort(65_536)).build()));
        assertMalformed("RegisterBrokerRequest.listeners[0].host", () -> ControllerMapping.toRecord(
                register.toBuilder().setListeners(0, register.getListeners(0).toBuilder().clearHost()).build()));

        assertMalformed("BrokerHeartbeatRequest.broker_epoch", () -> ControllerMapping.toRecord(
                BrokerHeartbeatRequest.newBuilder().setClusterId(CLUSTER).setBrokerId(1).setBrokerEpoch(-1).build()));
        assertMalformed("BrokerHeartbeatRequest.current_metadata_offset", () -> ControllerMapping.toRecord(
                BrokerHeartbeatRequest.newBuilder().setClusterId(CLUSTER).setCurrentMetadataOffset(-5).build()));

        AlterPartitionRequest alter = ControllerMapping.toProto(new ControllerApi.AlterPartitionRequest(1, 100,
                List.of(new PartitionChangeProposal(TOPIC_ID, 0, 4, 9, List.of(new BrokerState(1, 100)),
                        LeaderRecoveryState.RECOVERED))), CLUSTER);
        assertMalformed("AlterPartitionRequest.partitions[0].topic_id", () -> ControllerMapping.toRecord(
                alter.toBuilder().setPartitions(0, alter.getPartitions(0).toBuilder().setTopicId("x")).build()));
        assertMalformed("AlterPartitionRequest.partitions[0].leader_recovery_state", () -> ControllerMapping.toRecord(
                alter.toBuilder().setPartitions(0, alter.getPartitions(0).toBuilder().clearLeaderRecoveryState())
                        .build()));
        assertMalformed("AlterPartitionRequest.partitions[0].leader_recovery_state", () -> ControllerMapping.toRecord(
                alter.toBuilder().setPartitions(0, alter.getPartitions(0).toBuilder().setLeaderRecoveryStateValue(9))
                        .build()));
        assertMalformed("AlterPartitionRequest.partitions[0].new_isr[0].broker_id", () -> ControllerMapping.toRecord(
                alter.toBuilder().setPartitions(0, alter.getPartitions(0).toBuilder()
                        .setNewIsr(0, alter.getPartitions(0).getNewIsr(0).toBuilder().setBrokerId(-1))).build()));

        CreateTopicsRequest create = ControllerMapping.toProto(new ControllerApi.CreateTopicsRequest(
                List.of(ControllerApi.NewTopic.of("orders", 1, 1)), false), CLUSTER);
        assertMalformed("CreateTopicsRequest.topics[0].assignment[0].replicas[1]", () -> ControllerMapping.toRecord(
                create.toBuilder().setTopics(0, create.getTopics(0).toBuilder()
                        .putAssignment(0, ReplicaList.newBuilder().addReplicas(1).addReplicas(-3).build())).build()));

        ElectLeadersRequest elect = ControllerMapping.toProto(new ControllerApi.ElectLeadersRequest(
                ElectionType.ONLINE, List.of(new TopicPartition("orders", 0))), CLUSTER);
        assertMalformed("ElectLeadersRequest.type",
                () -> ControllerMapping.toRecord(elect.toBuilder().clearType().build()));
        assertMalformed("ElectLeadersRequest.type",
                () -> ControllerMapping.toRecord(elect.toBuilder().setTypeValue(42).build()));
        assertMalformed("ElectLeadersRequest.partitions[0].partition", () -> ControllerMapping.toRecord(
                elect.toBuilder().setPartitions(0, elect.getPartitions(0).toBuilder().setPartition(-1)).build()));

        AlterConfigsRequest configs = ControllerMapping.toProto(new ControllerApi.AlterConfigsRequest(List.of(
                new ControllerApi.ConfigChange(ConfigResource.topic("orders"), "retention.ms", "1")), false), CLUSTER);
        assertMalformed("AlterConfigsRequest.changes[0].resource", () -> ControllerMapping.toRecord(
                configs.toBuilder().setChanges(0, configs.getChanges(0).toBuilder().clearResource()).build()));
        assertMalformed("AlterConfigsRequest.changes[0].resource.type", () -> ControllerMapping.toRecord(
                configs.toBuilder().setChanges(0, configs.getChanges(0).toBuilder().setResource(
                        configs.getChanges(0).getResource().toBuilder()
                                .setType(ConfigResourceType.CONFIG_RESOURCE_TYPE_UNSPECIFIED))).build()));

        // The one request that may leave the cluster id out: tools discover the id with it.
        ControllerMapping.validate(DescribeClusterRequest.getDefaultInstance());
        assertMalformed("ReadZkPathRequest.path", () -> ControllerMapping.toRecord(
                ReadZkPathRequest.newBuilder().setClusterId(CLUSTER).build()));
    }

    @Test
    void malformedResponsesNameTheField() {
        assertMalformed("RegisterBrokerResponse.error",
                () -> ControllerMapping.toRecord(RegisterBrokerResponse.newBuilder().setBrokerEpoch(3).build()));
        assertMalformed("RegisterBrokerResponse.error.code", () -> ControllerMapping.toRecord(
                RegisterBrokerResponse.newBuilder().setError(ErrorInfo.newBuilder().setCodeValue(500)).build()));

        AlterPartitionResponse alter = ControllerMapping.toProto(new AlterPartitionReply(ApiError.NONE, List.of(
                new PartitionChangeResult(TOPIC_ID, 0, ApiError.NONE, 1, 4, List.of(1, 2), 10,
                        LeaderRecoveryState.RECOVERED))));
        assertMalformed("AlterPartitionResponse.partitions[0].isr[1]", () -> ControllerMapping.toRecord(
                alter.toBuilder().setPartitions(0, alter.getPartitions(0).toBuilder().setIsr(1, -1)).build()));
        assertMalformed("AlterPartitionResponse.partitions[0].leader", () -> ControllerMapping.toRecord(
                alter.toBuilder().setPartitions(0, alter.getPartitions(0).toBuilder().setLeader(-2)).build()));
        assertMalformed("AlterPartitionResponse.partitions[0].error", () -> ControllerMapping.toRecord(
                alter.toBuilder().setPartitions(0, alter.getPartitions(0).toBuilder().clearError()).build()));

        CreateTopicsResponse create = ControllerMapping.toProto(new CreateTopicsReply(List.of(
                new CreatedTopic("orders", TOPIC_ID, ApiError.NONE, 3, 2))));
        assertMalformed("CreateTopicsResponse.topics[0].topic_id", () -> ControllerMapping.toRecord(
                create.toBuilder().setTopics(0, create.getTopics(0).toBuilder().setTopicId("zz")).build()));

        DescribeClusterResponse cluster = ControllerMapping.toProto(new DescribeClusterReply(ApiError.NONE, CLUSTER,
                null, List.of(new BrokerRegistration(4, 120, INCARNATION, List.of(), "", false, false)), 5));
        assertMalformed("DescribeClusterResponse.brokers[0].incarnation_id", () -> ControllerMapping.toRecord(
                cluster.toBuilder().setBrokers(0, cluster.getBrokers(0).toBuilder().clearIncarnationId()).build()));
        assertMalformed("DescribeClusterResponse.metadata_offset", () -> ControllerMapping.toRecord(
                cluster.toBuilder().setMetadataOffset(-2).build()));
    }

    @Test
    void valuesForTheControllerToJudgePassThrough() {
        CreateTopicsRequest create = ControllerMapping.toProto(new ControllerApi.CreateTopicsRequest(
                List.of(new ControllerApi.NewTopic("", 0, -7, Map.of(), Map.of("no.such.config", "x"))), false),
                CLUSTER);
        var topic = ControllerMapping.toRecord(create).topics().get(0);
        assertEquals("", topic.name(), "INVALID_TOPIC_EXCEPTION is the controller's answer, per topic");
        assertEquals(0, topic.numPartitions());
        assertEquals(-7, topic.replicationFactor());
        assertFalse(topic.configs().isEmpty());
        assertTrue(ControllerMapping.toRecord(ControllerMapping.toProto(
                new ControllerApi.DeleteTopicsRequest(List.of("")), CLUSTER)).names().contains(""));
    }

    // ---------------------------------------------------------------- helpers

    private static void assertRoundTrip(BrokerRegistrationReply reply) {
        assertEquals(reply, ControllerMapping.toRecord(ControllerMapping.toProto(reply)));
    }

    private static void assertRoundTrip(BrokerHeartbeatReply reply) {
        assertEquals(reply, ControllerMapping.toRecord(ControllerMapping.toProto(reply)));
    }

    private static void assertRoundTrip(AlterPartitionReply reply) {
        assertEquals(reply, ControllerMapping.toRecord(ControllerMapping.toProto(reply)));
    }

    private static void assertRoundTrip(ElectLeadersReply reply) {
        assertEquals(reply, ControllerMapping.toRecord(ControllerMapping.toProto(reply)));
    }

    private static void assertRoundTrip(DescribeClusterReply reply) {
        assertEquals(reply, ControllerMapping.toRecord(ControllerMapping.toProto(reply)));
    }

    private static void assertRoundTrip(ZkNode node) {
        assertEquals(node, ControllerMapping.toRecord(ControllerMapping.toProto(node)));
    }

    private static void assertMalformed(String field, Executable mapping) {
        MalformedMessageException thrown = assertThrows(MalformedMessageException.class, mapping);
        assertEquals(field, thrown.field(), thrown.getMessage());
        assertTrue(thrown.getMessage().startsWith(field + " "), thrown.getMessage());
    }
}

package io.kraftlet.transport.grpc;

import io.kraftlet.controller.ApiError;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.proto.controller.AlterConfigsRequest;
import io.kraftlet.proto.controller.AlterConfigsResponse;
import io.kraftlet.proto.controller.AlterPartitionRequest;
import io.kraftlet.proto.controller.AlterPartitionResponse;
import io.kraftlet.proto.controller.BrokerHeartbeatRequest;
import io.kraftlet.proto.controller.BrokerHeartbeatResponse;
import io.kraftlet.proto.controller.BrokerState;
import io.kraftlet.proto.controller.ConfigChange;
import io.kraftlet.proto.controller.ConfigResourceType;
import io.kraftlet.proto.controller.ConfigResult;
import io.kraftlet.proto.controller.ControllerInfo;
import io.kraftlet.proto.controller.CreateTopicsRequest;
import io.kraftlet.proto.controller.CreateTopicsResponse;
import io.kraftlet.proto.controller.CreatedTopic;
import io.kraftlet.proto.controller.DeleteTopicsRequest;
import io.kraftlet.proto.controller.DeleteTopicsResponse;
import io.kraftlet.proto.controller.DeletedTopic;
import io.kraftlet.proto.controller.DescribeClusterRequest;
import io.kraftlet.proto.controller.DescribeClusterResponse;
import io.kraftlet.proto.controller.DescribeTopicsRequest;
import io.kraftlet.proto.controller.DescribeTopicsResponse;
import io.kraftlet.proto.controller.ElectLeadersRequest;
import io.kraftlet.proto.controller.ElectLeadersResponse;
import io.kraftlet.proto.controller.ElectionResult;
import io.kraftlet.proto.controller.ErrorCode;
import io.kraftlet.proto.controller.ErrorInfo;
import io.kraftlet.proto.controller.NewTopic;
import io.kraftlet.proto.controller.PartitionChangeProposal;
import io.kraftlet.proto.controller.PartitionChangeResult;
import io.kraftlet.proto.controller.PartitionDescription;
import io.kraftlet.proto.controller.ReadZkPathRequest;
import io.kraftlet.proto.controller.ReadZkPathResponse;
import io.kraftlet.proto.controller.RegisterBrokerRequest;
import io.kraftlet.proto.controller.RegisterBrokerResponse;
import io.kraftlet.proto.controller.ReplicaList;
import io.kraftlet.proto.controller.TopicDescription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Maps the {@link ControllerApi} records to the {@code kraftlet.controller} protobuf messages
 * and back. Stateless and pure: safe from any thread.
 *
 * <p>Requests are written with the sender's cluster id; a request read from the wire loses it
 * (the records do not carry it), so the reader checks {@code cluster_id} itself after
 * {@code toRecord}, which only checks that it is present. Replies map their {@code ApiError} to
 * the response's {@code error}; replies that have no error of their own (CreateTopics,
 * DeleteTopics, AlterConfigs, DescribeTopics) are written with NONE, and a reader must look at
 * {@code error} before calling {@code toRecord} on them.
 *
 * <p>Everything read from the wire is validated before a record is built: a missing cluster id,
 * required message or UUID, a UUID not in canonical form, a negative id (or below -1 where -1
 * means "none"), an UNSPECIFIED required enum or a value this side does not know throw
 * {@link MalformedMessageException} naming the field, e.g.
 * {@code "AlterPartitionRequest.partitions[2].topic_id is not a UUID: 'x'"}. Values whose
 * meaning is the controller's to judge (topic names, partition counts, config names) pass
 * through: the controller answers them with an error the caller can read per item.
 *
 * <p>Where a reply record holds null (no topic id, no controller, no recovery state), the wire
 * holds the empty value (empty string, absent message, UNSPECIFIED), and back.
 */
public final class ControllerMapping {
    /** The active controller of a NOT_CONTROLLER answer that names none. */
    public static final ControllerApi.ControllerInfo UNKNOWN_CONTROLLER =
            new ControllerApi.ControllerInfo(-1, -1, "", -1);

    private ControllerMapping() {
    }

    // ---------------------------------------------------------------- errors

    public static ErrorInfo toProto(ApiError error) {
        return ErrorInfo.newBuilder().setCode(toProto(error.error())).setMessage(error.message()).setControllerId(-1)
                .build();
    }

    /** A NOT_CONTROLLER outcome naming {@code active} (unknown when null or id -1). */
    public static ErrorInfo notController(String message, ControllerApi.ControllerInfo active) {
        ErrorInfo.Builder builder = ErrorInfo.newBuilder().setCode(ErrorCode.NOT_CONTROLLER)
                .setMessage(message == null ? "" : message).setControllerId(-1);
        if (active != null && active.controllerId() >= 0) {
            builder.setControllerId(active.controllerId()).setControllerEpoch(active.epoch())
                    .setControllerHost(emptyIfNull(active.host())).setControllerPort(active.port());
        }
        return builder.build();
    }

    /** The outcome in {@code proto}; {@code field} names it in errors, e.g. {@code "CreateTopicsResponse.error"}. */
    public static ApiError toRecord(ErrorInfo proto, String field) {
        return new ApiError(toRecord(proto.getCode(), field + ".code"), proto.getMessage());
    }

    /**
     * The active controller a NOT_CONTROLLER outcome names, or {@link #UNKNOWN_CONTROLLER}.
     * Only meaningful with that code; other outcomes name none.
     */
    public static ControllerApi.ControllerInfo controllerHint(ErrorInfo proto, String field) {
        ControllerWireCheck check = new ControllerWireCheck(field);
        int id = check.atLeast("controller_id", proto.getControllerId(), -1);
        if (proto.getCode() != ErrorCode.NOT_CONTROLLER || id < 0) {
            return UNKNOWN_CONTROLLER;
        }
        return new ControllerApi.ControllerInfo(id, check.nonNegative("controller_epoch", proto.getControllerEpoch()),
                proto.getControllerHost(), check.port("controller_port", proto.getControllerPort()));
    }

    /** Wire codes share the names of {@link ControllerError}; {@code ControllerMappingTest} keeps them in step. */
    public static ErrorCode toProto(ControllerError error) {
        return ErrorCode.valueOf(error.name());
    }

    public static ControllerError toRecord(ErrorCode code, String field) {
        if (code == ErrorCode.UNRECOGNIZED) {
            throw new MalformedMessageException(field, "holds an error code this side does not know");
        }
        try {
            return ControllerError.valueOf(code.name());
        } catch (IllegalArgumentException unknown) {
            throw new MalformedMessageException(field, "holds an error code this side does not know: " + code);
        }
    }

    // ---------------------------------------------------------------- RegisterBroker

    public static RegisterBrokerRequest toProto(ControllerApi.BrokerRegistrationRequest request, String clusterId) {
        RegisterBrokerRequest.Builder builder = RegisterBrokerRequest.newBuilder().setClusterId(clusterId)
                .setBrokerId(request.brokerId()).setIncarnationId(request.incarnationId().toString())
                .setRack(request.rack()).setPreviousBrokerEpoch(request.previousBrokerEpoch());
        request.listeners().forEach(listener -> builder.addListeners(toProto(listener)));
        return builder.build();
    }

    public static ControllerApi.BrokerRegistrationRequest toRecord(RegisterBrokerRequest proto) {
        ControllerWireCheck check = new ControllerWireCheck("RegisterBrokerRequest");
        check.clusterId(proto.getClusterId());
        return new ControllerApi.BrokerRegistrationRequest(check.nonNegative("broker_id", proto.getBrokerId()),
                check.uuid("incarnation_id", proto.getIncarnationId()),
                endpoints(check, "listeners", proto.getListenersList()), proto.getRack(),
                check.atLeast("previous_broker_epoch", proto.getPreviousBrokerEpoch(), -1));
    }

    public static RegisterBrokerResponse toProto(ControllerApi.BrokerRegistrationReply reply) {
        return RegisterBrokerResponse.newBuilder().setError(toProto(reply.error()))
                .setBrokerEpoch(reply.brokerEpoch()).build();
    }

    public static ControllerApi.BrokerRegistrationReply toRecord(RegisterBrokerResponse proto) {
        ControllerWireCheck check = new ControllerWireCheck("RegisterBrokerResponse");
        return new ControllerApi.BrokerRegistrationReply(check.error("error", proto.hasError(), proto.getError()),
                check.atLeast("broker_epoch", proto.getBrokerEpoch(), -1));
    }

    // ---------------------------------------------------------------- BrokerHeartbeat

    public static BrokerHeartbeatRequest toProto(ControllerApi.BrokerHeartbeatRequest request, String clusterId) {
        return BrokerHeartbeatRequest.newBuilder().setClusterId(clusterId).setBrokerId(request.brokerId())
                .setBrokerEpoch(request.brokerEpoch()).setCurrentMetadataOffset(request.currentMetadataOffset())
                .setWantFence(request.wantFence()).setWantShutDown(request.wantShutDown()).build();
    }

    public static ControllerApi.BrokerHeartbeatRequest toRecord(BrokerHeartbeatRequest proto) {
        ControllerWireCheck check = new ControllerWireCheck("BrokerHeartbeatRequest");
        check.clusterId(proto.getClusterId());
        return new ControllerApi.BrokerHeartbeatRequest(check.nonNegative("broker_id", proto.getBrokerId()),
                check.nonNegative("broker_epoch", proto.getBrokerEpoch()),
                check.atLeast("current_metadata_offset", proto.getCurrentMetadataOffset(), -1),
                proto.getWantFence(), proto.getWantShutDown());
    }

    public static BrokerHeartbeatResponse toProto(ControllerApi.BrokerHeartbeatReply reply) {
        return BrokerHeartbeatResponse.newBuilder().setError(toProto(reply.error())).setIsCaughtUp(reply.isCaughtUp())
                .setIsFenced(reply.isFenced()).setShouldShutDown(reply.shouldShutDown()).build();
    }

    public static ControllerApi.BrokerHeartbeatReply toRecord(BrokerHeartbeatResponse proto) {
        ControllerWireCheck check = new ControllerWireCheck("BrokerHeartbeatResponse");
        return new ControllerApi.BrokerHeartbeatReply(check.error("error", proto.hasError(), proto.getError()),
                proto.getIsCaughtUp(), proto.getIsFenced(), proto.getShouldShutDown());
    }

    // ---------------------------------------------------------------- AlterPartition

    public static AlterPartitionRequest toProto(ControllerApi.AlterPartitionRequest request, String clusterId) {
        AlterPartitionRequest.Builder builder = AlterPartitionRequest.newBuilder().setClusterId(clusterId)
                .setBrokerId(request.brokerId()).setBrokerEpoch(request.brokerEpoch());
        for (ControllerApi.PartitionChangeProposal proposal : request.partitions()) {
            PartitionChangeProposal.Builder partition = PartitionChangeProposal.newBuilder()
                    .setTopicId(proposal.topicId().toString()).setPartition(proposal.partition())
                    .setLeaderEpoch(proposal.leaderEpoch()).setPartitionEpoch(proposal.partitionEpoch())
                    .setLeaderRecoveryState(toProto(proposal.leaderRecoveryState()));
            proposal.newIsr().forEach(member -> partition.addNewIsr(
                    BrokerState.newBuilder().setBrokerId(member.brokerId()).setBrokerEpoch(member.brokerEpoch())));
            builder.addPartitions(partition);
        }
        return builder.build();
    }

    public static ControllerApi.AlterPartitionRequest toRecord(AlterPartitionRequest proto) {
        ControllerWireCheck check = new ControllerWireCheck("AlterPartitionRequest");
        check.clusterId(proto.getClusterId());
        List<ControllerApi.PartitionChangeProposal> proposals = new ArrayList<>(proto.getPartitionsCount());
        for (int i = 0; i < proto.getPartitionsCount(); i++) {
            PartitionChangeProposal partition = proto.getPartitions(i);
            ControllerWireCheck item = check.item("partitions", i);
            List<ControllerApi.BrokerState> newIsr = new ArrayList<>(partition.getNewIsrCount());
            for (int j = 0; j < partition.getNewIsrCount(); j++) {
                ControllerWireCheck member = item.item("new_isr", j);
                newIsr.add(new ControllerApi.BrokerState(
                        member.nonNegative("broker_id", partition.getNewIsr(j).getBrokerId()),
                        member.atLeast("broker_epoch", partition.getNewIsr(j).getBrokerEpoch(), -1)));
            }
            proposals.add(new ControllerApi.PartitionChangeProposal(item.uuid("topic_id", partition.getTopicId()),
                    item.nonNegative("partition", partition.getPartition()),
                    item.nonNegative("leader_epoch", partition.getLeaderEpoch()),
                    item.nonNegative("partition_epoch", partition.getPartitionEpoch()), newIsr,
                    item.recoveryState("leader_recovery_state", partition.getLeaderRecoveryState(), true)));
        }
        return new ControllerApi.AlterPartitionRequest(check.nonNegative("broker_id", proto.getBrokerId()),
                check.nonNegative("broker_epoch", proto.getBrokerEpoch()), proposals);
    }

    public static AlterPartitionResponse toProto(ControllerApi.AlterPartitionReply reply) {
        AlterPartitionResponse.Builder builder = AlterPartitionResponse.newBuilder().setError(toProto(reply.error()));
        for (ControllerApi.PartitionChangeResult result : reply.partitions()) {
            builder.addPartitions(PartitionChangeResult.newBuilder().setTopicId(uuidText(result.topicId()))
                    .setPartition(result.partition()).setError(toProto(result.error())).setLeader(result.leader())
                    .setLeaderEpoch(result.leaderEpoch()).addAllIsr(result.isr())
                    .setPartitionEpoch(result.partitionEpoch())
                    .setLeaderRecoveryState(toProto(result.leaderRecoveryState())));
        }
        return builder.build();
    }

    public static ControllerApi.AlterPartitionReply toRecord(AlterPartitionResponse proto) {
        ControllerWireCheck check = new ControllerWireCheck("AlterPartitionResponse");
        ApiError error = check.error("error", proto.hasError(), proto.getError());
        List<ControllerApi.PartitionChangeResult> results = new ArrayList<>(proto.getPartitionsCount());
        for (int i = 0; i < proto.getPartitionsCount(); i++) {
            PartitionChangeResult result = proto.getPartitions(i);
            ControllerWireCheck item = check.item("partitions", i);
            results.add(new ControllerApi.PartitionChangeResult(item.optionalUuid("topic_id", result.getTopicId()),
                    item.nonNegative("partition", result.getPartition()),
                    item.error("error", result.hasError(), result.getError()),
                    item.atLeast("leader", result.getLeader(), -1),
                    item.atLeast("leader_epoch", result.getLeaderEpoch(), -1), item.ids("isr", result.getIsrList()),
                    item.atLeast("partition_epoch", result.getPartitionEpoch(), -1),
                    item.recoveryState("leader_recovery_state", result.getLeaderRecoveryState(), false)));
        }
        return new ControllerApi.AlterPartitionReply(error, results);
    }

    // ---------------------------------------------------------------- CreateTopics

    public static CreateTopicsRequest toProto(ControllerApi.CreateTopicsRequest request, String clusterId) {
        CreateTopicsRequest.Builder builder = CreateTopicsRequest.newBuilder().setClusterId(clusterId)
                .setValidateOnly(request.validateOnly());
        for (ControllerApi.NewTopic topic : request.topics()) {
            NewTopic.Builder newTopic = NewTopic.newBuilder().setName(topic.name())
                    .setNumPartitions(topic.numPartitions()).setReplicationFactor(topic.replicationFactor())
                    .putAllConfigs(topic.configs());
            topic.assignment().forEach((partition, replicas) -> newTopic.putAssignment(partition,
                    ReplicaList.newBuilder().addAllReplicas(replicas).build()));
            builder.addTopics(newTopic);
        }
        return builder.build();
    }

    public static ControllerApi.CreateTopicsRequest toRecord(CreateTopicsRequest proto) {
        ControllerWireCheck check = new ControllerWireCheck("CreateTopicsRequest");
        check.clusterId(proto.getClusterId());
        List<ControllerApi.NewTopic> topics = new ArrayList<>(proto.getTopicsCount());
        for (int i = 0; i < proto.getTopicsCount(); i++) {
            NewTopic topic = proto.getTopics(i);
            ControllerWireCheck item = check.item("topics", i);
            Map<Integer, List<Integer>> assignment = new HashMap<>();
            topic.getAssignmentMap().forEach((partition, replicas) -> assignment.put(
                    item.nonNegative("assignment key", partition),
                    item.ids("assignment[" + partition + "].replicas", replicas.getReplicasList())));
            topics.add(new ControllerApi.NewTopic(topic.getName(), topic.getNumPartitions(),
                    topic.getReplicationFactor(), assignment, topic.getConfigsMap()));
        }
        return new ControllerApi.CreateTopicsRequest(topics, proto.getValidateOnly());
    }

    public static CreateTopicsResponse toProto(ControllerApi.CreateTopicsReply reply) {
        CreateTopicsResponse.Builder builder = CreateTopicsResponse.newBuilder().setError(toProto(ApiError.NONE));
        for (ControllerApi.CreatedTopic topic : reply.topics()) {
            builder.addTopics(CreatedTopic.newBuilder().setName(topic.name()).setTopicId(uuidText(topic.topicId()))
                    .setError(toProto(topic.error())).setNumPartitions(topic.numPartitions())
                    .setReplicationFactor(topic.replicationFactor()));
        }
        return builder.build();
    }

    /** The per-topic outcomes; the caller has checked that {@code error} is NONE. */
    public static ControllerApi.CreateTopicsReply toRecord(CreateTopicsResponse proto) {
        ControllerWireCheck check = new ControllerWireCheck("CreateTopicsResponse");
        List<ControllerApi.CreatedTopic> topics = new ArrayList<>(proto.getTopicsCount());
        for (int i = 0; i < proto.getTopicsCount(); i++) {
            CreatedTopic topic = proto.getTopics(i);
            ControllerWireCheck item = check.item("topics", i);
            topics.add(new ControllerApi.CreatedTopic(topic.getName(),
                    item.optionalUuid("topic_id", topic.getTopicId()),
                    item.error("error", topic.hasError(), topic.getError()),
                    item.atLeast("num_partitions", topic.getNumPartitions(), -1),
                    item.atLeast("replication_factor", topic.getReplicationFactor(), -1)));
        }
        return new ControllerApi.CreateTopicsReply(topics);
    }

    // ---------------------------------------------------------------- DeleteTopics

    public static DeleteTopicsRequest toProto(ControllerApi.DeleteTopicsRequest request, String clusterId) {
        return DeleteTopicsRequest.newBuilder().setClusterId(clusterId).addAllNames(request.names()).build();
    }

    public static ControllerApi.DeleteTopicsRequest toRecord(DeleteTopicsRequest proto) {
        new ControllerWireCheck("DeleteTopicsRequest").clusterId(proto.getClusterId());
        return new ControllerApi.DeleteTopicsRequest(proto.getNamesList());
    }

    public static DeleteTopicsResponse toProto(ControllerApi.DeleteTopicsReply reply) {
        DeleteTopicsResponse.Builder builder = DeleteTopicsResponse.newBuilder().setError(toProto(ApiError.NONE));
        reply.topics().forEach(topic -> builder.addTopics(
                DeletedTopic.newBuilder().setName(topic.name()).setError(toProto(topic.error()))));
        return builder.build();
    }

    /** The per-topic outcomes; the caller has checked that {@code error} is NONE. */
    public static ControllerApi.DeleteTopicsReply toRecord(DeleteTopicsResponse proto) {
        ControllerWireCheck check = new ControllerWireCheck("DeleteTopicsResponse");
        List<ControllerApi.DeletedTopic> topics = new ArrayList<>(proto.getTopicsCount());
        for (int i = 0; i < proto.getTopicsCount(); i++) {
            DeletedTopic topic = proto.getTopics(i);
            topics.add(new ControllerApi.DeletedTopic(topic.getName(),
                    check.item("topics", i).error("error", topic.hasError(), topic.getError())));
        }
        return new ControllerApi.DeleteTopicsReply(topics);
    }

    // ---------------------------------------------------------------- ElectLeaders

    public static ElectLeadersRequest toProto(ControllerApi.ElectLeadersRequest request, String clusterId) {
        ElectLeadersRequest.Builder builder = ElectLeadersRequest.newBuilder().setClusterId(clusterId)
                .setType(io.kraftlet.proto.controller.ElectionType.valueOf(request.type().name()));
        request.partitions().forEach(partition -> builder.addPartitions(toProto(partition)));
        return builder.build();
    }

    public static ControllerApi.ElectLeadersRequest toRecord(ElectLeadersRequest proto) {
        ControllerWireCheck check = new ControllerWireCheck("ElectLeadersRequest");
        check.clusterId(proto.getClusterId());
        io.kraftlet.controller.ElectionType type = check.electionType("type", proto.getType());
        List<TopicPartition> partitions = new ArrayList<>(proto.getPartitionsCount());
        for (int i = 0; i < proto.getPartitionsCount(); i++) {
            partitions.add(check.item("partitions", i).topicPartition(proto.getPartitions(i)));
        }
        return new ControllerApi.ElectLeadersRequest(type, partitions);
    }

    public static ElectLeadersResponse toProto(ControllerApi.ElectLeadersReply reply) {
        ElectLeadersResponse.Builder builder = ElectLeadersResponse.newBuilder().setError(toProto(reply.error()));
        reply.partitions().forEach(result -> builder.addPartitions(ElectionResult.newBuilder()
                .setPartition(toProto(result.partition())).setError(toProto(result.error()))
                .setLeader(result.leader())));
        return builder.build();
    }

    public static ControllerApi.ElectLeadersReply toRecord(ElectLeadersResponse proto) {
        ControllerWireCheck check = new ControllerWireCheck("ElectLeadersResponse");
        ApiError error = check.error("error", proto.hasError(), proto.getError());
        List<ControllerApi.ElectionResult> results = new ArrayList<>(proto.getPartitionsCount());
        for (int i = 0; i < proto.getPartitionsCount(); i++) {
            ElectionResult result = proto.getPartitions(i);
            ControllerWireCheck item = check.item("partitions", i);
            if (!result.hasPartition()) {
                throw item.malformed("partition", "is missing");
            }
            results.add(new ControllerApi.ElectionResult(item.item("partition").topicPartition(result.getPartition()),
                    item.error("error", result.hasError(), result.getError()),
                    item.atLeast("leader", result.getLeader(), -1)));
        }
        return new ControllerApi.ElectLeadersReply(error, results);
    }

    // ---------------------------------------------------------------- AlterConfigs

    public static AlterConfigsRequest toProto(ControllerApi.AlterConfigsRequest request, String clusterId) {
        AlterConfigsRequest.Builder builder = AlterConfigsRequest.newBuilder().setClusterId(clusterId)
                .setValidateOnly(request.validateOnly());
        for (ControllerApi.ConfigChange change : request.changes()) {
            ConfigChange.Builder wire = ConfigChange.newBuilder().setResource(toProto(change.resource()))
                    .setName(change.name());
            if (change.value() != null) {
                wire.setValue(change.value());
            }
            builder.addChanges(wire);
        }
        return builder.build();
    }

    public static ControllerApi.AlterConfigsRequest toRecord(AlterConfigsRequest proto) {
        ControllerWireCheck check = new ControllerWireCheck("AlterConfigsRequest");
        check.clusterId(proto.getClusterId());
        List<ControllerApi.ConfigChange> changes = new ArrayList<>(proto.getChangesCount());
        for (int i = 0; i < proto.getChangesCount(); i++) {
            ConfigChange change = proto.getChanges(i);
            ControllerWireCheck item = check.item("changes", i);
            changes.add(new ControllerApi.ConfigChange(
                    item.resource("resource", change.hasResource(), change.getResource()),
                    change.getName(), change.hasValue() ? change.getValue() : null));
        }
        return new ControllerApi.AlterConfigsRequest(changes, proto.getValidateOnly());
    }

    public static AlterConfigsResponse toProto(ControllerApi.AlterConfigsReply reply) {
        AlterConfigsResponse.Builder builder = AlterConfigsResponse.newBuilder().setError(toProto(ApiError.NONE));
        reply.resources().forEach(result -> builder.addResources(ConfigResult.newBuilder()
                .setResource(toProto(result.resource())).setError(toProto(result.error()))));
        return builder.build();
    }

    /** The per-resource outcomes; the caller has checked that {@code error} is NONE. */
    public static ControllerApi.AlterConfigsReply toRecord(AlterConfigsResponse proto) {
        ControllerWireCheck check = new ControllerWireCheck("AlterConfigsResponse");
        List<ControllerApi.ConfigResult> results = new ArrayList<>(proto.getResourcesCount());
        for (int i = 0; i < proto.getResourcesCount(); i++) {
            ConfigResult result = proto.getResources(i);
            ControllerWireCheck item = check.item("resources", i);
            results.add(new ControllerApi.ConfigResult(
                    item.resource("resource", result.hasResource(), result.getResource()),
                    item.error("error", result.hasError(), result.getError())));
        }
        return new ControllerApi.AlterConfigsReply(results);
    }

    // ---------------------------------------------------------------- DescribeCluster

    public static DescribeClusterRequest describeClusterRequest(String clusterId) {
        return DescribeClusterRequest.newBuilder().setClusterId(clusterId).build();
    }

    /** Checks the request; it holds nothing but the cluster id, which may be empty (discovery). */
    public static void validate(DescribeClusterRequest proto) {
        // An empty cluster id is allowed here only: it is how a tool discovers the cluster's id.
    }

    public static DescribeClusterResponse toProto(ControllerApi.DescribeClusterReply reply) {
        DescribeClusterResponse.Builder builder = DescribeClusterResponse.newBuilder().setError(toProto(reply.error()))
                .setClusterId(emptyIfNull(reply.clusterId())).setMetadataOffset(reply.metadataOffset());
        if (reply.controller() != null) {
            ControllerApi.ControllerInfo controller = reply.controller();
            builder.setController(ControllerInfo.newBuilder().setControllerId(controller.controllerId())
                    .setEpoch(controller.epoch()).setHost(emptyIfNull(controller.host())).setPort(controller.port()));
        }
        for (io.kraftlet.image.BrokerRegistration broker : reply.brokers()) {
            io.kraftlet.proto.controller.BrokerRegistration.Builder wire =
                    io.kraftlet.proto.controller.BrokerRegistration.newBuilder().setBrokerId(broker.id())
                            .setBrokerEpoch(broker.epoch()).setIncarnationId(broker.incarnationId().toString())
                            .setRack(broker.rack()).setFenced(broker.fenced())
                            .setInControlledShutdown(broker.inControlledShutdown());
            broker.listeners().forEach(listener -> wire.addListeners(toProto(listener)));
            builder.addBrokers(wire);
        }
        return builder.build();
    }

    public static ControllerApi.DescribeClusterReply toRecord(DescribeClusterResponse proto) {
        ControllerWireCheck check = new ControllerWireCheck("DescribeClusterResponse");
        ApiError error = check.error("error", proto.hasError(), proto.getError());
        ControllerApi.ControllerInfo controller = null;
        if (proto.hasController()) {
            ControllerWireCheck wire = check.item("controller");
            ControllerInfo info = proto.getController();
            controller = new ControllerApi.ControllerInfo(wire.atLeast("controller_id", info.getControllerId(), -1),
                    wire.atLeast("epoch", info.getEpoch(), -1), info.getHost(),
                    wire.atLeast("port", info.getPort(), -1));
        }
        List<io.kraftlet.image.BrokerRegistration> brokers = new ArrayList<>(proto.getBrokersCount());
        for (int i = 0; i < proto.getBrokersCount(); i++) {
            io.kraftlet.proto.controller.BrokerRegistration broker = proto.getBrokers(i);
            ControllerWireCheck item = check.item("brokers", i);
            brokers.add(new io.kraftlet.image.BrokerRegistration(item.nonNegative("broker_id", broker.getBrokerId()),
                    item.nonNegative("broker_epoch", broker.getBrokerEpoch()),
                    item.uuid("incarnation_id", broker.getIncarnationId()),
                    endpoints(item, "listeners", broker.getListenersList()), broker.getRack(), broker.getFenced(),
                    broker.getInControlledShutdown()));
        }
        return new ControllerApi.DescribeClusterReply(error, proto.getClusterId(), controller, brokers,
                check.atLeast("metadata_offset", proto.getMetadataOffset(), -1));
    }

    // ---------------------------------------------------------------- DescribeTopics

    public static DescribeTopicsRequest describeTopicsRequest(List<String> topics, String clusterId) {
        return DescribeTopicsRequest.newBuilder().setClusterId(clusterId).addAllTopics(topics).build();
    }

    /** The topic names asked for (empty: every topic). */
    public static List<String> toRecord(DescribeTopicsRequest proto) {
        new ControllerWireCheck("DescribeTopicsRequest").clusterId(proto.getClusterId());
        return List.copyOf(proto.getTopicsList());
    }

    public static DescribeTopicsResponse toProto(ControllerApi.DescribeTopicsReply reply) {
        DescribeTopicsResponse.Builder builder = DescribeTopicsResponse.newBuilder().setError(toProto(ApiError.NONE));
        for (ControllerApi.TopicDescription topic : reply.topics()) {
            TopicDescription.Builder wire = TopicDescription.newBuilder().setName(topic.name())
                    .setTopicId(uuidText(topic.topicId())).setError(toProto(topic.error()))
                    .putAllConfigs(topic.configs());
            for (ControllerApi.PartitionDescription partition : topic.partitions()) {
                wire.addPartitions(PartitionDescription.newBuilder().setPartition(partition.partition())
                        .setLeader(partition.leader()).setLeaderEpoch(partition.leaderEpoch())
                        .setPartitionEpoch(partition.partitionEpoch()).addAllReplicas(emptyIfNull(partition.replicas()))
                        .addAllIsr(emptyIfNull(partition.isr())).addAllElr(emptyIfNull(partition.elr()))
                        .addAllLastKnownElr(emptyIfNull(partition.lastKnownElr()))
                        .setLeaderRecoveryState(toProto(partition.leaderRecoveryState())));
            }
            builder.addTopics(wire);
        }
        return builder.build();
    }

    /** The topics described; the caller has checked that {@code error} is NONE. */
    public static ControllerApi.DescribeTopicsReply toRecord(DescribeTopicsResponse proto) {
        ControllerWireCheck check = new ControllerWireCheck("DescribeTopicsResponse");
        List<ControllerApi.TopicDescription> topics = new ArrayList<>(proto.getTopicsCount());
        for (int i = 0; i < proto.getTopicsCount(); i++) {
            TopicDescription topic = proto.getTopics(i);
            ControllerWireCheck item = check.item("topics", i);
            List<ControllerApi.PartitionDescription> partitions = new ArrayList<>(topic.getPartitionsCount());
            for (int j = 0; j < topic.getPartitionsCount(); j++) {
                PartitionDescription partition = topic.getPartitions(j);
                ControllerWireCheck wire = item.item("partitions", j);
                partitions.add(new ControllerApi.PartitionDescription(
                        wire.nonNegative("partition", partition.getPartition()),
                        wire.atLeast("leader", partition.getLeader(), -1),
                        wire.nonNegative("leader_epoch", partition.getLeaderEpoch()),
                        wire.nonNegative("partition_epoch", partition.getPartitionEpoch()),
                        wire.ids("replicas", partition.getReplicasList()), wire.ids("isr", partition.getIsrList()),
                        wire.ids("elr", partition.getElrList()),
                        wire.ids("last_known_elr", partition.getLastKnownElrList()),
                        wire.recoveryState("leader_recovery_state", partition.getLeaderRecoveryState(), false)));
            }
            topics.add(new ControllerApi.TopicDescription(topic.getName(),
                    item.optionalUuid("topic_id", topic.getTopicId()),
                    item.error("error", topic.hasError(), topic.getError()), partitions, topic.getConfigsMap()));
        }
        return new ControllerApi.DescribeTopicsReply(topics);
    }

    // ---------------------------------------------------------------- ReadZkPath

    public static ReadZkPathRequest readZkPathRequest(String path, String clusterId) {
        return ReadZkPathRequest.newBuilder().setClusterId(clusterId).setPath(path).build();
    }

    /** The path asked for. */
    public static String toRecord(ReadZkPathRequest proto) {
        ControllerWireCheck check = new ControllerWireCheck("ReadZkPathRequest");
        check.clusterId(proto.getClusterId());
        return check.required("path", proto.getPath());
    }

    public static ReadZkPathResponse toProto(ControllerApi.ZkNode node) {
        return ReadZkPathResponse.newBuilder().setError(toProto(node.error())).setPath(emptyIfNull(node.path()))
                .setData(emptyIfNull(node.data())).addAllChildren(node.children()).build();
    }

    public static ControllerApi.ZkNode toRecord(ReadZkPathResponse proto) {
        ControllerWireCheck check = new ControllerWireCheck("ReadZkPathResponse");
        return new ControllerApi.ZkNode(check.error("error", proto.hasError(), proto.getError()), proto.getPath(),
                proto.getData(), proto.getChildrenList());
    }

    // ---------------------------------------------------------------- shared parts

    private static io.kraftlet.proto.controller.Endpoint toProto(Endpoint endpoint) {
        return io.kraftlet.proto.controller.Endpoint.newBuilder().setName(endpoint.name()).setHost(endpoint.host())
                .setPort(endpoint.port()).build();
    }

    private static List<Endpoint> endpoints(ControllerWireCheck check, String field,
            List<io.kraftlet.proto.controller.Endpoint> protos) {
        List<Endpoint> endpoints = new ArrayList<>(protos.size());
        for (int i = 0; i < protos.size(); i++) {
            io.kraftlet.proto.controller.Endpoint proto = protos.get(i);
            ControllerWireCheck item = check.item(field, i);
            endpoints.add(new Endpoint(item.required("name", proto.getName()), item.required("host", proto.getHost()),
                    item.port("port", proto.getPort())));
        }
        return endpoints;
    }

    private static io.kraftlet.proto.controller.TopicPartition toProto(TopicPartition partition) {
        return io.kraftlet.proto.controller.TopicPartition.newBuilder().setTopic(partition.topic())
                .setPartition(partition.partition()).build();
    }

    private static io.kraftlet.proto.controller.ConfigResource toProto(ConfigResource resource) {
        return io.kraftlet.proto.controller.ConfigResource.newBuilder()
                .setType(ConfigResourceType.valueOf(resource.type().name())).setName(resource.name()).build();
    }

    private static io.kraftlet.proto.controller.LeaderRecoveryState toProto(LeaderRecoveryState state) {
        return state == null ? io.kraftlet.proto.controller.LeaderRecoveryState.LEADER_RECOVERY_STATE_UNSPECIFIED
                : io.kraftlet.proto.controller.LeaderRecoveryState.valueOf(state.name());
    }

    private static String uuidText(UUID uuid) {
        return uuid == null ? "" : uuid.toString();
    }

    private static String emptyIfNull(String value) {
        return value == null ? "" : value;
    }

    private static List<Integer> emptyIfNull(List<Integer> values) {
        return values == null ? List.of() : values;
    }
}

package io.kraftlet.codec;

import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.MetadataRecord;
import io.kraftlet.proto.metadata.BrokerIdList;
import io.kraftlet.proto.metadata.BrokerRegistrationChangeRecord;
import io.kraftlet.proto.metadata.ConfigRecord;
import io.kraftlet.proto.metadata.ConfigResourceType;
import io.kraftlet.proto.metadata.FenceBrokerRecord;
import io.kraftlet.proto.metadata.Listener;
import io.kraftlet.proto.metadata.MetadataRecordFrame;
import io.kraftlet.proto.metadata.NoOpRecord;
import io.kraftlet.proto.metadata.PartitionChangeRecord;
import io.kraftlet.proto.metadata.PartitionRecord;
import io.kraftlet.proto.metadata.RegisterBrokerRecord;
import io.kraftlet.proto.metadata.RemoveTopicRecord;
import io.kraftlet.proto.metadata.TopicRecord;
import io.kraftlet.proto.metadata.UnfenceBrokerRecord;
import io.kraftlet.proto.metadata.UnregisterBrokerRecord;
import io.kraftlet.proto.metadata.Uuid;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Maps {@link MetadataRecord}s to {@link MetadataRecordFrame}s and back, checking every field
 * both ways with the same rules (see {@link Direction}): ids, partition ids and epochs are
 * non-negative, a leader is a broker id or -1, names that identify something are not empty,
 * ports are 0-65535, required ids and enums are present and known. Checking on the way out
 * too means a controller bug is caught before the record is appended, where it would stop
 * every node that replays it. Stateless; safe from any thread.
 */
final class MetadataRecordMapping {
    private static final MetadataRecordFrame NO_OP_FRAME = MetadataRecordFrame.newBuilder()
            .setNoOp(NoOpRecord.getDefaultInstance()).build();

    private MetadataRecordMapping() {
    }

    /** Which way a record goes, which decides whose fault a bad value is. */
    enum Direction {
        /** A record about to be written: a bad value is the writer's bug. */
        ENCODE,
        /** Bytes read back: a bad value means they are corrupt. */
        DECODE;

        RuntimeException fail(String field, String problem) {
            String message = field + " " + problem;
            return this == ENCODE ? new IllegalArgumentException(message) : new CorruptRecordException(message);
        }
    }

    // ---------------------------------------------------------------- record -> frame

    /**
     * The frame of a record.
     *
     * @throws IllegalArgumentException if a field holds a value a reader would reject
     */
    static MetadataRecordFrame toFrame(MetadataRecord record) {
        MetadataRecordFrame.Builder frame = MetadataRecordFrame.newBuilder();
        if (record instanceof MetadataRecord.RegisterBroker r) {
            frame.setRegisterBroker(toProto(r));
        } else if (record instanceof MetadataRecord.UnregisterBroker r) {
            frame.setUnregisterBroker(UnregisterBrokerRecord.newBuilder()
                    .setBrokerId(brokerId(Direction.ENCODE, "UnregisterBrokerRecord", r.brokerId()))
                    .setBrokerEpoch(brokerEpoch(Direction.ENCODE, "UnregisterBrokerRecord", r.brokerEpoch())));
        } else if (record instanceof MetadataRecord.FenceBroker r) {
            frame.setFenceBroker(FenceBrokerRecord.newBuilder()
                    .setBrokerId(brokerId(Direction.ENCODE, "FenceBrokerRecord", r.brokerId()))
                    .setBrokerEpoch(brokerEpoch(Direction.ENCODE, "FenceBrokerRecord", r.brokerEpoch())));
        } else if (record instanceof MetadataRecord.UnfenceBroker r) {
            frame.setUnfenceBroker(UnfenceBrokerRecord.newBuilder()
                    .setBrokerId(brokerId(Direction.ENCODE, "UnfenceBrokerRecord", r.brokerId()))
                    .setBrokerEpoch(brokerEpoch(Direction.ENCODE, "UnfenceBrokerRecord", r.brokerEpoch())));
        } else if (record instanceof MetadataRecord.BrokerRegistrationChange r) {
            frame.setBrokerRegistrationChange(BrokerRegistrationChangeRecord.newBuilder()
                    .setBrokerId(brokerId(Direction.ENCODE, "BrokerRegistrationChangeRecord", r.brokerId()))
                    .setBrokerEpoch(brokerEpoch(Direction.ENCODE, "BrokerRegistrationChangeRecord", r.brokerEpoch()))
                    .setInControlledShutdown(r.inControlledShutdown()));
        } else if (record instanceof MetadataRecord.Topic r) {
            frame.setTopic(TopicRecord.newBuilder()
                    .setName(notEmpty(Direction.ENCODE, "TopicRecord.name", r.name()))
                    .setTopicId(toProto(r.topicId())));
        } else if (record instanceof MetadataRecord.Partition r) {
            frame.setPartition(toProto(r));
        } else if (record instanceof MetadataRecord.PartitionChange r) {
            frame.setPartitionChange(toProto(r));
        } else if (record instanceof MetadataRecord.RemoveTopic r) {
            frame.setRemoveTopic(RemoveTopicRecord.newBuilder().setTopicId(toProto(r.topicId())));
        } else if (record instanceof MetadataRecord.Config r) {
            frame.setConfig(toProto(r));
        } else if (record instanceof MetadataRecord.NoOp) {
            return NO_OP_FRAME;
        } else {
            // Unreachable while MetadataRecord is sealed and every permitted type is handled above.
            throw new IllegalArgumentException("no encoding for record " + record);
        }
        return frame.build();
    }

    private static RegisterBrokerRecord toProto(MetadataRecord.RegisterBroker r) {
        String message = "RegisterBrokerRecord";
        RegisterBrokerRecord.Builder proto = RegisterBrokerRecord.newBuilder()
                .setBrokerId(brokerId(Direction.ENCODE, message, r.brokerId()))
                .setBrokerEpoch(brokerEpoch(Direction.ENCODE, message, r.brokerEpoch()))
                .setIncarnationId(toProto(r.incarnationId()))
                .setRack(r.rack())
                .setFenced(r.fenced())
                .setInControlledShutdown(r.inControlledShutdown());
        for (int i = 0; i < r.listeners().size(); i++) {
            Endpoint endpoint = r.listeners().get(i);
            proto.addListeners(Listener.newBuilder()
                    .setName(notEmpty(Direction.ENCODE, message + ".listeners[" + i + "].name", endpoint.name()))
                    .setHost(endpoint.host())
                    .setPort(endpoint.port()));
        }
        return proto.build();
    }

    private static PartitionRecord toProto(MetadataRecord.Partition r) {
        String message = "PartitionRecord";
        return PartitionRecord.newBuilder()
                .setTopicId(toProto(r.topicId()))
                .setPartitionId(nonNegative(Direction.ENCODE, message + ".partition_id", r.partitionId()))
                .addAllReplicas(brokerIds(Direction.ENCODE, message + ".replicas", r.replicas()))
                .addAllIsr(brokerIds(Direction.ENCODE, message + ".isr", r.isr()))
                .addAllElr(brokerIds(Direction.ENCODE, message + ".elr", r.elr()))
                .addAllLastKnownElr(brokerIds(Direction.ENCODE, message + ".last_known_elr", r.lastKnownElr()))
                .setLeader(leader(Direction.ENCODE, message + ".leader", r.leader()))
                .setLeaderRecoveryState(toProto(r.leaderRecoveryState()))
                .setLeaderEpoch(nonNegative(Direction.ENCODE, message + ".leader_epoch", r.leaderEpoch()))
                .setPartitionEpoch(nonNegative(Direction.ENCODE, message + ".partition_epoch", r.partitionEpoch()))
                .build();
    }

    private static PartitionChangeRecord toProto(MetadataRecord.PartitionChange r) {
        String message = "PartitionChangeRecord";
        PartitionChangeRecord.Builder proto = PartitionChangeRecord.newBuilder()
                .setTopicId(toProto(r.topicId()))
                .setPartitionId(nonNegative(Direction.ENCODE, message + ".partition_id", r.partitionId()))
                .setBumpLeaderEpoch(r.bumpLeaderEpoch());
        // Each absent field means "unchanged", so only the non-null ones are set.
        if (r.leader() != null) {
            proto.setLeader(leader(Direction.ENCODE, message + ".leader", r.leader()));
        }
        if (r.isr() != null) {
            proto.setIsr(toIdList(message + ".isr", r.isr()));
        }
        if (r.elr() != null) {
            proto.setElr(toIdList(message + ".elr", r.elr()));
        }
        if (r.lastKnownElr() != null) {
            proto.setLastKnownElr(toIdList(message + ".last_known_elr", r.lastKnownElr()));
        }
        if (r.replicas() != null) {
            proto.setReplicas(toIdList(message + ".replicas", r.replicas()));
        }
        if (r.leaderRecoveryState() != null) {
            proto.setLeaderRecoveryState(toProto(r.leaderRecoveryState()));
        }
        return proto.build();
    }

    private static ConfigRecord toProto(MetadataRecord.Config r) {
        String message = "ConfigRecord";
        ConfigResource resource = r.resource();
        ConfigRecord.Builder proto = ConfigRecord.newBuilder()
                .setResourceType(resource.type() == ConfigResource.Type.TOPIC
                        ? ConfigResourceType.CONFIG_RESOURCE_TYPE_TOPIC : ConfigResourceType.CONFIG_RESOURCE_TYPE_BROKER)
                .setResourceName(resource.type() == ConfigResource.Type.TOPIC
                        ? notEmpty(Direction.ENCODE, message + ".resource_name", resource.name()) : resource.name())
                .setName(notEmpty(Direction.ENCODE, message + ".name", r.name()));
        if (r.value() != null) {
            proto.setValue(r.value());
        }
        return proto.build();
    }

    private static BrokerIdList toIdList(String field, List<Integer> ids) {
        return BrokerIdList.newBuilder().addAllIds(brokerIds(Direction.ENCODE, field, ids)).build();
    }

    private static Uuid toProto(UUID uuid) {
        return Uuid.newBuilder().setMostSignificantBits(uuid.getMostSignificantBits())
                .setLeastSignificantBits(uuid.getLeastSignificantBits()).build();
    }

    private static io.kraftlet.proto.metadata.LeaderRecoveryState toProto(LeaderRecoveryState state) {
        return state == LeaderRecoveryState.RECOVERING
                ? io.kraftlet.proto.metadata.LeaderRecoveryState.LEADER_RECOVERY_STATE_RECOVERING
                : io.kraftlet.proto.metadata.LeaderRecoveryState.LEADER_RECOVERY_STATE_RECOVERED;
    }

    // ---------------------------------------------------------------- frame -> record

    /**
     * The record a frame holds.
     *
     * @throws CorruptRecordException if no record is set or a field holds a value no writer
     *     produces; the message names the field
     */
    static MetadataRecord fromFrame(MetadataRecordFrame frame) {
        return switch (frame.getRecordCase()) {
            case REGISTER_BROKER -> fromProto(frame.getRegisterBroker());
            case UNREGISTER_BROKER -> new MetadataRecord.UnregisterBroker(
                    brokerId(Direction.DECODE, "UnregisterBrokerRecord", frame.getUnregisterBroker().getBrokerId()),
                    brokerEpoch(Direction.DECODE, "UnregisterBrokerRecord", frame.getUnregisterBroker().getBrokerEpoch()));
            case FENCE_BROKER -> new MetadataRecord.FenceBroker(
                    brokerId(Direction.DECODE, "FenceBrokerRecord", frame.getFenceBroker().getBrokerId()),
                    brokerEpoch(Direction.DECODE, "FenceBrokerRecord", frame.getFenceBroker().getBrokerEpoch()));
            case UNFENCE_BROKER -> new MetadataRecord.UnfenceBroker(
                    brokerId(Direction.DECODE, "UnfenceBrokerRecord", frame.getUnfenceBroker().getBrokerId()),
                    brokerEpoch(Direction.DECODE, "UnfenceBrokerRecord", frame.getUnfenceBroker().getBrokerEpoch()));
            case BROKER_REGISTRATION_CHANGE -> fromProto(frame.getBrokerRegistrationChange());
            case TOPIC -> new MetadataRecord.Topic(
                    notEmpty(Direction.DECODE, "TopicRecord.name", frame.getTopic().getName()),
                    fromProto("TopicRecord.topic_id", frame.getTopic().hasTopicId(), frame.getTopic().getTopicId()));
            case PARTITION -> fromProto(frame.getPartition());
            case PARTITION_CHANGE -> fromProto(frame.getPartitionChange());
            case REMOVE_TOPIC -> new MetadataRecord.RemoveTopic(fromProto("RemoveTopicRecord.topic_id",
                    frame.getRemoveTopic().hasTopicId(), frame.getRemoveTopic().getTopicId()));
            case CONFIG -> fromProto(frame.getConfig());
            case NO_OP -> new MetadataRecord.NoOp();
            case RECORD_NOT_SET -> throw Direction.DECODE.fail("MetadataRecordFrame.record",
                    "is not set (an empty frame, or a record type this version does not know)");
        };
    }

    private static MetadataRecord.RegisterBroker fromProto(RegisterBrokerRecord proto) {
        String message = "RegisterBrokerRecord";
        List<Endpoint> listeners = new ArrayList<>(proto.getListenersCount());
        for (int i = 0; i < proto.getListenersCount(); i++) {
            Listener listener = proto.getListeners(i);
            String field = message + ".listeners[" + i + "]";
            notEmpty(Direction.DECODE, field + ".name", listener.getName());
            if (listener.getPort() < 0 || listener.getPort() > 65535) {
                throw Direction.DECODE.fail(field + ".port", "must be 0-65535, got " + listener.getPort());
            }
            listeners.add(new Endpoint(listener.getName(), listener.getHost(), listener.getPort()));
        }
        return new MetadataRecord.RegisterBroker(brokerId(Direction.DECODE, message, proto.getBrokerId()),
                brokerEpoch(Direction.DECODE, message, proto.getBrokerEpoch()),
                fromProto(message + ".incarnation_id", proto.hasIncarnationId(), proto.getIncarnationId()),
                listeners, proto.getRack(), proto.getFenced(), proto.getInControlledShutdown());
    }

    private static MetadataRecord.BrokerRegistrationChange fromProto(BrokerRegistrationChangeRecord proto) {
        String message = "BrokerRegistrationChangeRecord";
        return new MetadataRecord.BrokerRegistrationChange(brokerId(Direction.DECODE, message, proto.getBrokerId()),
                brokerEpoch(Direction.DECODE, message, proto.getBrokerEpoch()), proto.getInControlledShutdown());
    }

    private static MetadataRecord.Partition fromProto(PartitionRecord proto) {
        String message = "PartitionRecord";
        return new MetadataRecord.Partition(
                fromProto(message + ".topic_id", proto.hasTopicId(), proto.getTopicId()),
                nonNegative(Direction.DECODE, message + ".partition_id", proto.getPartitionId()),
                brokerIds(Direction.DECODE, message + ".replicas", proto.getReplicasList()),
                brokerIds(Direction.DECODE, message + ".isr", proto.getIsrList()),
                brokerIds(Direction.DECODE, message + ".elr", proto.getElrList()),
                brokerIds(Direction.DECODE, message + ".last_known_elr", proto.getLastKnownElrList()),
                leader(Direction.DECODE, message + ".leader", proto.getLeader()),
                fromProto(message + ".leader_recovery_state", proto.getLeaderRecoveryState(),
                        proto.getLeaderRecoveryStateValue()),
                nonNegative(Direction.DECODE, message + ".leader_epoch", proto.getLeaderEpoch()),
                nonNegative(Direction.DECODE, message + ".partition_epoch", proto.getPartitionEpoch()));
    }

    private static MetadataRecord.PartitionChange fromProto(PartitionChangeRecord proto) {
        String message = "PartitionChangeRecord";
        return new MetadataRecord.PartitionChange(
                fromProto(message + ".topic_id", proto.hasTopicId(), proto.getTopicId()),
                nonNegative(Direction.DECODE, message + ".partition_id", proto.getPartitionId()),
                proto.hasLeader() ? leader(Direction.DECODE, message + ".leader", proto.getLeader()) : null,
                proto.hasIsr() ? brokerIds(Direction.DECODE, message + ".isr", proto.getIsr().getIdsList()) : null,
                proto.hasElr() ? brokerIds(Direction.DECODE, message + ".elr", proto.getElr().getIdsList()) : null,
                proto.hasLastKnownElr()
                        ? brokerIds(Direction.DECODE, message + ".last_known_elr", proto.getLastKnownElr().getIdsList())
                        : null,
                proto.hasReplicas()
                        ? brokerIds(Direction.DECODE, message + ".replicas", proto.getReplicas().getIdsList())
                        : null,
                proto.hasLeaderRecoveryState()
                        ? fromProto(message + ".leader_recovery_state", proto.getLeaderRecoveryState(),
                                proto.getLeaderRecoveryStateValue())
                        : null,
                proto.getBumpLeaderEpoch());
    }

    private static MetadataRecord.Config fromProto(ConfigRecord proto) {
        String message = "ConfigRecord";
        ConfigResource resource;
        if (proto.getResourceType() == ConfigResourceType.CONFIG_RESOURCE_TYPE_TOPIC) {
            resource = ConfigResource.topic(notEmpty(Direction.DECODE, message + ".resource_name",
                    proto.getResourceName()));
        } else if (proto.getResourceType() == ConfigResourceType.CONFIG_RESOURCE_TYPE_BROKER) {
            resource = new ConfigResource(ConfigResource.Type.BROKER, proto.getResourceName());
        } else {
            throw Direction.DECODE.fail(message + ".resource_type",
                    "must be TOPIC or BROKER, got " + proto.getResourceTypeValue());
        }
        return new MetadataRecord.Config(resource, notEmpty(Direction.DECODE, message + ".name", proto.getName()),
                proto.hasValue() ? proto.getValue() : null);
    }

    private static UUID fromProto(String field, boolean present, Uuid proto) {
        if (!present) {
            throw Direction.DECODE.fail(field, "is missing");
        }
        return new UUID(proto.getMostSignificantBits(), proto.getLeastSignificantBits());
    }

    private static LeaderRecoveryState fromProto(String field, io.kraftlet.proto.metadata.LeaderRecoveryState proto,
            int value) {
        if (proto == io.kraftlet.proto.metadata.LeaderRecoveryState.LEADER_RECOVERY_STATE_RECOVERED) {
            return LeaderRecoveryState.RECOVERED;
        }
        if (proto == io.kraftlet.proto.metadata.LeaderRecoveryState.LEADER_RECOVERY_STATE_RECOVERING) {
            return LeaderRecoveryState.RECOVERING;
        }
        throw Direction.DECODE.fail(field, "must be RECOVERED or RECOVERING, got " + value);
    }

    // ---------------------------------------------------------------- field rules

    private static int brokerId(Direction direction, String message, int brokerId) {
        return nonNegative(direction, message + ".broker_id", brokerId);
    }

    private static long brokerEpoch(Direction direction, String message, long brokerEpoch) {
        // A broker epoch is the offset of the broker's registration record.
        if (brokerEpoch < 0) {
            throw direction.fail(message + ".broker_epoch", "must be >= 0, got " + brokerEpoch);
        }
        return brokerEpoch;
    }

    private static int nonNegative(Direction direction, String field, int value) {
        if (value < 0) {
            throw direction.fail(field, "must be >= 0, got " + value);
        }
        return value;
    }

    private static int leader(Direction direction, String field, int leader) {
        if (leader < MetadataRecord.NO_LEADER) {
            throw direction.fail(field, "must be a broker id or " + MetadataRecord.NO_LEADER + ", got " + leader);
        }
        return leader;
    }

    private static String notEmpty(Direction direction, String field, String value) {
        if (value.isEmpty()) {
            throw direction.fail(field, "must not be empty");
        }
        return value;
    }

    private static List<Integer> brokerIds(Direction direction, String field, List<Integer> ids) {
        for (int i = 0; i < ids.size(); i++) {
            if (ids.get(i) < 0) {
                throw direction.fail(field + "[" + i + "]", "must be a broker id >= 0, got " + ids.get(i));
            }
        }
        return ids;
    }
}

package io.kraftlet.transport.grpc;

import io.kraftlet.controller.ApiError;
import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.proto.controller.ErrorInfo;
import java.util.List;
import java.util.UUID;

/**
 * The field checks {@link ControllerMapping} applies to what it reads from the wire. Each names
 * the failing field, qualified by its message and position (e.g.
 * {@code AlterPartitionRequest.partitions[2].topic_id}), in the {@link MalformedMessageException}
 * it throws. Immutable: safe from any thread.
 *
 * @param message the message (and position) the checked fields belong to
 */
record ControllerWireCheck(String message) {
    ControllerWireCheck item(String field, int index) {
        return new ControllerWireCheck(message + "." + field + "[" + index + "]");
    }

    ControllerWireCheck item(String field) {
        return new ControllerWireCheck(message + "." + field);
    }

    MalformedMessageException malformed(String field, String problem) {
        return new MalformedMessageException(message + "." + field, problem);
    }

    void clusterId(String value) {
        required("cluster_id", value);
    }

    String required(String field, String value) {
        if (value.isEmpty()) {
            throw malformed(field, "is missing");
        }
        return value;
    }

    ApiError error(String field, boolean present, ErrorInfo error) {
        if (!present) {
            throw malformed(field, "is missing");
        }
        return ControllerMapping.toRecord(error, message + "." + field);
    }

    UUID uuid(String field, String value) {
        required(field, value);
        return optionalUuid(field, value);
    }

    /** A UUID in canonical form, or null for the empty string. */
    UUID optionalUuid(String field, String value) {
        if (value.isEmpty()) {
            return null;
        }
        try {
            UUID uuid = UUID.fromString(value);
            // UUID.fromString also accepts short groups ("1-2-3-4-5"); the wire holds only the canonical form.
            if (uuid.toString().equalsIgnoreCase(value)) {
                return uuid;
            }
        } catch (IllegalArgumentException notAUuid) {
            // Reported below, with the field's name.
        }
        throw malformed(field, "is not a UUID: '" + value + "'");
    }

    List<Integer> ids(String field, List<Integer> ids) {
        for (int i = 0; i < ids.size(); i++) {
            atLeast(field + "[" + i + "]", ids.get(i), 0);
        }
        return List.copyOf(ids);
    }

    LeaderRecoveryState recoveryState(String field, io.kraftlet.proto.controller.LeaderRecoveryState state,
            boolean required) {
        return switch (state) {
            case RECOVERED -> LeaderRecoveryState.RECOVERED;
            case RECOVERING -> LeaderRecoveryState.RECOVERING;
            case LEADER_RECOVERY_STATE_UNSPECIFIED -> {
                if (required) {
                    throw malformed(field, "is missing");
                }
                yield null;
            }
            case UNRECOGNIZED -> throw malformed(field, "holds a value this side does not know");
        };
    }

    io.kraftlet.controller.ElectionType electionType(String field, io.kraftlet.proto.controller.ElectionType type) {
        return switch (type) {
            case ONLINE -> io.kraftlet.controller.ElectionType.ONLINE;
            case PREFERRED -> io.kraftlet.controller.ElectionType.PREFERRED;
            case UNCLEAN -> io.kraftlet.controller.ElectionType.UNCLEAN;
            case ELECTION_TYPE_UNSPECIFIED -> throw malformed(field, "is missing");
            case UNRECOGNIZED -> throw malformed(field, "holds a value this side does not know");
        };
    }

    ConfigResource resource(String field, boolean present, io.kraftlet.proto.controller.ConfigResource resource) {
        if (!present) {
            throw malformed(field, "is missing");
        }
        ConfigResource.Type type = switch (resource.getType()) {
            case TOPIC -> ConfigResource.Type.TOPIC;
            case BROKER -> ConfigResource.Type.BROKER;
            case CONFIG_RESOURCE_TYPE_UNSPECIFIED -> throw malformed(field + ".type", "is missing");
            case UNRECOGNIZED -> throw malformed(field + ".type", "holds a value this side does not know");
        };
        return new ConfigResource(type, resource.getName());
    }

    TopicPartition topicPartition(io.kraftlet.proto.controller.TopicPartition partition) {
        return new TopicPartition(partition.getTopic(), nonNegative("partition", partition.getPartition()));
    }

    int port(String field, int value) {
        if (value < 0 || value > 65_535) {
            throw malformed(field, "must be in 0..65535, got " + value);
        }
        return value;
    }

    int nonNegative(String field, int value) {
        return atLeast(field, value, 0);
    }

    long nonNegative(String field, long value) {
        return atLeast(field, value, 0);
    }

    int atLeast(String field, int value, int min) {
        if (value < min) {
            throw malformed(field, "must be >= " + min + ", got " + value);
        }
        return value;
    }

    long atLeast(String field, long value, long min) {
        if (value < min) {
            throw malformed(field, "must be >= " + min + ", got " + value);
        }
        return value;
    }
}

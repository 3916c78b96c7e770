package io.kraftlet.controller;

import java.util.List;

/** Builds the error form of each reply type, for refusals made before any manager decides. */
final class ControllerErrors {
    private ControllerErrors() {
    }

    /** The same kind of reply as {@code decided}, carrying THROTTLING_QUOTA_EXCEEDED instead. */
    static Object throttled(Object decided, String message) {
        return withError(decided, ApiError.of(ControllerError.THROTTLING_QUOTA_EXCEEDED, message));
    }

    static Object withError(Object decided, ApiError error) {
        if (decided instanceof ControllerApi.BrokerRegistrationReply) {
            return new ControllerApi.BrokerRegistrationReply(error, -1);
        } else if (decided instanceof ControllerApi.BrokerHeartbeatReply reply) {
            return new ControllerApi.BrokerHeartbeatReply(error, reply.isCaughtUp(), true, false);
        } else if (decided instanceof ControllerApi.AlterPartitionReply) {
            return new ControllerApi.AlterPartitionReply(error, List.of());
        } else if (decided instanceof ControllerApi.CreateTopicsReply reply) {
            return new ControllerApi.CreateTopicsReply(reply.topics().stream()
                    .map(t -> new ControllerApi.CreatedTopic(t.name(), null, t.error().isSuccess() ? error : t.error(),
                            -1, -1)).toList());
        } else if (decided instanceof ControllerApi.DeleteTopicsReply reply) {
            return new ControllerApi.DeleteTopicsReply(reply.topics().stream()
                    .map(t -> new ControllerApi.DeletedTopic(t.name(), t.error().isSuccess() ? error : t.error()))
                    .toList());
        } else if (decided instanceof ControllerApi.ElectLeadersReply) {
            return new ControllerApi.ElectLeadersReply(error, List.of());
        } else if (decided instanceof ControllerApi.AlterConfigsReply reply) {
            return new ControllerApi.AlterConfigsReply(reply.resources().stream()
                    .map(r -> new ControllerApi.ConfigResult(r.resource(), r.error().isSuccess() ? error : r.error()))
                    .toList());
        }
        throw new IllegalArgumentException("no error form for " + decided);
    }
}

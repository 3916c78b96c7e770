package io.kraftlet.replication;

import java.util.Objects;

/**
 * The answer to a {@link ProduceRequest}.
 *
 * @param baseOffset the offset of the first record when appended (also with
 *     NOT_ENOUGH_REPLICAS_AFTER_APPEND and REQUEST_TIMED_OUT, which follow an append), else -1
 * @param message what was wrong, for errors; empty on success
 */
public record ProduceResult(ReplicationError error, long baseOffset, String message) {
    public ProduceResult {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(message, "message");
    }

    public static ProduceResult appended(long baseOffset) {
        return new ProduceResult(ReplicationError.NONE, baseOffset, "");
    }

    public static ProduceResult failed(ReplicationError error, String message) {
        if (error == ReplicationError.NONE) {
            throw new IllegalArgumentException("NONE is not an error");
        }
        return new ProduceResult(error, -1L, message);
    }

    public boolean isSuccess() {
        return error == ReplicationError.NONE;
    }
}

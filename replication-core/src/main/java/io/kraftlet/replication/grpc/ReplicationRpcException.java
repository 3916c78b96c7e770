package io.kraftlet.replication.grpc;

import io.grpc.Status;
import java.util.Objects;

/**
 * A {@link ReplicationClient} call that ended without an answer: the broker could not be reached,
 * the call's deadline passed, or the broker refused the call with a gRPC status (a malformed
 * request is refused {@code INVALID_ARGUMENT}, an overloaded broker {@code RESOURCE_EXHAUSTED}, a
 * failure of its replication layer {@code INTERNAL}). The message names the broker's address, the
 * RPC and the status; {@link #code()} gives the status code, for callers that retry on some.
 */
public final class ReplicationRpcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Status.Code code;

    public ReplicationRpcException(String message, Status.Code code, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The gRPC status code the call ended with. */
    public Status.Code code() {
        return code;
    }
}

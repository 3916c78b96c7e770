package io.kraftlet.raft;

/**
 * A request this node sent and still waits for: its answer must carry {@code correlationId},
 * and after {@code RaftConfig#requestTimeoutMs} it is given up and sent again.
 */
record PendingRequest(long correlationId, int destination, long sentAtMs) {
    boolean matches(long responseCorrelationId) {
        return correlationId == responseCorrelationId;
    }

    boolean timedOut(long nowMs, long timeoutMs) {
        return nowMs - sentAtMs >= timeoutMs;
    }
}

package io.kraftlet.transport.grpc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The transport's meters. Counters are thread-safe; any transport thread increments them.
 *
 * <ul>
 *   <li>{@value #REJECTED_REQUESTS} (server side), tag {@code reason}: {@code cluster_id} (the
 *       request names another cluster), {@code voter} (a voter role claimed by a non-voter, or a
 *       request addressed to another voter), {@code malformed} (refused with INVALID_ARGUMENT).
 *   <li>{@value #DROPPED_REQUESTS} (client side), tag {@code reason}: {@code in_flight} (the
 *       peer's in-flight bound was reached), {@code timeout} (no answer within the deadline),
 *       {@code unavailable} (the peer cannot be reached), {@code failed} (any other RPC failure),
 *       {@code bad_response} (the answer was malformed), {@code unknown_peer} (no address for
 *       the destination), {@code not_running} (sent before start or after close).
 * </ul>
 */
final class TransportMetrics {
    static final String REJECTED_REQUESTS = "kraftlet.transport.rejected.requests";
    static final String DROPPED_REQUESTS = "kraftlet.transport.dropped.requests";

    final Counter rejectedClusterId;
    final Counter rejectedVoter;
    final Counter rejectedMalformed;

    final Counter droppedInFlight;
    final Counter droppedTimeout;
    final Counter droppedUnavailable;
    final Counter droppedFailed;
    final Counter droppedBadResponse;
    final Counter droppedUnknownPeer;
    final Counter droppedNotRunning;

    /** Counters tagged with the node id, so nodes sharing a registry keep separate counts. */
    TransportMetrics(MeterRegistry registry, int nodeId) {
        String node = Integer.toString(nodeId);
        rejectedClusterId = rejected(registry, node, "cluster_id");
        rejectedVoter = rejected(registry, node, "voter");
        rejectedMalformed = rejected(registry, node, "malformed");
        droppedInFlight = dropped(registry, node, "in_flight");
        droppedTimeout = dropped(registry, node, "timeout");
        droppedUnavailable = dropped(registry, node, "unavailable");
        droppedFailed = dropped(registry, node, "failed");
        droppedBadResponse = dropped(registry, node, "bad_response");
        droppedUnknownPeer = dropped(registry, node, "unknown_peer");
        droppedNotRunning = dropped(registry, node, "not_running");
    }

    private static Counter rejected(MeterRegistry registry, String node, String reason) {
        return Counter.builder(REJECTED_REQUESTS)
                .description("Inbound Raft requests refused by the transport before reaching the node")
                .tag("node", node)
                .tag("reason", reason)
                .register(registry);
    }

    private static Counter dropped(MeterRegistry registry, String node, String reason) {
        return Counter.builder(DROPPED_REQUESTS)
                .description("Outbound Raft requests dropped without an answer; the core sends again")
                .tag("node", node)
                .tag("reason", reason)
                .register(registry);
    }
}

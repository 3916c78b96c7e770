package io.kraftlet.runtime;

import io.kraftlet.raft.QuorumDescription;
import io.kraftlet.raft.message.RaftRequest;
import io.kraftlet.raft.message.RaftResponse;
import java.util.concurrent.CompletableFuture;

/**
 * Carries Raft requests between nodes; implemented over gRPC by
 * {@code io.kraftlet.transport.grpc.GrpcTransport}. The core matches answers to requests by
 * correlation id; the transport keeps that id: the response it hands back for a request
 * carries the request's {@code correlationId}.
 *
 * <p>Threading: {@link #send} may be called from any thread and never blocks (a request that
 * cannot be sent, because the peer is unknown, unreachable, over its in-flight bound, or does
 * not answer within the request timeout, is simply dropped: the core sends again). The
 * {@link InboundHandler} is called on transport threads and must not block.
 */
public interface RaftTransport extends AutoCloseable {
    /** Starts serving inbound requests, handing them to {@code handler}. */
    void start(InboundHandler handler);

    /** Sends {@code request} to node {@code destination}; its answer goes to the handler. */
    void send(int destination, RaftRequest request);

    /** Stops serving and closes every connection; idempotent. */
    @Override
    void close();

    /** What the node behind the transport does with traffic. */
    interface InboundHandler {
        /**
         * A request from node {@code source} (the id the request names as its sender) that passed
         * the transport's checks (cluster id, voter membership where the request claims a voter
         * role, well-formedness). The future completes with the answer, possibly much later (a
         * long-polled fetch).
         */
        CompletableFuture<RaftResponse> handleRequest(int source, RaftRequest request);

        /** The answer from node {@code source} to a request this node sent. */
        void handleResponse(int source, RaftResponse response);

        /** The quorum as this node sees it, for DescribeQuorum. */
        CompletableFuture<QuorumDescription> describeQuorum();
    }
}

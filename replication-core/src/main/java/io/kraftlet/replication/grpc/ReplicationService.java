package io.kraftlet.replication.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.kraftlet.proto.replication.ErrorCode;
import io.kraftlet.proto.replication.KRaftReplicationGrpc;
import io.kraftlet.proto.replication.ProduceRequest;
import io.kraftlet.proto.replication.ProduceResponse;
import io.kraftlet.proto.replication.ReadRequest;
import io.kraftlet.proto.replication.ReadResponse;
import io.kraftlet.proto.replication.ReplicaFetchRequest;
import io.kraftlet.proto.replication.ReplicaFetchResponse;
import io.kraftlet.replication.ReplicationApi;
import io.kraftlet.transport.grpc.BoundedCalls;
import io.kraftlet.transport.grpc.MalformedMessageException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC service {@code kraftlet.replication.KRaftReplication} in front of a
 * {@link ReplicationApi}: one handler per RPC. Serve it on the broker's gRPC server (next to any
 * other service).
 *
 * <p>Each handler, on a gRPC thread: (1) maps the proto to a record, refusing a malformed one
 * with status {@code INVALID_ARGUMENT} whose description names the field (see
 * {@link ReplicationMapping}); (2) answers the top-level error INCONSISTENT_CLUSTER_ID, naming
 * both cluster ids, when the request names another cluster, without calling the api; (3)
 * otherwise calls the api and answers when its future completes, on {@code executor} rather than
 * on the thread that completes it (the replication driver's). A future that fails, or a reply
 * that cannot be written, ends the call with status {@code INTERNAL} whose description is the
 * failure's message: the records have no room for such an outcome.
 *
 * <p>Bounded: at most {@code maxInFlight} calls ({@link #MAX_IN_FLIGHT_REQUESTS} by default) wait
 * for the api at once; past that a call ends at once with status {@code RESOURCE_EXHAUSTED}
 * (retriable after a back-off). The bound is generous because a follower's fetch is held by the
 * leader for up to its {@code maxWaitMs}: every follower of every partition led here may have one
 * waiting. The service queues nothing itself: each answer is one task handed to
 * {@code executor}; if the executor refuses it, the call ends with {@code RESOURCE_EXHAUSTED}. A
 * call whose client went away (deadline, disconnect) is not answered and frees its slot at once;
 * the api's future is left to complete unobserved.
 *
 * <p>Thread-safe: gRPC calls the handlers on its own threads, concurrently.
 */
public final class ReplicationService extends KRaftReplicationGrpc.KRaftReplicationImplBase {
    private static final Logger log = LoggerFactory.getLogger(ReplicationService.class);

    /** Calls waiting for the api at once; mostly long-polling fetches, one per follower broker and leader. */
    public static final int MAX_IN_FLIGHT_REQUESTS = 4096;

    private final String clusterId;
    private final ReplicationApi api;
    private final BoundedCalls calls;

    /**
     * @param clusterId the cluster this broker belongs to; requests for another are refused
     * @param api the replication layer; called on gRPC threads, must not block (see {@link ReplicationApi})
     * @param executor where answers are sent from; must not be the replication driver's own thread
     */
    public ReplicationService(String clusterId, ReplicationApi api, Executor executor) {
        this(clusterId, api, executor, MAX_IN_FLIGHT_REQUESTS);
    }

    /** As above, with another in-flight bound (tests). */
    ReplicationService(String clusterId, ReplicationApi api, Executor executor, int maxInFlight) {
        if (clusterId == null || clusterId.isEmpty()) {
            throw new IllegalArgumentException("cluster id is required");
        }
        this.clusterId = clusterId;
        this.calls = new BoundedCalls(maxInFlight, executor, rpc -> {
            log.warn("Could not answer {}: the executor refused the answer", rpc);
            return Status.RESOURCE_EXHAUSTED.withDescription("the replication service is overloaded");
        }, log);
        this.api = Objects.requireNonNull(api, "api");
    }

    @Override
    public void fetch(ReplicaFetchRequest proto, StreamObserver<ReplicaFetchResponse> observer) {
        handle("Fetch", proto.getClusterId(), () -> ReplicationMapping.toRecord(proto), api::fetch,
                ReplicationMapping::toProto,
                message -> ReplicaFetchResponse.newBuilder().setError(ErrorCode.INCONSISTENT_CLUSTER_ID)
                        .setErrorMessage(message).build(), observer);
    }

    @Override
    public void produce(ProduceRequest proto, StreamObserver<ProduceResponse> observer) {
        handle("Produce", proto.getClusterId(), () -> ReplicationMapping.toRecord(proto), api::produce,
                ReplicationMapping::toProto,
                message -> ProduceResponse.newBuilder().setError(ErrorCode.INCONSISTENT_CLUSTER_ID)
                        .setErrorMessage(message).setBaseOffset(-1).build(), observer);
    }

    @Override
    public void read(ReadRequest proto, StreamObserver<ReadResponse> observer) {
        handle("Read", proto.getClusterId(), () -> ReplicationMapping.toRecord(proto),
                read -> api.read(read.topicPartition(), read.offset(), read.maxBytes()), ReplicationMapping::toProto,
                message -> ReadResponse.newBuilder().setError(ErrorCode.INCONSISTENT_CLUSTER_ID)
                        .setErrorMessage(message).setHighWatermark(-1).setLogStartOffset(-1).build(), observer);
    }

    /** Calls waiting for the api now. */
    int inFlightRequests() {
        return calls.inFlight();
    }

    // ---------------------------------------------------------------- the one handler

    /**
     * Parses, checks the cluster id, calls the api and answers.
     *
     * @param parse the request as a record; throws {@link MalformedMessageException}
     * @param call the api method
     * @param toProto the reply as a response
     * @param clusterMismatch the INCONSISTENT_CLUSTER_ID response carrying the given message
     */
    private <Q, R, P> void handle(String rpc, String requestClusterId, Supplier<Q> parse,
            Function<Q, CompletableFuture<R>> call, Function<R, P> toProto, Function<String, P> clusterMismatch,
            StreamObserver<P> observer) {
        Q request;
        try {
            request = parse.get();
        } catch (MalformedMessageException malformed) {
            calls.refuseMalformed(rpc, observer, malformed.getMessage());
            return;
        }
        if (!clusterId.equals(requestClusterId)) {
            log.debug("Refused {} for cluster '{}' (this is cluster '{}')", rpc, requestClusterId, clusterId);
            calls.answer(observer, clusterMismatch.apply("the request is for cluster '" + requestClusterId
                    + "' but this broker belongs to cluster '" + clusterId + "'"));
            return;
        }
        calls.call(rpc, observer,
                () -> Objects.requireNonNull(call.apply(request), "the replication layer returned no future"),
                () -> calls.fail(observer, Status.RESOURCE_EXHAUSTED.withDescription(
                        calls.maxInFlight() + " requests already wait for the replication layer")),
                (serverCall, reply, failure) -> respond(rpc, serverCall, reply, failure, toProto));
    }

    /** Sends the reply, or ends the call with INTERNAL naming the failure. */
    private <R, P> void respond(String rpc, StreamObserver<P> observer, R reply, Throwable failure,
            Function<R, P> toProto) {
        Throwable cause = BoundedCalls.cause(failure);
        if (cause != null) {
            log.warn("The replication layer failed on {}", rpc, cause);
            calls.fail(observer, Status.INTERNAL.withDescription(BoundedCalls.describe(cause)));
            return;
        }
        P response;
        try {
            response = toProto.apply(Objects.requireNonNull(reply, "the replication layer answered null"));
        } catch (RuntimeException unwritable) {
            log.warn("Could not write the replication layer's answer to {}", rpc, unwritable);
            calls.fail(observer, Status.INTERNAL.withDescription(rpc + " answer could not be written: "
                    + BoundedCalls.describe(unwritable)));
            return;
        }
        calls.answer(observer, response);
    }
}

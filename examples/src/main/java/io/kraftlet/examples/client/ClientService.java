package io.kraftlet.examples.client;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.kraftlet.proto.client.ClientError;
import io.kraftlet.proto.client.KRaftClientGrpc;
import io.kraftlet.proto.client.MetadataRequest;
import io.kraftlet.proto.client.MetadataResponse;
import io.kraftlet.replication.broker.KraftletBroker;
import io.kraftlet.transport.grpc.BoundedCalls;
import io.kraftlet.transport.grpc.MalformedMessageException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker side of {@code kraftlet.client.KRaftClient}: Metadata from the broker's metadata
 * image, with the active controller as the broker's quorum member last heard it. (Clients
 * produce and read over the broker's {@code KRaftReplication} service.) Register it with
 * {@code KraftletBroker.Builder.service} so it is
 * served on the broker's listener; since the broker is built after its services, the service
 * reaches the broker through a supplier, and answers {@code UNAVAILABLE} until it returns one.
 *
 * <p>Each handler runs on a gRPC thread and only parses and checks there: a malformed request
 * is refused with {@code INVALID_ARGUMENT} naming the field ({@link ClientMapping}); a request
 * for another cluster (a non-empty {@code cluster_id} that is not this broker's) is answered
 * INCONSISTENT_CLUSTER_ID naming both ids. Every answer is built and sent on this service's own
 * small executor: the gRPC threads never wait for the quorum.
 *
 * <p>Bounded: at most {@link #MAX_IN_FLIGHT_REQUESTS} calls wait for the broker at once; past
 * that a call ends at once with {@code RESOURCE_EXHAUSTED}, which clients retry after a back-off.
 * A call whose client went away (deadline, disconnect) is not answered and frees its slot at once
 * (see {@link BoundedCalls}).
 *
 * <p>Thread-safe. {@link #close()} stops the executor; close it after the broker.
 */
public final class ClientService extends KRaftClientGrpc.KRaftClientImplBase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClientService.class);

    /** Client calls that may wait for the broker at once. */
    public static final int MAX_IN_FLIGHT_REQUESTS = 1024;
    /** How long Metadata waits for the local quorum to name the active controller before saying -1. */
    static final long CONTROLLER_LOOKUP_TIMEOUT_MS = 1_000;
    private static final int ANSWER_THREADS = 2;

    private final String clusterId;
    private final Supplier<KraftletBroker> broker;
    private final ExecutorService executor;
    private final BoundedCalls calls;

    /**
     * @param clusterId this broker's cluster id
     * @param broker the broker to serve, or null until it is built
     */
    public ClientService(String clusterId, Supplier<KraftletBroker> broker) {
        if (clusterId == null || clusterId.isEmpty()) {
            throw new IllegalArgumentException("cluster id is required");
        }
        this.clusterId = clusterId;
        this.broker = Objects.requireNonNull(broker, "broker");
        this.executor = Executors.newFixedThreadPool(ANSWER_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "kraftlet-client-answers");
            thread.setDaemon(true);
            return thread;
        });
        this.calls = new BoundedCalls(MAX_IN_FLIGHT_REQUESTS, executor,
                rpc -> Status.UNAVAILABLE.withDescription("the broker is shutting down"), log);
    }

    @Override
    public void metadata(MetadataRequest request, StreamObserver<MetadataResponse> observer) {
        handle("Metadata", request.getClusterId(), () -> request, (served, ignored) -> served.server()
                .describeQuorum()
                .orTimeout(CONTROLLER_LOOKUP_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .handle((description, failure) -> failure == null ? description.leaderId() : -1)
                .thenApply(controllerId -> ClientMapping.toProto(served.image(), clusterId, served.nodeId(),
                        controllerId, request.getTopicsList())),
                message -> MetadataResponse.newBuilder().setError(ClientError.INCONSISTENT_CLUSTER_ID)
                        .setErrorMessage(message).setClusterId(clusterId).setControllerId(-1).build(), observer);
    }

    /** A call on the broker: the answer, as a future that completes on any thread. */
    private interface BrokerCall<Q, P> {
        CompletableFuture<P> apply(KraftletBroker broker, Q request);
    }

    /** Parses, checks the cluster id, calls the broker and answers on the executor. */
    private <Q, P> void handle(String rpc, String requestClusterId, Supplier<Q> parse, BrokerCall<Q, P> call,
            Function<String, P> clusterMismatch, StreamObserver<P> observer) {
        Q request;
        try {
            request = parse.get();
        } catch (MalformedMessageException malformed) {
            calls.fail(observer, Status.INVALID_ARGUMENT.withDescription(malformed.getMessage()));
            return;
        }
        if (!requestClusterId.isEmpty() && !requestClusterId.equals(clusterId)) {
            calls.answer(observer, clusterMismatch.apply("the request is for cluster '" + requestClusterId
                    + "' but this broker belongs to cluster '" + clusterId + "'"));
            return;
        }
        KraftletBroker served = broker.get();
        if (served == null) {
            calls.fail(observer, Status.UNAVAILABLE.withDescription("the broker is starting"));
            return;
        }
        calls.call(rpc, observer, () -> call.apply(served, request),
                () -> calls.fail(observer, Status.RESOURCE_EXHAUSTED.withDescription(MAX_IN_FLIGHT_REQUESTS
                        + " client requests already wait for this broker")),
                (serverCall, response, failure) -> {
                    if (failure != null) {
                        log.warn("{} failed", rpc, failure);
                        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                        calls.fail(serverCall, Status.INTERNAL.withDescription(rpc + " failed: " + cause));
                    } else {
                        calls.answer(serverCall, response);
                    }
                });
    }

    /** Stops answering; calls still waiting for the broker end with UNAVAILABLE. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

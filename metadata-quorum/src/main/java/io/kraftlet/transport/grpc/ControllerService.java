package io.kraftlet.transport.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kraftlet.controller.ApiError;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.controller.NotControllerException;
import io.kraftlet.proto.controller.AlterConfigsRequest;
import io.kraftlet.proto.controller.AlterConfigsResponse;
import io.kraftlet.proto.controller.AlterPartitionRequest;
import io.kraftlet.proto.controller.AlterPartitionResponse;
import io.kraftlet.proto.controller.BrokerHeartbeatRequest;
import io.kraftlet.proto.controller.BrokerHeartbeatResponse;
import io.kraftlet.proto.controller.CreateTopicsRequest;
import io.kraftlet.proto.controller.CreateTopicsResponse;
import io.kraftlet.proto.controller.DeleteTopicsRequest;
import io.kraftlet.proto.controller.DeleteTopicsResponse;
import io.kraftlet.proto.controller.DescribeClusterRequest;
import io.kraftlet.proto.controller.DescribeClusterResponse;
import io.kraftlet.proto.controller.DescribeTopicsRequest;
import io.kraftlet.proto.controller.DescribeTopicsResponse;
import io.kraftlet.proto.controller.ElectLeadersRequest;
import io.kraftlet.proto.controller.ElectLeadersResponse;
import io.kraftlet.proto.controller.ErrorInfo;
import io.kraftlet.proto.controller.KRaftControllerGrpc;
import io.kraftlet.proto.controller.ReadZkPathRequest;
import io.kraftlet.proto.controller.ReadZkPathResponse;
import io.kraftlet.proto.controller.RegisterBrokerRequest;
import io.kraftlet.proto.controller.RegisterBrokerResponse;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC service {@code kraftlet.controller.KRaftController} in front of a {@link ControllerApi}:
 * one handler per RPC. Serve it next to the quorum service with
 * {@code GrpcTransport.builder().service(controllerService)}, or on any gRPC server.
 *
 * <p>Each handler, on a gRPC thread: (1) maps the proto to a record, refusing a malformed one
 * with status {@code INVALID_ARGUMENT} whose description names the field (see
 * {@link ControllerMapping}); (2) answers INCONSISTENT_CLUSTER_ID, naming both cluster ids,
 * when the request names another cluster, without calling the api; (3) otherwise calls the api
 * and answers when its future completes, on {@code executor} rather than on the thread that
 * completes it (the controller's). A future that fails with {@link NotControllerException} is
 * answered NOT_CONTROLLER with the active controller it names; any other failure (or a reply
 * that cannot be written) UNKNOWN_SERVER_ERROR with its message.
 *
 * <p>Bounded: at most {@link #MAX_IN_FLIGHT_REQUESTS} calls wait for the api at once; past that a
 * request is answered THROTTLING_QUOTA_EXCEEDED (retriable) at once. The service queues nothing
 * itself: each answer is one task handed to {@code executor}; if the executor refuses it, the
 * call ends with status {@code RESOURCE_EXHAUSTED}. A call whose client went away (deadline,
 * disconnect) is not answered and frees its slot at once.
 */
public final class ControllerService extends KRaftControllerGrpc.KRaftControllerImplBase {
    private static final Logger log = LoggerFactory.getLogger(ControllerService.class);

    /** Requests waiting for the api at once; well above what brokers and admin tools send. */
    public static final int MAX_IN_FLIGHT_REQUESTS = 1024;

    private final String clusterId;
    private final ControllerApi api;
    private final Executor executor;
    private final Semaphore inFlight;
    private final int maxInFlight;

    /**
     * @param clusterId the cluster this controller belongs to; requests for another are refused
     * @param api the controller; called on gRPC threads, must not block (see {@link ControllerApi})
     * @param executor where answers are sent from; must not be the controller's own thread
     */
    public ControllerService(String clusterId, ControllerApi api, Executor executor) {
        this(clusterId, api, executor, MAX_IN_FLIGHT_REQUESTS);
    }

    ControllerService(String clusterId, ControllerApi api, Executor executor, int maxInFlight) {
        if (clusterId == null || clusterId.isEmpty()) {
            throw new IllegalArgumentException("cluster id is required");
        }
        if (maxInFlight <= 0) {
            throw new IllegalArgumentException("max in-flight requests must be > 0, got " + maxInFlight);
        }
        this.clusterId = clusterId;
        this.api = Objects.requireNonNull(api, "api");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
    }

    @Override
    public void registerBroker(RegisterBrokerRequest proto, StreamObserver<RegisterBrokerResponse> observer) {
        handle("RegisterBroker", proto.getClusterId(), () -> ControllerMapping.toRecord(proto), api::registerBroker,
                ControllerMapping::toProto,
                error -> RegisterBrokerResponse.newBuilder().setError(error).setBrokerEpoch(-1).build(), observer);
    }

    @Override
    public void brokerHeartbeat(BrokerHeartbeatRequest proto, StreamObserver<BrokerHeartbeatResponse> observer) {
        handle("BrokerHeartbeat", proto.getClusterId(), () -> ControllerMapping.toRecord(proto), api::brokerHeartbeat,
                ControllerMapping::toProto, error -> BrokerHeartbeatResponse.newBuilder().setError(error).build(),
                observer);
    }

    @Override
    public void alterPartition(AlterPartitionRequest proto, StreamObserver<AlterPartitionResponse> observer) {
        handle("AlterPartition", proto.getClusterId(), () -> ControllerMapping.toRecord(proto), api::alterPartition,
                ControllerMapping::toProto, error -> AlterPartitionResponse.newBuilder().setError(error).build(),
                observer);
    }

    @Override
    public void createTopics(CreateTopicsRequest proto, StreamObserver<CreateTopicsResponse> observer) {
        handle("CreateTopics", proto.getClusterId(), () -> ControllerMapping.toRecord(proto), api::createTopics,
                ControllerMapping::toProto, error -> CreateTopicsResponse.newBuilder().setError(error).build(),
                observer);
    }

    @Override
    public void deleteTopics(DeleteTopicsRequest proto, StreamObserver<DeleteTopicsResponse> observer) {
        handle("DeleteTopics", proto.getClusterId(), () -> ControllerMapping.toRecord(proto), api::deleteTopics,
                ControllerMapping::toProto, error -> DeleteTopicsResponse.newBuilder().setError(error).build(),
                observer);
    }

    @Override
    public void electLeaders(ElectLeadersRequest proto, StreamObserver<ElectLeadersResponse> observer) {
        handle("ElectLeaders", proto.getClusterId(), () -> ControllerMapping.toRecord(proto), api::electLeaders,
                ControllerMapping::toProto, error -> ElectLeadersResponse.newBuilder().setError(error).build(),
                observer);
    }

    @Override
    public void alterConfigs(AlterConfigsRequest proto, StreamObserver<AlterConfigsResponse> observer) {
        handle("AlterConfigs", proto.getClusterId(), () -> ControllerMapping.toRecord(proto), api::alterConfigs,
                ControllerMapping::toProto, error -> AlterConfigsResponse.newBuilder().setError(error).build(),
                observer);
    }

    @Override
    public void describeCluster(DescribeClusterRequest proto, StreamObserver<DescribeClusterResponse> observer) {
        // An empty cluster id asks for the cluster's id (discovery by tools); the answer carries it.
        String asked = proto.getClusterId().isEmpty() ? clusterId : proto.getClusterId();
        handle("DescribeCluster", asked, () -> {
            ControllerMapping.validate(proto);
            return proto;
        }, request -> api.describeCluster(), ControllerMapping::toProto,
                error -> DescribeClusterResponse.newBuilder().setError(error).setClusterId(clusterId)
                        .setMetadataOffset(-1).build(), observer);
    }

    @Override
    public void describeTopics(DescribeTopicsRequest proto, StreamObserver<DescribeTopicsResponse> observer) {
        handle("DescribeTopics", proto.getClusterId(), () -> ControllerMapping.toRecord(proto), api::describeTopics,
                ControllerMapping::toProto, error -> DescribeTopicsResponse.newBuilder().setError(error).build(),
                observer);
    }

    @Override
    public void readZkPath(ReadZkPathRequest proto, StreamObserver<ReadZkPathResponse> observer) {
        handle("ReadZkPath", proto.getClusterId(), () -> ControllerMapping.toRecord(proto), api::readZkPath,
                ControllerMapping::toProto,
                error -> ReadZkPathResponse.newBuilder().setError(error).setPath(proto.getPath()).build(), observer);
    }

    /** Calls waiting for the api now. */
    int inFlightRequests() {
        return maxInFlight - inFlight.availablePermits();
    }

    // ---------------------------------------------------------------- the one handler

    /**
     * Parses, checks the cluster id, calls the api and answers.
     *
     * @param parse the request as a record; throws {@link MalformedMessageException}
     * @param call the api method
     * @param toProto the reply as a response
     * @param errorResponse a response carrying only an outcome for the whole call
     */
    private <Q, R, P> void handle(String rpc, String requestClusterId, Supplier<Q> parse,
            Function<Q, CompletableFuture<R>> call, Function<R, P> toProto, Function<ErrorInfo, P> errorResponse,
            StreamObserver<P> observer) {
        Q request;
        try {
            request = parse.get();
        } catch (MalformedMessageException malformed) {
            refuseMalformed(rpc, malformed.getMessage(), observer);
            return;
        } catch (RuntimeException invariant) {
            // A record's own invariant caught something the mapping let through: still malformed input.
            refuseMalformed(rpc, rpc + "Request is invalid: " + invariant.getMessage(), observer);
            return;
        }
        if (!clusterId.equals(requestClusterId)) {
            log.debug("Refused {} for cluster '{}' (this is cluster '{}')", rpc, requestClusterId, clusterId);
            answer(observer, errorResponse.apply(ControllerMapping.toProto(ApiError.of(
                    ControllerError.INCONSISTENT_CLUSTER_ID, "the request is for cluster '" + requestClusterId
                            + "' but this controller belongs to cluster '" + clusterId + "'"))));
            return;
        }
        if (!inFlight.tryAcquire()) {
            answer(observer, errorResponse.apply(ControllerMapping.toProto(ApiError.of(
                    ControllerError.THROTTLING_QUOTA_EXCEEDED,
                    maxInFlight + " requests already wait for the controller"))));
            return;
        }
        ServerCallStreamObserver<P> serverCall = (ServerCallStreamObserver<P>) observer;
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                inFlight.release();
            }
        };
        serverCall.setOnCancelHandler(release);
        CompletableFuture<R> future;
        try {
            future = Objects.requireNonNull(call.apply(request), "the controller returned no future");
        } catch (RuntimeException apiFailure) {
            future = CompletableFuture.failedFuture(apiFailure);
        }
        future.whenComplete((reply, failure) -> {
            try {
                executor.execute(() -> {
                    release.run();
                    if (!serverCall.isCancelled()) {
                        answer(serverCall, response(rpc, reply, failure, toProto, errorResponse));
                    }
                });
            } catch (RejectedExecutionException busy) {
                release.run();
                log.warn("Could not answer {}: the executor refused the answer", rpc);
                fail(serverCall, Status.RESOURCE_EXHAUSTED.withDescription("the controller service is overloaded"));
            }
        });
    }

    /** The response for the api's outcome: the reply, or an outcome for the whole call. */
    private <R, P> P response(String rpc, R reply, Throwable failure, Function<R, P> toProto,
            Function<ErrorInfo, P> errorResponse) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof NotControllerException notController) {
            return errorResponse.apply(ControllerMapping.notController(notController.getMessage(),
                    notController.activeController()));
        }
        if (cause != null) {
            log.warn("The controller failed on {}", rpc, cause);
            return errorResponse.apply(ControllerMapping.toProto(ApiError.of(ControllerError.UNKNOWN_SERVER_ERROR,
                    rpc + " failed: " + describe(cause))));
        }
        try {
            return toProto.apply(Objects.requireNonNull(reply, "the controller answered null"));
        } catch (RuntimeException unwritable) {
            log.warn("Could not write the controller's answer to {}", rpc, unwritable);
            return errorResponse.apply(ControllerMapping.toProto(ApiError.of(ControllerError.UNKNOWN_SERVER_ERROR,
                    rpc + " answer could not be written: " + describe(unwritable))));
        }
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }

    private static void refuseMalformed(String rpc, String description, StreamObserver<?> observer) {
        log.debug("Refused a malformed {} request: {}", rpc, description);
        observer.onError(Status.INVALID_ARGUMENT.withDescription(description).asRuntimeException());
    }

    private static void fail(StreamObserver<?> observer, Status status) {
        try {
            observer.onError(status.asRuntimeException());
        } catch (RuntimeException callEnded) {
            log.debug("A call ended before its failure was sent", callEnded);
        }
    }

    private static <P> void answer(StreamObserver<P> observer, P response) {
        try {
            observer.onNext(response);
            observer.onCompleted();
        } catch (RuntimeException callEnded) {
            // Cancelled between the check and the send: nobody is waiting for this answer.
            log.debug("A call ended before its answer was sent", callEnded);
        }
    }
}

package io.kraftlet.transport.grpc;

import io.grpc.Status;
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
import java.util.concurrent.Executor;
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
    private final BoundedCalls calls;

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
        this.clusterId = clusterId;
        this.calls = new BoundedCalls(maxInFlight, executor, rpc -> {
            log.warn("Could not answer {}: the executor refused the answer", rpc);
            return Status.RESOURCE_EXHAUSTED.withDescription("the controller service is overloaded");
        }, log);
        this.api = Objects.requireNonNull(api, "api");
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
        return calls.inFlight();
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
            calls.refuseMalformed(rpc, observer, malformed.getMessage());
            return;
        } catch (RuntimeException invariant) {
            // A record's own invariant caught something the mapping let through: still malformed input.
            calls.refuseMalformed(rpc, observer, rpc + "Request is invalid: " + invariant.getMessage());
            return;
        }
        if (!clusterId.equals(requestClusterId)) {
            log.debug("Refused {} for cluster '{}' (this is cluster '{}')", rpc, requestClusterId, clusterId);
            calls.answer(observer, errorResponse.apply(ControllerMapping.toProto(ApiError.of(
                    ControllerError.INCONSISTENT_CLUSTER_ID, "the request is for cluster '" + requestClusterId
                            + "' but this controller belongs to cluster '" + clusterId + "'"))));
            return;
        }
        calls.call(rpc, observer,
                () -> Objects.requireNonNull(call.apply(request), "the controller returned no future"),
                () -> calls.answer(observer, errorResponse.apply(ControllerMapping.toProto(ApiError.of(
                        ControllerError.THROTTLING_QUOTA_EXCEEDED,
                        calls.maxInFlight() + " requests already wait for the controller")))),
                (serverCall, reply, failure) -> calls.answer(serverCall,
                        response(rpc, reply, failure, toProto, errorResponse)));
    }

    /** The response for the api's outcome: the reply, or an outcome for the whole call. */
    private <R, P> P response(String rpc, R reply, Throwable failure, Function<R, P> toProto,
            Function<ErrorInfo, P> errorResponse) {
        Throwable cause = BoundedCalls.cause(failure);
        if (cause instanceof NotControllerException notController) {
            return errorResponse.apply(ControllerMapping.notController(notController.getMessage(),
                    notController.activeController()));
        }
        if (cause != null) {
            log.warn("The controller failed on {}", rpc, cause);
            return errorResponse.apply(ControllerMapping.toProto(ApiError.of(ControllerError.UNKNOWN_SERVER_ERROR,
                    rpc + " failed: " + BoundedCalls.describe(cause))));
        }
        try {
            return toProto.apply(Objects.requireNonNull(reply, "the controller answered null"));
        } catch (RuntimeException unwritable) {
            log.warn("Could not write the controller's answer to {}", rpc, unwritable);
            return errorResponse.apply(ControllerMapping.toProto(ApiError.of(ControllerError.UNKNOWN_SERVER_ERROR,
                    rpc + " answer could not be written: " + BoundedCalls.describe(unwritable))));
        }
    }
}

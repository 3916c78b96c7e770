package io.kraftlet.transport.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kraftlet.proto.raft.DescribeQuorumRequest;
import io.kraftlet.proto.raft.DescribeQuorumResponse;
import io.kraftlet.proto.raft.ErrorCode;
import io.kraftlet.proto.raft.KRaftQuorumGrpc;
import io.kraftlet.raft.QuorumDescription;
import io.kraftlet.raft.VoterSet;
import io.kraftlet.raft.message.BeginQuorumEpochRequest;
import io.kraftlet.raft.message.BeginQuorumEpochResponse;
import io.kraftlet.raft.message.EndQuorumEpochRequest;
import io.kraftlet.raft.message.EndQuorumEpochResponse;
import io.kraftlet.raft.message.Errors;
import io.kraftlet.raft.message.FetchRequest;
import io.kraftlet.raft.message.FetchResponse;
import io.kraftlet.raft.message.FetchSnapshotRequest;
import io.kraftlet.raft.message.FetchSnapshotResponse;
import io.kraftlet.raft.message.RaftRequest;
import io.kraftlet.raft.message.VoteRequest;
import io.kraftlet.raft.message.VoteResponse;
import io.kraftlet.runtime.RaftTransport.InboundHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server half of {@link GrpcTransport}: one handler per RPC. Each handler, on a gRPC
 * executor thread, (1) maps the proto to a record, refusing a malformed one with
 * {@code INVALID_ARGUMENT} naming the field; (2) answers INCONSISTENT_CLUSTER_ID when the
 * request names another cluster; (3) answers INCONSISTENT_VOTER_SET when a request claims a
 * voter role (Vote's candidate, BeginQuorumEpoch's and EndQuorumEpoch's leader) for an id outside
 * the voter set, or is addressed ({@code voter_id}) to another node; (4) otherwise hands the
 * request to the {@link InboundHandler} and answers when its future completes, on the executor
 * rather than on the thread that completes it (usually the driver's).
 *
 * <p>Refusals made here carry leader id -1 and leader epoch 0: the transport does not know the
 * node's epoch, and the core ignores epochs in INCONSISTENT_* answers.
 *
 * <p>Each request gets a correlation id unique within this service, so the driver can tell
 * apart concurrent requests from the same source when it matches the core's answers to calls.
 */
final class QuorumService extends KRaftQuorumGrpc.KRaftQuorumImplBase {
    private static final Logger log = LoggerFactory.getLogger(QuorumService.class);

    private final int nodeId;
    private final String clusterId;
    private final VoterSet voters;
    private final InboundHandler handler;
    private final Executor executor;
    private final TransportMetrics metrics;
    private final AtomicLong nextCorrelationId = new AtomicLong();

    QuorumService(int nodeId, String clusterId, VoterSet voters, InboundHandler handler, Executor executor,
            TransportMetrics metrics) {
        this.nodeId = nodeId;
        this.clusterId = clusterId;
        this.voters = voters;
        this.handler = handler;
        this.executor = executor;
        this.metrics = metrics;
    }

    @Override
    public void vote(io.kraftlet.proto.raft.VoteRequest proto,
            StreamObserver<io.kraftlet.proto.raft.VoteResponse> observer) {
        VoteRequest request = parse(() -> ProtoMapping.toRecord(proto, nextCorrelationId()), observer);
        if (request == null) {
            return;
        }
        Errors refusal = refusal(request, request.candidateId(), proto.getVoterId());
        if (refusal != Errors.NONE) {
            answer(observer, ProtoMapping.toProto(
                    new VoteResponse(request.correlationId(), refusal, -1, 0, false, request.preVote())));
            return;
        }
        dispatch(request.candidateId(), request, VoteResponse.class, ProtoMapping::toProto, observer);
    }

    @Override
    public void beginQuorumEpoch(io.kraftlet.proto.raft.BeginQuorumEpochRequest proto,
            StreamObserver<io.kraftlet.proto.raft.BeginQuorumEpochResponse> observer) {
        BeginQuorumEpochRequest request = parse(() -> ProtoMapping.toRecord(proto, nextCorrelationId()), observer);
        if (request == null) {
            return;
        }
        Errors refusal = refusal(request, request.leaderId(), proto.getVoterId());
        if (refusal != Errors.NONE) {
            answer(observer, ProtoMapping.toProto(new BeginQuorumEpochResponse(request.correlationId(), refusal, -1, 0)));
            return;
        }
        dispatch(request.leaderId(), request, BeginQuorumEpochResponse.class, ProtoMapping::toProto, observer);
    }

    @Override
    public void endQuorumEpoch(io.kraftlet.proto.raft.EndQuorumEpochRequest proto,
            StreamObserver<io.kraftlet.proto.raft.EndQuorumEpochResponse> observer) {
        EndQuorumEpochRequest request = parse(() -> ProtoMapping.toRecord(proto, nextCorrelationId()), observer);
        if (request == null) {
            return;
        }
        // EndQuorumEpoch goes to every voter and names no destination.
        Errors refusal = refusal(request, request.leaderId(), nodeId);
        if (refusal != Errors.NONE) {
            answer(observer, ProtoMapping.toProto(new EndQuorumEpochResponse(request.correlationId(), refusal, -1, 0)));
            return;
        }
        dispatch(request.leaderId(), request, EndQuorumEpochResponse.class, ProtoMapping::toProto, observer);
    }

    @Override
    public void fetch(io.kraftlet.proto.raft.FetchRequest proto,
            StreamObserver<io.kraftlet.proto.raft.FetchResponse> observer) {
        FetchRequest request = parse(() -> ProtoMapping.toRecord(proto, nextCorrelationId()), observer);
        if (request == null) {
            return;
        }
        // Observers fetch too: a fetch claims no voter role.
        if (clusterRefusal(request) != Errors.NONE) {
            answer(observer, ProtoMapping.toProto(
                    FetchResponse.error(request.correlationId(), Errors.INCONSISTENT_CLUSTER_ID, -1, 0)));
            return;
        }
        dispatch(request.replicaId(), request, FetchResponse.class, ProtoMapping::toProto, observer);
    }

    @Override
    public void fetchSnapshot(io.kraftlet.proto.raft.FetchSnapshotRequest proto,
            StreamObserver<io.kraftlet.proto.raft.FetchSnapshotResponse> observer) {
        FetchSnapshotRequest request = parse(() -> ProtoMapping.toRecord(proto, nextCorrelationId()), observer);
        if (request == null) {
            return;
        }
        if (clusterRefusal(request) != Errors.NONE) {
            answer(observer, ProtoMapping.toProto(FetchSnapshotResponse.error(request.correlationId(),
                    Errors.INCONSISTENT_CLUSTER_ID, -1, 0, request.snapshotId())));
            return;
        }
        dispatch(request.replicaId(), request, FetchSnapshotResponse.class, ProtoMapping::toProto, observer);
    }

    @Override
    public void describeQuorum(DescribeQuorumRequest proto, StreamObserver<DescribeQuorumResponse> observer) {
        if (proto.getClusterId().isEmpty()) {
            refuseMalformed(new MalformedMessageException("DescribeQuorumRequest.cluster_id", "is missing"), observer);
            return;
        }
        if (!clusterId.equals(proto.getClusterId())) {
            metrics.rejectedClusterId.increment();
            answer(observer, DescribeQuorumResponse.newBuilder()
                    .setError(ErrorCode.INCONSISTENT_CLUSTER_ID).setLeaderId(-1).setHighWatermark(-1).build());
            return;
        }
        complete(observer, "DescribeQuorum", QuorumDescription.class, ProtoMapping::toProto, handler::describeQuorum);
    }

    // ---------------------------------------------------------------- checks

    private long nextCorrelationId() {
        return nextCorrelationId.incrementAndGet();
    }

    private <T> T parse(Supplier<T> mapping, StreamObserver<?> observer) {
        try {
            return mapping.get();
        } catch (MalformedMessageException malformed) {
            refuseMalformed(malformed, observer);
        } catch (RuntimeException unexpected) {
            // A record's own invariant caught something the mapping let through: still malformed input.
            refuseMalformed(new MalformedMessageException("request", "is invalid: " + unexpected.getMessage()), observer);
        }
        return null;
    }

    private void refuseMalformed(MalformedMessageException malformed, StreamObserver<?> observer) {
        metrics.rejectedMalformed.increment();
        log.debug("Node {} refused a malformed request: {}", nodeId, malformed.getMessage());
        observer.onError(Status.INVALID_ARGUMENT.withDescription(malformed.getMessage()).asRuntimeException());
    }

    private Errors clusterRefusal(RaftRequest request) {
        if (clusterId.equals(request.clusterId())) {
            return Errors.NONE;
        }
        metrics.rejectedClusterId.increment();
        log.debug("Node {} refused {} for cluster '{}' (this is cluster '{}')", nodeId,
                request.getClass().getSimpleName(), request.clusterId(), clusterId);
        return Errors.INCONSISTENT_CLUSTER_ID;
    }

    /** The refusal of a request in which {@code claimedVoter} acts as a voter toward {@code addressedTo}. */
    private Errors refusal(RaftRequest request, int claimedVoter, int addressedTo) {
        Errors clusterRefusal = clusterRefusal(request);
        if (clusterRefusal != Errors.NONE) {
            return clusterRefusal;
        }
        if (voters.contains(claimedVoter) && addressedTo == nodeId) {
            return Errors.NONE;
        }
        metrics.rejectedVoter.increment();
        log.debug("Node {} refused {} from {} addressed to {}: voters are {}", nodeId,
                request.getClass().getSimpleName(), claimedVoter, addressedTo, voters);
        return Errors.INCONSISTENT_VOTER_SET;
    }

    // ---------------------------------------------------------------- answering

    private <R, P> void dispatch(int source, RaftRequest request, Class<R> responseType, Function<R, P> toProto,
            StreamObserver<P> observer) {
        String rpc = request.getClass().getSimpleName();
        complete(observer, rpc, responseType, toProto, () -> handler.handleRequest(source, request));
    }

    /**
     * Answers the call with what {@code call} produces, once it completes. The handler may answer
     * much later (a long-polled fetch) or never; a call whose client gave up in the meantime
     * (deadline, disconnect) is simply not answered.
     */
    private <R, P> void complete(StreamObserver<P> observer, String rpc, Class<R> resultType, Function<R, P> toProto,
            Supplier<? extends CompletableFuture<?>> call) {
        ServerCallStreamObserver<P> serverCall = (ServerCallStreamObserver<P>) observer;
        serverCall.setOnCancelHandler(() -> log.debug("Node {}: the client of a {} call went away", nodeId, rpc));
        CompletableFuture<?> future;
        try {
            future = call.get();
        } catch (RuntimeException handlerFailure) {
            fail(serverCall, rpc, handlerFailure);
            return;
        }
        if (future == null) {
            fail(serverCall, rpc, new NullPointerException("the handler returned no future"));
            return;
        }
        future.whenCompleteAsync((result, failure) -> {
            if (serverCall.isCancelled()) {
                return;
            }
            if (failure != null) {
                fail(serverCall, rpc, failure);
            } else if (!resultType.isInstance(result)) {
                fail(serverCall, rpc, new IllegalStateException("the handler answered with "
                        + (result == null ? "null" : result.getClass().getSimpleName())));
            } else {
                P proto;
                try {
                    proto = toProto.apply(resultType.cast(result));
                } catch (RuntimeException mappingFailure) {
                    fail(serverCall, rpc, mappingFailure);
                    return;
                }
                answer(serverCall, proto);
            }
        }, executor);
    }

    private void fail(ServerCallStreamObserver<?> call, String rpc, Throwable failure) {
        log.warn("Node {} could not answer {}", nodeId, rpc, failure);
        try {
            call.onError(Status.INTERNAL.withDescription("node " + nodeId + " could not answer " + rpc)
                    .asRuntimeException());
        } catch (RuntimeException callEnded) {
            log.debug("Node {}: the {} call ended before its failure was sent", nodeId, rpc, callEnded);
        }
    }

    private <P> void answer(StreamObserver<P> observer, P proto) {
        try {
            observer.onNext(proto);
            observer.onCompleted();
        } catch (RuntimeException callEnded) {
            // Cancelled between the check and the send: nobody is waiting for this answer.
            log.debug("Node {}: a call ended before its answer was sent", nodeId, callEnded);
        }
    }
}

package io.kraftlet.transport.grpc;

import static io.kraftlet.transport.grpc.TransportTestSupport.awaitCondition;
import static io.kraftlet.transport.grpc.TransportTestSupport.dropped;
import static io.kraftlet.transport.grpc.TransportTestSupport.rejected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.kraftlet.proto.raft.KRaftQuorumGrpc;
import io.kraftlet.raft.Batch;
import io.kraftlet.raft.QuorumDescription;
import io.kraftlet.raft.QuorumDescription.ReplicaDescription;
import io.kraftlet.raft.SnapshotId;
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
import io.kraftlet.raft.message.RaftResponse;
import io.kraftlet.raft.message.VoteRequest;
import io.kraftlet.raft.message.VoteResponse;
import io.kraftlet.transport.grpc.RecordingHandler.Received;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GrpcTransportTest {
    private static final String CLUSTER = "kraftlet-test";
    private static final VoterSet VOTERS = new VoterSet(List.of(1, 2, 3));
    /** What canned answers carry as correlation id: the client must restore its own. */
    private static final long SERVER_SIDE_ID = 999;

    private final List<GrpcTransport> transports = new ArrayList<>();
    private final List<ManagedChannel> rawChannels = new ArrayList<>();

    @AfterEach
    void closeAll() {
        rawChannels.forEach(ManagedChannel::shutdownNow);
        transports.forEach(GrpcTransport::close);
    }

    // ---------------------------------------------------------------- exchanges

    @Test
    void exchangesEveryRequestTypeAndRestoresCorrelationIds() throws Exception {
        RecordingHandler handler2 = new RecordingHandler(GrpcTransportTest::canned);
        RecordingHandler handler3 = new RecordingHandler(GrpcTransportTest::canned);
        RecordingHandler handler1 = RecordingHandler.client();
        GrpcTransport node2 = start(2, CLUSTER, Map.of(), handler2);
        GrpcTransport node3 = start(3, CLUSTER, Map.of(), handler3);
        GrpcTransport node1 = start(1, CLUSTER, Map.of(2, address(node2), 3, address(node3)), handler1);

        Map<Long, Integer> destinations = new HashMap<>();
        List<RaftRequest> sent = List.of(
                new VoteRequest(CLUSTER, 11, 1, 4, 3, 10, true),
                new BeginQuorumEpochRequest(CLUSTER, 12, 1, 4),
                new EndQuorumEpochRequest(CLUSTER, 13, 1, 4, List.of(3, 2)),
                new FetchRequest(CLUSTER, 14, 1, 4, 10, 3, 0, 1024),
                new FetchSnapshotRequest(CLUSTER, 15, 1, 4, new SnapshotId(50, 3), 2, 4096));
        for (RaftRequest request : sent) {
            int destination = request.correlationId() % 2 == 0 ? 3 : 2;
            destinations.put(request.correlationId(), destination);
            node1.send(destination, request);
        }

        Map<Long, Received<RaftResponse>> answers = new HashMap<>();
        for (int i = 0; i < sent.size(); i++) {
            Received<RaftResponse> answer = handler1.nextResponse();
            answers.put(answer.message().correlationId(), answer);
        }
        assertEquals(destinations.keySet(), answers.keySet(), "every answer carries its request's correlation id");
        answers.forEach((id, answer) -> assertEquals(destinations.get(id), answer.source(), "source of " + id));

        VoteResponse vote = assertInstanceOf(VoteResponse.class, answers.get(11L).message());
        assertTrue(vote.voteGranted());
        assertTrue(vote.preVote(), "the pre-vote flag echoes the request, not the server's record");
        assertEquals(new BeginQuorumEpochResponse(12, Errors.NONE, 1, 4), answers.get(12L).message());
        assertEquals(new EndQuorumEpochResponse(13, Errors.NONE, -1, 4), answers.get(13L).message());
        FetchResponse fetch = assertInstanceOf(FetchResponse.class, answers.get(14L).message());
        assertEquals(12, fetch.highWatermark());
        assertEquals("Batch[10..11 epoch=4]", fetch.batches().get(0).toString());
        assertArrayEquals(bytes("r2"), fetch.batches().get(0).records().get(1));
        FetchSnapshotResponse chunk = assertInstanceOf(FetchSnapshotResponse.class, answers.get(15L).message());
        assertEquals(new SnapshotId(50, 3), chunk.snapshotId());
        assertArrayEquals(bytes("0123"), chunk.chunk());

        List<Received<RaftRequest>> served = new ArrayList<>(handler2.requests);
        served.addAll(handler3.requests);
        assertEquals(sent.size(), served.size());
        for (Received<RaftRequest> request : served) {
            assertEquals(1, request.source(), "the sender is the id the request names");
            RaftRequest original = sent.stream()
                    .filter(candidate -> candidate.getClass() == request.message().getClass()).findFirst().orElseThrow();
            int destination = destinations.get(original.correlationId());
            assertEquals(wire(original, destination), wire(request.message(), destination));
        }
        assertEquals(handler2.requests.size(), handler2.requests.stream()
                .map(request -> request.message().correlationId()).collect(Collectors.toSet()).size(),
                "inbound requests get distinct correlation ids");
    }

    @Test
    void describeQuorumRoundTrip() throws Exception {
        RecordingHandler handler2 = new RecordingHandler(GrpcTransportTest::canned);
        handler2.description = new QuorumDescription(2, 7, 40,
                List.of(new ReplicaDescription(2, 41, 1000, 1000), new ReplicaDescription(1, 40, 990, 980)),
                List.of(new ReplicaDescription(9, 12, 900, -1)));
        GrpcTransport node2 = start(2, CLUSTER, Map.of(), handler2);
        GrpcTransport node1 = start(1, CLUSTER, Map.of(2, address(node2)), RecordingHandler.client());
        GrpcTransport stranger = start(1, "other-cluster", Map.of(2, address(node2)), RecordingHandler.client());

        assertEquals(handler2.description, node1.describeQuorum(2).get(10, TimeUnit.SECONDS));
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> stranger.describeQuorum(2).get(10, TimeUnit.SECONDS));
        assertTrue(refused.getCause().getMessage().contains("INCONSISTENT_CLUSTER_ID"), refused.getCause().getMessage());
        assertThrows(ExecutionException.class, () -> node1.describeQuorum(5).get(10, TimeUnit.SECONDS));
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void wrongClusterIdIsRefusedWithInconsistentClusterId() throws Exception {
        RecordingHandler handler2 = new RecordingHandler(GrpcTransportTest::canned);
        GrpcTransport node2 = start(2, CLUSTER, Map.of(), handler2);
        RecordingHandler handler1 = RecordingHandler.client();
        GrpcTransport stranger = start(1, "other-cluster", Map.of(2, address(node2)), handler1);

        stranger.send(2, new VoteRequest("other-cluster", 21, 1, 4, 3, 10, true));
        Received<RaftResponse> answer = handler1.nextResponse();
        assertEquals(2, answer.source());
        assertEquals(new VoteResponse(21, Errors.INCONSISTENT_CLUSTER_ID, -1, 0, false, true), answer.message());

        stranger.send(2, new FetchRequest("other-cluster", 22, 1, 4, 10, 3, 0, 1024));
        RaftResponse fetch = handler1.nextResponse().message();
        assertEquals(FetchResponse.error(22, Errors.INCONSISTENT_CLUSTER_ID, -1, 0), fetch);

        assertEquals(2.0, rejected(node2, "cluster_id"));
        assertTrue(handler2.requests.isEmpty(), "refused requests never reach the node");
    }

    @Test
    void voterRolesClaimedByNonVotersAreRefused() throws Exception {
        RecordingHandler handler2 = new RecordingHandler(GrpcTransportTest::canned);
        GrpcTransport node2 = start(2, CLUSTER, Map.of(), handler2);
        RecordingHandler handler7 = RecordingHandler.client();
        GrpcTransport observer = start(7, CLUSTER, Map.of(2, address(node2)), handler7);

        observer.send(2, new VoteRequest(CLUSTER, 31, 7, 4, 3, 10, false));
        assertEquals(new VoteResponse(31, Errors.INCONSISTENT_VOTER_SET, -1, 0, false, false),
                handler7.nextResponse().message());
        observer.send(2, new BeginQuorumEpochRequest(CLUSTER, 32, 7, 4));
        assertEquals(new BeginQuorumEpochResponse(32, Errors.INCONSISTENT_VOTER_SET, -1, 0),
                handler7.nextResponse().message());
        observer.send(2, new EndQuorumEpochRequest(CLUSTER, 33, 7, 4, List.of()));
        assertEquals(new EndQuorumEpochResponse(33, Errors.INCONSISTENT_VOTER_SET, -1, 0),
                handler7.nextResponse().message());
        assertEquals(3.0, rejected(node2, "voter"));
        assertTrue(handler2.requests.isEmpty());

        // Observers fetch: a fetch claims no voter role and goes through.
        observer.send(2, new FetchRequest(CLUSTER, 34, 7, 4, 10, 3, 0, 1024));
        Received<RaftResponse> fetch = handler7.nextResponse();
        assertEquals(Errors.NONE, fetch.message().error());
        assertEquals(7, handler2.requests.get(0).source());
    }

    @Test
    void misaddressedVoteIsRefused() {
        RecordingHandler handler2 = new RecordingHandler(GrpcTransportTest::canned);
        GrpcTransport node2 = start(2, CLUSTER, Map.of(), handler2);
        KRaftQuorumGrpc.KRaftQuorumBlockingStub stub = rawStub(node2);

        io.kraftlet.proto.raft.VoteResponse answer = stub.vote(
                ProtoMapping.toProto(new VoteRequest(CLUSTER, 1, 1, 4, 3, 10, false), 3));
        assertEquals(io.kraftlet.proto.raft.ErrorCode.INCONSISTENT_VOTER_SET, answer.getError());
        assertEquals(1.0, rejected(node2, "voter"));
        assertTrue(handler2.requests.isEmpty());
    }

    @Test
    void malformedRequestsFailWithInvalidArgumentNamingTheField() {
        RecordingHandler handler2 = new RecordingHandler(GrpcTransportTest::canned);
        GrpcTransport node2 = start(2, CLUSTER, Map.of(), handler2);
        KRaftQuorumGrpc.KRaftQuorumBlockingStub stub = rawStub(node2);

        StatusRuntimeException badVote = assertThrows(StatusRuntimeException.class, () -> stub.vote(
                ProtoMapping.toProto(new VoteRequest(CLUSTER, 1, 1, 4, 3, 10, false), 2).toBuilder()
                        .setCandidateId(-1).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, badVote.getStatus().getCode());
        assertTrue(badVote.getStatus().getDescription().contains("VoteRequest.candidate_id"),
                badVote.getStatus().getDescription());

        StatusRuntimeException noSnapshot = assertThrows(StatusRuntimeException.class, () -> stub.fetchSnapshot(
                io.kraftlet.proto.raft.FetchSnapshotRequest.newBuilder().setClusterId(CLUSTER).setReplicaId(1)
                        .setReplicaEpoch(4).setMaxBytes(100).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, noSnapshot.getStatus().getCode());
        assertTrue(noSnapshot.getStatus().getDescription().contains("FetchSnapshotRequest.snapshot_id"));

        StatusRuntimeException noCluster = assertThrows(StatusRuntimeException.class, () -> stub.fetch(
                io.kraftlet.proto.raft.FetchRequest.newBuilder().setReplicaId(1).setMaxBytes(10).build()));
        assertTrue(noCluster.getStatus().getDescription().contains("FetchRequest.cluster_id"));

        assertEquals(3.0, rejected(node2, "malformed"));
        assertTrue(handler2.requests.isEmpty());
    }

    // ---------------------------------------------------------------- dropped requests

    @Test
    void requestWhoseHandlerNeverAnswersTimesOutAndIsDropped() {
        RecordingHandler silent = new RecordingHandler(request -> new CompletableFuture<>());
        GrpcTransport node2 = start(2, CLUSTER, Map.of(), silent);
        RecordingHandler handler1 = RecordingHandler.client();
        GrpcTransport node1 = startWith(builder(1, CLUSTER, Map.of(2, address(node2)))
                .requestTimeoutMs(200).maxInFlightPerPeer(1), handler1);

        node1.send(2, new VoteRequest(CLUSTER, 41, 1, 4, 3, 10, false));
        awaitCondition(() -> dropped(node1, "timeout") == 1.0, "the vote to time out");
        assertEquals(1, silent.requests.size());
        assertTrue(handler1.responses.isEmpty(), "a timed-out request gets no answer");

        // The timed-out request gave its in-flight permit back.
        node1.send(2, new VoteRequest(CLUSTER, 42, 1, 4, 3, 10, false));
        awaitCondition(() -> silent.requests.size() == 2, "the second vote to arrive");
        assertEquals(0.0, dropped(node1, "in_flight"));
    }

    @Test
    void inFlightBoundPerPeerIsEnforced() throws Exception {
        BlockingQueue<CompletableFuture<RaftResponse>> held = new LinkedBlockingQueue<>();
        RecordingHandler holding = new RecordingHandler(request -> {
            CompletableFuture<RaftResponse> answer = new CompletableFuture<>();
            held.add(answer);
            return answer;
        });
        GrpcTransport node2 = start(2, CLUSTER, Map.of(), holding);
        RecordingHandler handler1 = RecordingHandler.client();
        GrpcTransport node1 = startWith(builder(1, CLUSTER, Map.of(2, address(node2))).maxInFlightPerPeer(2), handler1);

        for (int i = 0; i < 5; i++) {
            node1.send(2, new FetchRequest(CLUSTER, 50 + i, 1, 4, 10, 3, 0, 1024));
        }
        assertEquals(3.0, dropped(node1, "in_flight"));
        awaitCondition(() -> held.size() == 2, "two fetches to reach the peer");
        for (CompletableFuture<RaftResponse> answer : held) {
            answer.complete(FetchResponse.error(SERVER_SIDE_ID, Errors.NOT_LEADER, 3, 5));
        }
        List<Long> answered = List.of(handler1.nextResponse().message().correlationId(),
                handler1.nextResponse().message().correlationId());
        assertEquals(List.of(50L, 51L), answered.stream().sorted().toList());
        assertEquals(2, holding.requests.size());
    }

    @Test
    void sendingToDeadOrUnknownPeersDoesNotThrow() {
        GrpcTransport gone = start(2, CLUSTER, Map.of(), new RecordingHandler(GrpcTransportTest::canned));
        HostPort deadAddress = address(gone);
        gone.close();
        RecordingHandler handler1 = RecordingHandler.client();
        GrpcTransport node1 = start(1, CLUSTER, Map.of(2, deadAddress), handler1);

        assertDoesNotThrow(() -> node1.send(2, new VoteRequest(CLUSTER, 61, 1, 4, 3, 10, false)));
        awaitCondition(() -> dropped(node1, "unavailable") == 1.0, "the vote to a dead peer to fail");
        assertDoesNotThrow(() -> node1.send(9, new VoteRequest(CLUSTER, 62, 1, 4, 3, 10, false)));
        assertEquals(1.0, dropped(node1, "unknown_peer"));
        assertTrue(handler1.responses.isEmpty());
    }

    @Test
    void failingHandlerAnswersInternalAndTheRequestIsDropped() {
        GrpcTransport node2 = start(2, CLUSTER, Map.of(),
                new RecordingHandler(request -> CompletableFuture.failedFuture(new IllegalStateException("boom"))));
        RecordingHandler handler1 = RecordingHandler.client();
        GrpcTransport node1 = start(1, CLUSTER, Map.of(2, address(node2)), handler1);

        node1.send(2, new VoteRequest(CLUSTER, 71, 1, 4, 3, 10, false));
        awaitCondition(() -> dropped(node1, "failed") == 1.0, "the failed vote to be counted");
        assertTrue(handler1.responses.isEmpty());
    }

    @Test
    void closeIsIdempotentAndLaterSendsAreDropped() {
        GrpcTransport node2 = start(2, CLUSTER, Map.of(), new RecordingHandler(GrpcTransportTest::canned));
        GrpcTransport node1 = start(1, CLUSTER, Map.of(2, address(node2)), RecordingHandler.client());
        node1.close();
        node1.close();
        assertDoesNotThrow(() -> node1.send(2, new VoteRequest(CLUSTER, 81, 1, 4, 3, 10, false)));
        assertEquals(1.0, dropped(node1, "not_running"));
        assertThrows(IllegalStateException.class, () -> node1.start(RecordingHandler.client()));
    }

    @Test
    void builderNamesMissingSettings() {
        IllegalArgumentException noCluster = assertThrows(IllegalArgumentException.class, () -> GrpcTransport.builder()
                .nodeId(1).voters(VOTERS).listenAddress(new HostPort("127.0.0.1", 0)).build());
        assertTrue(noCluster.getMessage().contains("cluster id"));
        GrpcTransport fromConfig = GrpcTransport.builder().nodeId(1).clusterId(CLUSTER)
                .quorumVoters("1@127.0.0.1:19091,2@127.0.0.1:19092").listenAddress(new HostPort("127.0.0.1", 0)).build();
        transports.add(fromConfig);
    }

    // ---------------------------------------------------------------- controller.quorum.voters

    @Test
    void parsesQuorumVoters() {
        Map<Integer, HostPort> voters = QuorumVoters.parse("1@host-a:9093, 2@10.0.0.2:9094,3@[::1]:9095");
        assertEquals(List.of(1, 2, 3), List.copyOf(voters.keySet()));
        assertEquals(new HostPort("host-a", 9093), voters.get(1));
        assertEquals(new HostPort("::1", 9095), voters.get(3));
        assertEquals("[::1]:9095", voters.get(3).toString());
        assertEquals(new VoterSet(List.of(1, 2, 3)).ids(), QuorumVoters.voterSet(voters).ids());
    }

    @Test
    void quorumVotersErrorsNameTheBadEntry() {
        assertVotersError("", "is empty");
        assertVotersError("1@a:1,", "entry 2 '' is empty");
        assertVotersError("1@a:1,2a:2", "'2a:2' has no '@'");
        assertVotersError("x@a:1", "'x@a:1' has an id that is not a number");
        assertVotersError("-1@a:1", "'-1@a:1' has a negative id");
        assertVotersError("1@a:1,1@b:2", "'1@b:2' repeats voter id 1");
        assertVotersError("1@a", "'1@a' has a bad address");
        assertVotersError("1@a:http", "'1@a:http' has a bad address");
        assertVotersError("1@a:0", "'1@a:0' has port 0");
        assertVotersError("1@a:70000", "'1@a:70000' has a bad address");
        assertVotersError("1@::1:9093", "'1@::1:9093' has a bad address");
        assertVotersError("1@:9093", "'1@:9093' has a bad address");
    }

    private static void assertVotersError(String voters, String expected) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> QuorumVoters.parse(voters));
        assertTrue(error.getMessage().startsWith(QuorumVoters.CONFIG_KEY), error.getMessage());
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }

    // ---------------------------------------------------------------- helpers

    private GrpcTransport start(int nodeId, String clusterId, Map<Integer, HostPort> peers, RecordingHandler handler) {
        return startWith(builder(nodeId, clusterId, peers), handler);
    }

    private static GrpcTransport.Builder builder(int nodeId, String clusterId, Map<Integer, HostPort> peers) {
        return GrpcTransport.builder().nodeId(nodeId).clusterId(clusterId).voters(VOTERS).peers(peers)
                .listenAddress(new HostPort("127.0.0.1", 0)).requestTimeoutMs(5000);
    }

    private GrpcTransport startWith(GrpcTransport.Builder builder, RecordingHandler handler) {
        GrpcTransport transport = builder.build();
        transports.add(transport);
        transport.start(handler);
        return transport;
    }

    private static HostPort address(GrpcTransport transport) {
        return new HostPort("127.0.0.1", transport.port());
    }

    private KRaftQuorumGrpc.KRaftQuorumBlockingStub rawStub(GrpcTransport server) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        rawChannels.add(channel);
        return KRaftQuorumGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    /** The request as the wire sees it: everything but the correlation id. */
    private static Message wire(RaftRequest request, int destination) {
        if (request instanceof VoteRequest vote) {
            return ProtoMapping.toProto(vote, destination);
        } else if (request instanceof BeginQuorumEpochRequest begin) {
            return ProtoMapping.toProto(begin, destination);
        } else if (request instanceof EndQuorumEpochRequest end) {
            return ProtoMapping.toProto(end);
        } else if (request instanceof FetchRequest fetch) {
            return ProtoMapping.toProto(fetch);
        } else {
            return ProtoMapping.toProto((FetchSnapshotRequest) request);
        }
    }

    /** The answers of a healthy node; their correlation id is deliberately not the client's. */
    static CompletableFuture<RaftResponse> canned(RaftRequest request) {
        RaftResponse response;
        if (request instanceof VoteRequest vote) {
            response = new VoteResponse(SERVER_SIDE_ID, Errors.NONE, -1, vote.candidateEpoch(), true, false);
        } else if (request instanceof BeginQuorumEpochRequest begin) {
            response = new BeginQuorumEpochResponse(SERVER_SIDE_ID, Errors.NONE, begin.leaderId(), begin.leaderEpoch());
        } else if (request instanceof EndQuorumEpochRequest end) {
            response = new EndQuorumEpochResponse(SERVER_SIDE_ID, Errors.NONE, -1, end.leaderEpoch());
        } else if (request instanceof FetchRequest fetch) {
            Batch batch = new Batch(fetch.fetchOffset(), 4, 77, false, List.of(bytes("r1"), bytes("r2")));
            response = new FetchResponse(SERVER_SIDE_ID, Errors.NONE, 3, 4, 12, 0, List.of(batch),
                    Optional.empty(), Optional.empty());
        } else {
            FetchSnapshotRequest fetchSnapshot = (FetchSnapshotRequest) request;
            response = new FetchSnapshotResponse(SERVER_SIDE_ID, Errors.NONE, 2, 4, fetchSnapshot.snapshotId(), 10,
                    fetchSnapshot.position(), bytes("0123"));
        }
        return CompletableFuture.completedFuture(response);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

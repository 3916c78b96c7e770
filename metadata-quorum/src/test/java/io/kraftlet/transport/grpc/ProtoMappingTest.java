package io.kraftlet.transport.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.kraftlet.proto.raft.DescribeQuorumResponse;
import io.kraftlet.proto.raft.DivergingEpoch;
import io.kraftlet.proto.raft.ErrorCode;
import io.kraftlet.proto.record.RecordBatch;
import io.kraftlet.raft.Batch;
import io.kraftlet.raft.OffsetAndEpoch;
import io.kraftlet.raft.QuorumDescription;
import io.kraftlet.raft.QuorumDescription.ReplicaDescription;
import io.kraftlet.raft.SnapshotId;
import io.kraftlet.raft.message.BeginQuorumEpochRequest;
import io.kraftlet.raft.message.BeginQuorumEpochResponse;
import io.kraftlet.raft.message.EndQuorumEpochRequest;
import io.kraftlet.raft.message.EndQuorumEpochResponse;
import io.kraftlet.raft.message.Errors;
import io.kraftlet.raft.message.FetchRequest;
import io.kraftlet.raft.message.FetchResponse;
import io.kraftlet.raft.message.FetchSnapshotRequest;
import io.kraftlet.raft.message.FetchSnapshotResponse;
import io.kraftlet.raft.message.VoteRequest;
import io.kraftlet.raft.message.VoteResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ProtoMappingTest {
    private static final String CLUSTER = "cluster-a";

    // ---------------------------------------------------------------- round trips

    @Test
    void voteRoundTripCarriesDestinationAndRestoresEchoedFields() {
        VoteRequest request = new VoteRequest(CLUSTER, 41, 1, 7, 6, 120, true);
        io.kraftlet.proto.raft.VoteRequest proto = ProtoMapping.toProto(request, 3);
        assertEquals(3, proto.getVoterId());
        assertEquals(request, ProtoMapping.toRecord(proto, 41));
        assertEquals(99, ProtoMapping.toRecord(proto, 99).correlationId(), "the server chooses the inbound id");

        VoteResponse response = new VoteResponse(41, Errors.NONE, 2, 7, true, true);
        assertEquals(response, ProtoMapping.toRecord(ProtoMapping.toProto(response), request));
        VoteResponse fromOtherId = new VoteResponse(5, Errors.FENCED_LEADER_EPOCH, -1, 9, false, false);
        assertEquals(new VoteResponse(41, Errors.FENCED_LEADER_EPOCH, -1, 9, false, true),
                ProtoMapping.toRecord(ProtoMapping.toProto(fromOtherId), request),
                "correlation id and pre-vote flag come from the request sent");
    }

    @Test
    void beginQuorumEpochRoundTrip() {
        BeginQuorumEpochRequest request = new BeginQuorumEpochRequest(CLUSTER, 8, 2, 11);
        io.kraftlet.proto.raft.BeginQuorumEpochRequest proto = ProtoMapping.toProto(request, 1);
        assertEquals(1, proto.getVoterId());
        assertEquals(request, ProtoMapping.toRecord(proto, 8));
        BeginQuorumEpochResponse response = new BeginQuorumEpochResponse(8, Errors.NONE, 2, 11);
        assertEquals(response, ProtoMapping.toRecord(ProtoMapping.toProto(response), request));
    }

    @Test
    void endQuorumEpochRoundTrip() {
        EndQuorumEpochRequest request = new EndQuorumEpochRequest(CLUSTER, 9, 2, 11, List.of(3, 1));
        assertEquals(request, ProtoMapping.toRecord(ProtoMapping.toProto(request), 9));
        EndQuorumEpochRequest none = new EndQuorumEpochRequest(CLUSTER, 9, 2, 11, List.of());
        assertEquals(none, ProtoMapping.toRecord(ProtoMapping.toProto(none), 9));
        EndQuorumEpochResponse response = new EndQuorumEpochResponse(9, Errors.NOT_LEADER, 3, 12);
        assertEquals(response, ProtoMapping.toRecord(ProtoMapping.toProto(response), request));
    }

    @Test
    void fetchRequestRoundTrip() {
        FetchRequest request = new FetchRequest(CLUSTER, 12, 3, 5, 1000, 4, 500, 65_536);
        assertEquals(request, ProtoMapping.toRecord(ProtoMapping.toProto(request), 12));
    }

    @Test
    void fetchResponseRoundTripWithBatches() {
        FetchRequest request = new FetchRequest(CLUSTER, 12, 3, 5, 10, 4, 500, 65_536);
        Batch control = new Batch(10, 5, 1_700_000_000_000L, true, List.of(bytes("leader-change")));
        Batch data = new Batch(11, 5, 1_700_000_000_001L, false, List.of(bytes("a"), bytes(""), bytes("ccc")));
        FetchResponse response = new FetchResponse(12, Errors.NONE, 1, 5, 11, 0, List.of(control, data),
                Optional.empty(), Optional.empty());

        FetchResponse back = ProtoMapping.toRecord(ProtoMapping.toProto(response), request);

        assertEquals(12, back.correlationId());
        assertEquals(Errors.NONE, back.error());
        assertEquals(1, back.leaderId());
        assertEquals(5, back.leaderEpoch());
        assertEquals(11, back.highWatermark());
        assertEquals(0, back.logStartOffset());
        assertEquals(2, back.batches().size());
        assertBatchEquals(control, back.batches().get(0));
        assertBatchEquals(data, back.batches().get(1));
        assertTrue(back.divergingEpoch().isEmpty());
        assertTrue(back.snapshotId().isEmpty());
    }

    @Test
    void fetchResponseRoundTripWithDivergingEpochSnapshotOrError() {
        FetchRequest request = new FetchRequest(CLUSTER, 13, 3, 5, 10, 4, 500, 65_536);
        FetchResponse diverging = new FetchResponse(13, Errors.NONE, 1, 5, 8, 0, List.of(),
                Optional.of(new OffsetAndEpoch(7, 3)), Optional.empty());
        assertEquals(diverging, ProtoMapping.toRecord(ProtoMapping.toProto(diverging), request));
        FetchResponse snapshot = new FetchResponse(13, Errors.NONE, 1, 5, 80, 50, List.of(),
                Optional.empty(), Optional.of(new SnapshotId(50, 4)));
        assertEquals(snapshot, ProtoMapping.toRecord(ProtoMapping.toProto(snapshot), request));
        FetchResponse error = FetchResponse.error(13, Errors.UNKNOWN_LEADER_EPOCH, -1, 4);
        assertEquals(error, ProtoMapping.toRecord(ProtoMapping.toProto(error), request));
    }

    @Test
    void fetchSnapshotRoundTrip() {
        FetchSnapshotRequest request = new FetchSnapshotRequest(CLUSTER, 14, 3, 5, new SnapshotId(50, 4), 1024, 4096);
        assertEquals(request, ProtoMapping.toRecord(ProtoMapping.toProto(request), 14));

        FetchSnapshotResponse chunk = new FetchSnapshotResponse(14, Errors.NONE, 1, 5, new SnapshotId(50, 4), 2000,
                1024, bytes("chunk-bytes"));
        FetchSnapshotResponse back = ProtoMapping.toRecord(ProtoMapping.toProto(chunk), request);
        assertEquals(14, back.correlationId());
        assertEquals(Errors.NONE, back.error());
        assertEquals(1, back.leaderId());
        assertEquals(5, back.leaderEpoch());
        assertEquals(new SnapshotId(50, 4), back.snapshotId());
        assertEquals(2000, back.size());
        assertEquals(1024, back.position());
        assertArrayEquals(bytes("chunk-bytes"), back.chunk());
    }

    @Test
    void fetchSnapshotErrorWithoutSnapshotIdGetsTheRequestedOne() {
        FetchSnapshotRequest request = new FetchSnapshotRequest(CLUSTER, 15, 3, 5, new SnapshotId(50, 4), 0, 4096);
        io.kraftlet.proto.raft.FetchSnapshotResponse proto = io.kraftlet.proto.raft.FetchSnapshotResponse.newBuilder()
                .setError(ErrorCode.SNAPSHOT_NOT_FOUND).setLeaderId(1).setLeaderEpoch(5).setSize(-1).setPosition(-1)
                .build();
        FetchSnapshotResponse back = ProtoMapping.toRecord(proto, request);
        assertEquals(Errors.SNAPSHOT_NOT_FOUND, back.error());
        assertEquals(new SnapshotId(50, 4), back.snapshotId());
        assertEquals(-1, back.size());
        assertEquals(0, back.chunk().length);
    }

    @Test
    void batchRoundTrip() {
        Batch single = new Batch(0, 0, 0, false, List.of(bytes("x")));
        assertBatchEquals(single, ProtoMapping.toRecord(ProtoMapping.toProto(single)));
        Batch control = new Batch(42, 7, 123, true, List.of(bytes("header"), bytes("footer")));
        RecordBatch proto = ProtoMapping.toProto(control);
        assertTrue(proto.getControl());
        assertEquals(2, proto.getRecordCount());
        assertBatchEquals(control, ProtoMapping.toRecord(proto));
    }

    @Test
    void describeQuorumRoundTrip() {
        QuorumDescription description = new QuorumDescription(1, 5, 100,
                List.of(new ReplicaDescription(1, 120, 1000, 1000), new ReplicaDescription(2, -1, -1, -1)),
                List.of(new ReplicaDescription(7, 90, 990, 900)));
        DescribeQuorumResponse proto = ProtoMapping.toProto(description);
        assertEquals(ErrorCode.NONE, proto.getError());
        assertEquals(description, ProtoMapping.toRecord(proto));
        QuorumDescription unknown = new QuorumDescription(-1, 0, 0, List.of(), List.of());
        assertEquals(unknown, ProtoMapping.toRecord(ProtoMapping.toProto(unknown)));
    }

    @Test
    void everyErrorRoundTrips() {
        for (Errors error : Errors.values()) {
            assertEquals(error, ProtoMapping.toRecord(ProtoMapping.toProto(error), "error"));
            assertEquals(error.name(), ProtoMapping.toProto(error).name(), "the same names travel on the wire");
        }
    }

    // ---------------------------------------------------------------- malformed input

    @Test
    void errorCodesWithoutCounterpartAreRefused() {
        VoteRequest sent = new VoteRequest(CLUSTER, 1, 1, 1, 0, 0, false);
        assertMalformed("VoteResponse.error", () -> ProtoMapping.toRecord(
                io.kraftlet.proto.raft.VoteResponse.newBuilder().setError(ErrorCode.BROKER_NOT_AVAILABLE).build(), sent));
        assertMalformed("VoteResponse.error", () -> ProtoMapping.toRecord(
                io.kraftlet.proto.raft.VoteResponse.newBuilder().setErrorValue(99).build(), sent));
    }

    @Test
    void malformedVoteRequests() {
        io.kraftlet.proto.raft.VoteRequest valid = ProtoMapping.toProto(new VoteRequest(CLUSTER, 1, 1, 3, 2, 10, false), 2);
        assertMalformed("VoteRequest.cluster_id", () -> ProtoMapping.toRecord(valid.toBuilder().clearClusterId().build(), 1));
        assertMalformed("VoteRequest.candidate_id", () -> ProtoMapping.toRecord(valid.toBuilder().setCandidateId(-1).build(), 1));
        assertMalformed("VoteRequest.candidate_epoch", () -> ProtoMapping.toRecord(valid.toBuilder().setCandidateEpoch(-3).build(), 1));
        assertMalformed("VoteRequest.last_offset_epoch", () -> ProtoMapping.toRecord(valid.toBuilder().setLastOffsetEpoch(-1).build(), 1));
        assertMalformed("VoteRequest.last_offset", () -> ProtoMapping.toRecord(valid.toBuilder().setLastOffset(-5).build(), 1));
        assertMalformed("VoteRequest.voter_id", () -> ProtoMapping.toRecord(valid.toBuilder().setVoterId(-2).build(), 1));
    }

    @Test
    void malformedQuorumEpochRequests() {
        io.kraftlet.proto.raft.BeginQuorumEpochRequest begin =
                ProtoMapping.toProto(new BeginQuorumEpochRequest(CLUSTER, 1, 1, 3), 2);
        assertMalformed("BeginQuorumEpochRequest.leader_id", () -> ProtoMapping.toRecord(begin.toBuilder().setLeaderId(-1).build(), 1));
        assertMalformed("BeginQuorumEpochRequest.leader_epoch", () -> ProtoMapping.toRecord(begin.toBuilder().setLeaderEpoch(-1).build(), 1));
        io.kraftlet.proto.raft.EndQuorumEpochRequest end =
                ProtoMapping.toProto(new EndQuorumEpochRequest(CLUSTER, 1, 1, 3, List.of(2, 3)));
        assertMalformed("EndQuorumEpochRequest.preferred_successors[2]",
                () -> ProtoMapping.toRecord(end.toBuilder().addPreferredSuccessors(-4).build(), 1));
        io.kraftlet.proto.raft.EndQuorumEpochRequest.Builder tooMany = end.toBuilder();
        for (int i = 0; i <= ProtoMapping.MAX_PREFERRED_SUCCESSORS; i++) {
            tooMany.addPreferredSuccessors(i);
        }
        assertMalformed("EndQuorumEpochRequest.preferred_successors", () -> ProtoMapping.toRecord(tooMany.build(), 1));
    }

    @Test
    void malformedFetchRequests() {
        io.kraftlet.proto.raft.FetchRequest valid = ProtoMapping.toProto(new FetchRequest(CLUSTER, 1, 2, 3, 10, 2, 100, 1024));
        assertMalformed("FetchRequest.replica_id", () -> ProtoMapping.toRecord(valid.toBuilder().setReplicaId(-1).build(), 1));
        assertMalformed("FetchRequest.fetch_offset", () -> ProtoMapping.toRecord(valid.toBuilder().setFetchOffset(-1).build(), 1));
        assertMalformed("FetchRequest.last_fetched_epoch", () -> ProtoMapping.toRecord(valid.toBuilder().setLastFetchedEpoch(-1).build(), 1));
        assertMalformed("FetchRequest.max_wait_ms", () -> ProtoMapping.toRecord(valid.toBuilder().setMaxWaitMs(-1).build(), 1));
        assertMalformed("FetchRequest.max_bytes", () -> ProtoMapping.toRecord(valid.toBuilder().setMaxBytes(0).build(), 1));
    }

    @Test
    void malformedFetchSnapshotRequests() {
        io.kraftlet.proto.raft.FetchSnapshotRequest valid =
                ProtoMapping.toProto(new FetchSnapshotRequest(CLUSTER, 1, 2, 3, new SnapshotId(10, 1), 0, 1024));
        assertMalformed("FetchSnapshotRequest.snapshot_id", () -> ProtoMapping.toRecord(valid.toBuilder().clearSnapshotId().build(), 1));
        assertMalformed("FetchSnapshotRequest.snapshot_id.end_offset", () -> ProtoMapping.toRecord(valid.toBuilder()
                .setSnapshotId(io.kraftlet.proto.raft.SnapshotId.newBuilder().setEndOffset(-1).setEpoch(1)).build(), 1));
        assertMalformed("FetchSnapshotRequest.position", () -> ProtoMapping.toRecord(valid.toBuilder().setPosition(-1).build(), 1));
        assertMalformed("FetchSnapshotRequest.replica_epoch", () -> ProtoMapping.toRecord(valid.toBuilder().setReplicaEpoch(-1).build(), 1));
    }

    @Test
    void malformedBatches() {
        RecordBatch valid = ProtoMapping.toProto(new Batch(5, 1, 0, false, List.of(bytes("a"), bytes("b"))));
        assertMalformed("RecordBatch.records", () -> ProtoMapping.toRecord(
                valid.toBuilder().clearRecords().setRecordCount(0).build()));
        assertMalformed("RecordBatch.record_count", () -> ProtoMapping.toRecord(valid.toBuilder().setRecordCount(3).build()));
        assertMalformed("RecordBatch.base_offset", () -> ProtoMapping.toRecord(valid.toBuilder().setBaseOffset(-1).build()));
        assertMalformed("RecordBatch.base_offset", () -> ProtoMapping.toRecord(
                valid.toBuilder().setBaseOffset(Long.MAX_VALUE - 1).build()));
        assertMalformed("RecordBatch.epoch", () -> ProtoMapping.toRecord(valid.toBuilder().setEpoch(-1).build()));
    }

    @Test
    void malformedFetchResponses() {
        FetchRequest sent = new FetchRequest(CLUSTER, 1, 2, 3, 5, 1, 100, 1024);
        RecordBatch first = ProtoMapping.toProto(new Batch(5, 1, 0, false, List.of(bytes("a"))));
        RecordBatch gap = ProtoMapping.toProto(new Batch(7, 1, 0, false, List.of(bytes("b"))));
        io.kraftlet.proto.raft.FetchResponse base = io.kraftlet.proto.raft.FetchResponse.newBuilder()
                .setLeaderId(1).setLeaderEpoch(3).setHighWatermark(5).build();
        assertMalformed("FetchResponse.batches[1].base_offset",
                () -> ProtoMapping.toRecord(base.toBuilder().addBatches(first).addBatches(gap).build(), sent));
        assertMalformed("FetchResponse.batches[0].records", () -> ProtoMapping.toRecord(
                base.toBuilder().addBatches(first.toBuilder().clearRecords().setRecordCount(0)).build(), sent));
        assertMalformed("FetchResponse", () -> ProtoMapping.toRecord(base.toBuilder().addBatches(first)
                .setDivergingEpoch(DivergingEpoch.newBuilder().setEpoch(1).setEndOffset(3)).build(), sent));
        assertMalformed("FetchResponse.diverging_epoch.epoch", () -> ProtoMapping.toRecord(base.toBuilder()
                .setDivergingEpoch(DivergingEpoch.newBuilder().setEpoch(-1).setEndOffset(3)).build(), sent));
        assertMalformed("FetchResponse.leader_id", () -> ProtoMapping.toRecord(base.toBuilder().setLeaderId(-2).build(), sent));
        assertMalformed("FetchResponse.leader_epoch", () -> ProtoMapping.toRecord(base.toBuilder().setLeaderEpoch(-1).build(), sent));
        assertMalformed("FetchResponse.high_watermark", () -> ProtoMapping.toRecord(base.toBuilder().setHighWatermark(-2).build(), sent));
    }

    @Test
    void malformedFetchSnapshotResponses() {
        FetchSnapshotRequest sent = new FetchSnapshotRequest(CLUSTER, 1, 2, 3, new SnapshotId(10, 1), 0, 1024);
        io.kraftlet.proto.raft.FetchSnapshotResponse valid = ProtoMapping.toProto(new FetchSnapshotResponse(1,
                Errors.NONE, 1, 3, new SnapshotId(10, 1), 4, 0, bytes("abcd")));
        assertFalse(ProtoMapping.toRecord(valid, sent).chunk().length == 0);
        assertMalformed("FetchSnapshotResponse.chunk", () -> ProtoMapping.toRecord(valid.toBuilder().setPosition(1).build(), sent));
        assertMalformed("FetchSnapshotResponse.snapshot_id", () -> ProtoMapping.toRecord(valid.toBuilder().clearSnapshotId().build(), sent));
        assertMalformed("FetchSnapshotResponse.size", () -> ProtoMapping.toRecord(valid.toBuilder().setSize(-1).build(), sent));
        assertMalformed("FetchSnapshotResponse.chunk", () -> ProtoMapping.toRecord(
                valid.toBuilder().setChunk(ByteString.copyFrom(new byte[5])).build(), sent));
    }

    @Test
    void malformedDescribeQuorumResponse() {
        DescribeQuorumResponse proto = ProtoMapping.toProto(new QuorumDescription(1, 2, 3,
                List.of(new ReplicaDescription(1, 3, 0, 0)), List.of()));
        assertMalformed("DescribeQuorumResponse.current_voters[0].replica_id", () -> ProtoMapping.toRecord(
                proto.toBuilder().setCurrentVoters(0, proto.getCurrentVoters(0).toBuilder().setReplicaId(-1)).build()));
    }

    // ---------------------------------------------------------------- helpers

    private static void assertMalformed(String field, Executable mapping) {
        MalformedMessageException thrown = assertThrows(MalformedMessageException.class, mapping);
        assertEquals(field, thrown.field(), thrown.getMessage());
        assertTrue(thrown.getMessage().startsWith(field + " "), thrown.getMessage());
    }

    private static void assertBatchEquals(Batch expected, Batch actual) {
        assertEquals(expected.toString(), actual.toString());
        assertEquals(expected.appendTimeMs(), actual.appendTimeMs());
        assertEquals(expected.control(), actual.control());
        assertEquals(expected.records().size(), actual.records().size());
        for (int i = 0; i < expected.records().size(); i++) {
            assertArrayEquals(expected.records().get(i), actual.records().get(i), "record " + i);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

package io.kraftlet.transport.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.kraftlet.proto.raft.DescribeQuorumResponse;
import io.kraftlet.proto.raft.DivergingEpoch;
import io.kraftlet.proto.raft.ErrorCode;
import io.kraftlet.proto.raft.ReplicaState;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Maps the core's message records to the wire's protobuf messages and back. Stateless and pure:
 * safe from any thread.
 *
 * <p>The wire has no correlation id: one RPC carries one request/response pair. So a request
 * read from the wire gets the correlation id the server chooses, and a response read from the
 * wire gets the correlation id (and the other echoed fields, like {@code preVote}) of the
 * request this node sent. Vote and BeginQuorumEpoch carry the destination's id
 * ({@code voter_id}), so a mis-addressed request can be refused.
 *
 * <p>Everything read from the wire is validated before a record is built: a missing cluster id
 * or snapshot id, a negative id, epoch, offset or position, an empty or miscounted batch, an
 * error code the core does not know, ... throw {@link MalformedMessageException} naming the
 * field. Ids may be -1 ("none") only where the protocol says so: the leader id of a response.
 * The batches' {@code crc32c} belongs to the storage layer; the transport leaves it 0 and does
 * not check it (HTTP/2 over TCP, and TLS where configured, protect the bytes in transit).
 */
public final class ProtoMapping {
    /** A resigning leader names at most this many successors; more is not a real quorum. */
    public static final int MAX_PREFERRED_SUCCESSORS = 1024;

    private ProtoMapping() {
    }

    // ---------------------------------------------------------------- Vote

    public static io.kraftlet.proto.raft.VoteRequest toProto(VoteRequest request, int destination) {
        return io.kraftlet.proto.raft.VoteRequest.newBuilder()
                .setClusterId(request.clusterId())
                .setCandidateId(request.candidateId())
                .setCandidateEpoch(request.candidateEpoch())
                .setLastOffsetEpoch(request.lastOffsetEpoch())
                .setLastOffset(request.lastOffset())
                .setPreVote(request.preVote())
                .setVoterId(destination)
                .build();
    }

    public static VoteRequest toRecord(io.kraftlet.proto.raft.VoteRequest proto, long correlationId) {
        Check check = new Check("VoteRequest");
        check.nonNegative("voter_id", proto.getVoterId());
        return new VoteRequest(check.clusterId(proto.getClusterId()), correlationId,
                check.nonNegative("candidate_id", proto.getCandidateId()),
                check.nonNegative("candidate_epoch", proto.getCandidateEpoch()),
                check.nonNegative("last_offset_epoch", proto.getLastOffsetEpoch()),
                check.nonNegative("last_offset", proto.getLastOffset()),
                proto.getPreVote());
    }

    public static io.kraftlet.proto.raft.VoteResponse toProto(VoteResponse response) {
        return io.kraftlet.proto.raft.VoteResponse.newBuilder()
                .setError(toProto(response.error()))
                .setLeaderId(response.leaderId())
                .setLeaderEpoch(response.leaderEpoch())
                .setVoteGranted(response.voteGranted())
                .build();
    }

    /** The response to {@code sent}; {@code preVote} is not on the wire and echoes the request. */
    public static VoteResponse toRecord(io.kraftlet.proto.raft.VoteResponse proto, VoteRequest sent) {
        Check check = new Check("VoteResponse");
        return new VoteResponse(sent.correlationId(), check.error(proto.getError()),
                check.leaderId(proto.getLeaderId()), check.nonNegative("leader_epoch", proto.getLeaderEpoch()),
                proto.getVoteGranted(), sent.preVote());
    }

    // ---------------------------------------------------------------- BeginQuorumEpoch

    public static io.kraftlet.proto.raft.BeginQuorumEpochRequest toProto(BeginQuorumEpochRequest request,
            int destination) {
        return io.kraftlet.proto.raft.BeginQuorumEpochRequest.newBuilder()
                .setClusterId(request.clusterId())
                .setLeaderId(request.leaderId())
                .setLeaderEpoch(request.leaderEpoch())
                .setVoterId(destination)
                .build();
    }

    public static BeginQuorumEpochRequest toRecord(io.kraftlet.proto.raft.BeginQuorumEpochRequest proto,
            long correlationId) {
        Check check = new Check("BeginQuorumEpochRequest");
        check.nonNegative("voter_id", proto.getVoterId());
        return new BeginQuorumEpochRequest(check.clusterId(proto.getClusterId()), correlationId,
                check.nonNegative("leader_id", proto.getLeaderId()),
                check.nonNegative("leader_epoch", proto.getLeaderEpoch()));
    }

    public static io.kraftlet.proto.raft.BeginQuorumEpochResponse toProto(BeginQuorumEpochResponse response) {
        return io.kraftlet.proto.raft.BeginQuorumEpochResponse.newBuilder()
                .setError(toProto(response.error()))
                .setLeaderId(response.leaderId())
                .setLeaderEpoch(response.leaderEpoch())
                .build();
    }

    public static BeginQuorumEpochResponse toRecord(io.kraftlet.proto.raft.BeginQuorumEpochResponse proto,
            BeginQuorumEpochRequest sent) {
        Check check = new Check("BeginQuorumEpochResponse");
        return new BeginQuorumEpochResponse(sent.correlationId(), check.error(proto.getError()),
                check.leaderId(proto.getLeaderId()), check.nonNegative("leader_epoch", proto.getLeaderEpoch()));
    }

    // ---------------------------------------------------------------- EndQuorumEpoch

    public static io.kraftlet.proto.raft.EndQuorumEpochRequest toProto(EndQuorumEpochRequest request) {
        return io.kraftlet.proto.raft.EndQuorumEpochRequest.newBuilder()
                .setClusterId(request.clusterId())
                .setLeaderId(request.leaderId())
                .setLeaderEpoch(request.leaderEpoch())
                .addAllPreferredSuccessors(request.preferredSuccessors())
                .build();
    }

    public static EndQuorumEpochRequest toRecord(io.kraftlet.proto.raft.EndQuorumEpochRequest proto,
            long correlationId) {
        Check check = new Check("EndQuorumEpochRequest");
        String clusterId = check.clusterId(proto.getClusterId());
        int leaderId = check.nonNegative("leader_id", proto.getLeaderId());
        int leaderEpoch = check.nonNegative("leader_epoch", proto.getLeaderEpoch());
        if (proto.getPreferredSuccessorsCount() > MAX_PREFERRED_SUCCESSORS) {
            throw new MalformedMessageException("EndQuorumEpochRequest.preferred_successors",
                    "has " + proto.getPreferredSuccessorsCount() + " entries, more than " + MAX_PREFERRED_SUCCESSORS);
        }
        for (int i = 0; i < proto.getPreferredSuccessorsCount(); i++) {
            check.nonNegative("preferred_successors[" + i + "]", proto.getPreferredSuccessors(i));
        }
        return new EndQuorumEpochRequest(clusterId, correlationId, leaderId, leaderEpoch,
                proto.getPreferredSuccessorsList());
    }

    public static io.kraftlet.proto.raft.EndQuorumEpochResponse toProto(EndQuorumEpochResponse response) {
        return io.kraftlet.proto.raft.EndQuorumEpochResponse.newBuilder()
                .setError(toProto(response.error()))
                .setLeaderId(response.leaderId())
                .setLeaderEpoch(response.leaderEpoch())
                .build();
    }

    public static EndQuorumEpochResponse toRecord(io.kraftlet.proto.raft.EndQuorumEpochResponse proto,
            EndQuorumEpochRequest sent) {
        Check check = new Check("EndQuorumEpochResponse");
        return new EndQuorumEpochResponse(sent.correlationId(), check.error(proto.getError()),
                check.leaderId(proto.getLeaderId()), check.nonNegative("leader_epoch", proto.getLeaderEpoch()));
    }

    // ---------------------------------------------------------------- Fetch

    public static io.kraftlet.proto.raft.FetchRequest toProto(FetchRequest request) {
        return io.kraftlet.proto.raft.FetchRequest.newBuilder()
                .setClusterId(request.clusterId())
                .setReplicaId(request.replicaId())
                .setReplicaEpoch(request.replicaEpoch())
                .setFetchOffset(request.fetchOffset())
                .setLastFetchedEpoch(request.lastFetchedEpoch())
                .setMaxWaitMs(request.maxWaitMs())
                .setMaxBytes(request.maxBytes())
                .build();
    }

    /** Every fetcher has an id: anonymous fetchers ({@code replica_id} -1) are not supported. */
    public static FetchRequest toRecord(io.kraftlet.proto.raft.FetchRequest proto, long correlationId) {
        Check check = new Check("FetchRequest");
        return new FetchRequest(check.clusterId(proto.getClusterId()), correlationId,
                check.nonNegative("replica_id", proto.getReplicaId()),
                check.nonNegative("replica_epoch", proto.getReplicaEpoch()),
                check.nonNegative("fetch_offset", proto.getFetchOffset()),
                check.nonNegative("last_fetched_epoch", proto.getLastFetchedEpoch()),
                check.nonNegative("max_wait_ms", proto.getMaxWaitMs()),
                check.positive("max_bytes", proto.getMaxBytes()));
    }

    public static io.kraftlet.proto.raft.FetchResponse toProto(FetchResponse response) {
        io.kraftlet.proto.raft.FetchResponse.Builder builder = io.kraftlet.proto.raft.FetchResponse.newBuilder()
                .setError(toProto(response.error()))
                .setLeaderId(response.leaderId())
                .setLeaderEpoch(response.leaderEpoch())
                .setHighWatermark(response.highWatermark())
                .setLogStartOffset(response.logStartOffset());
        for (Batch batch : response.batches()) {
            builder.addBatches(toProto(batch));
        }
        response.divergingEpoch().ifPresent(diverging -> builder.setDivergingEpoch(
                DivergingEpoch.newBuilder().setEpoch(diverging.epoch()).setEndOffset(diverging.offset())));
        response.snapshotId().ifPresent(snapshotId -> builder.setSnapshotId(toProto(snapshotId)));
        return builder.build();
    }

    /**
     * The response to {@code sent}. The high watermark and log start offset may be -1 (an error
     * answer); batches must be contiguous, and at most one of batches, diverging epoch and
     * snapshot id may be present.
     */
    public static FetchResponse toRecord(io.kraftlet.proto.raft.FetchResponse proto, FetchRequest sent) {
        Check check = new Check("FetchResponse");
        Errors error = check.error(proto.getError());
        int leaderId = check.leaderId(proto.getLeaderId());
        int leaderEpoch = check.nonNegative("leader_epoch", proto.getLeaderEpoch());
        long highWatermark = check.atLeast("high_watermark", proto.getHighWatermark(), -1);
        long logStartOffset = check.atLeast("log_start_offset", proto.getLogStartOffset(), -1);
        List<Batch> batches = new ArrayList<>(proto.getBatchesCount());
        for (int i = 0; i < proto.getBatchesCount(); i++) {
            String name = "FetchResponse.batches[" + i + "]";
            Batch batch = toBatch(proto.getBatches(i), name);
            if (i > 0 && batch.baseOffset() != batches.get(i - 1).endOffset()) {
                throw new MalformedMessageException(name + ".base_offset", "is " + batch.baseOffset()
                        + " but the previous batch ends at " + batches.get(i - 1).endOffset());
            }
            batches.add(batch);
        }
        Optional<OffsetAndEpoch> divergingEpoch = Optional.empty();
        if (proto.hasDivergingEpoch()) {
            divergingEpoch = Optional.of(new OffsetAndEpoch(
                    check.nonNegative("diverging_epoch.end_offset", proto.getDivergingEpoch().getEndOffset()),
                    check.nonNegative("diverging_epoch.epoch", proto.getDivergingEpoch().getEpoch())));
        }
        Optional<SnapshotId> snapshotId = proto.hasSnapshotId()
                ? Optional.of(toSnapshotId(proto.getSnapshotId(), "FetchResponse.snapshot_id"))
                : Optional.empty();
        int answers = (batches.isEmpty() ? 0 : 1) + (divergingEpoch.isPresent() ? 1 : 0) + (snapshotId.isPresent() ? 1 : 0);
        if (answers > 1) {
            throw new MalformedMessageException("FetchResponse",
                    "carries more than one of batches, diverging_epoch and snapshot_id");
        }
        return new FetchResponse(sent.correlationId(), error, leaderId, leaderEpoch, highWatermark, logStartOffset,
                batches, divergingEpoch, snapshotId);
    }

    // ---------------------------------------------------------------- FetchSnapshot

    public static io.kraftlet.proto.raft.FetchSnapshotRequest toProto(FetchSnapshotRequest request) {
        return io.kraftlet.proto.raft.FetchSnapshotRequest.newBuilder()
                .setClusterId(request.clusterId())
                .setReplicaId(request.replicaId())
                .setReplicaEpoch(request.replicaEpoch())
                .setSnapshotId(toProto(request.snapshotId()))
                .setPosition(request.position())
                .setMaxBytes(request.maxBytes())
                .build();
    }

    public static FetchSnapshotRequest toRecord(io.kraftlet.proto.raft.FetchSnapshotRequest proto,
            long correlationId) {
        Check check = new Check("FetchSnapshotRequest");
        String clusterId = check.clusterId(proto.getClusterId());
        int replicaId = check.nonNegative("replica_id", proto.getReplicaId());
        int replicaEpoch = check.nonNegative("replica_epoch", proto.getReplicaEpoch());
        if (!proto.hasSnapshotId()) {
            throw new MalformedMessageException("FetchSnapshotRequest.snapshot_id", "is missing");
        }
        SnapshotId snapshotId = toSnapshotId(proto.getSnapshotId(), "FetchSnapshotRequest.snapshot_id");
        return new FetchSnapshotRequest(clusterId, correlationId, replicaId, replicaEpoch, snapshotId,
                check.nonNegative("position", proto.getPosition()), check.positive("max_bytes", proto.getMaxBytes()));
    }

    public static io.kraftlet.proto.raft.FetchSnapshotResponse toProto(FetchSnapshotResponse response) {
        io.kraftlet.proto.raft.FetchSnapshotResponse.Builder builder =
                io.kraftlet.proto.raft.FetchSnapshotResponse.newBuilder()
                        .setError(toProto(response.error()))
                        .setLeaderId(response.leaderId())
                        .setLeaderEpoch(response.leaderEpoch())
                        .setSize(response.size())
                        .setPosition(response.position())
                        .setChunk(ByteString.copyFrom(response.chunk()));
        if (response.snapshotId() != null) {
            builder.setSnapshotId(toProto(response.snapshotId()));
        }
        return builder.build();
    }

    /**
     * The response to {@code sent}. An error answer may omit the snapshot id (it is then the
     * requested one) and carry -1 for size and position; a successful one must hold a chunk
     * that lies inside the snapshot.
     */
    public static FetchSnapshotResponse toRecord(io.kraftlet.proto.raft.FetchSnapshotResponse proto,
            FetchSnapshotRequest sent) {
        Check check = new Check("FetchSnapshotResponse");
        Errors error = check.error(proto.getError());
        int leaderId = check.leaderId(proto.getLeaderId());
        int leaderEpoch = check.nonNegative("leader_epoch", proto.getLeaderEpoch());
        byte[] chunk = proto.getChunk().toByteArray();
        if (error != Errors.NONE) {
            SnapshotId snapshotId = proto.hasSnapshotId()
                    ? toSnapshotId(proto.getSnapshotId(), "FetchSnapshotResponse.snapshot_id")
                    : sent.snapshotId();
            return new FetchSnapshotResponse(sent.correlationId(), error, leaderId, leaderEpoch, snapshotId,
                    check.atLeast("size", proto.getSize(), -1), check.atLeast("position", proto.getPosition(), -1),
                    chunk);
        }
        if (!proto.hasSnapshotId()) {
            throw new MalformedMessageException("FetchSnapshotResponse.snapshot_id", "is missing");
        }
        SnapshotId snapshotId = toSnapshotId(proto.getSnapshotId(), "FetchSnapshotResponse.snapshot_id");
        long size = check.nonNegative("size", proto.getSize());
        long position = check.nonNegative("position", proto.getPosition());
        if (position > size - chunk.length) {
            throw new MalformedMessageException("FetchSnapshotResponse.chunk", "of " + chunk.length
                    + " bytes at position " + position + " ends past the snapshot size " + size);
        }
        return new FetchSnapshotResponse(sent.correlationId(), error, leaderId, leaderEpoch, snapshotId, size,
                position, chunk);
    }

    // ---------------------------------------------------------------- DescribeQuorum

    public static DescribeQuorumResponse toProto(QuorumDescription description) {
        DescribeQuorumResponse.Builder builder = DescribeQuorumResponse.newBuilder()
                .setError(ErrorCode.NONE)
                .setLeaderId(description.leaderId())
                .setLeaderEpoch(description.leaderEpoch())
                .setHighWatermark(description.highWatermark());
        description.voters().forEach(voter -> builder.addCurrentVoters(toProto(voter)));
        description.observers().forEach(observer -> builder.addObservers(toProto(observer)));
        return builder.build();
    }

    /** The description in a successful answer; the caller checks {@code error} first. */
    public static QuorumDescription toRecord(DescribeQuorumResponse proto) {
        Check check = new Check("DescribeQuorumResponse");
        int leaderId = check.leaderId(proto.getLeaderId());
        int leaderEpoch = check.nonNegative("leader_epoch", proto.getLeaderEpoch());
        long highWatermark = check.atLeast("high_watermark", proto.getHighWatermark(), -1);
        List<ReplicaDescription> voters = new ArrayList<>();
        for (int i = 0; i < proto.getCurrentVotersCount(); i++) {
            voters.add(toRecord(proto.getCurrentVoters(i), "DescribeQuorumResponse.current_voters[" + i + "]"));
        }
        List<ReplicaDescription> observers = new ArrayList<>();
        for (int i = 0; i < proto.getObserversCount(); i++) {
            observers.add(toRecord(proto.getObservers(i), "DescribeQuorumResponse.observers[" + i + "]"));
        }
        return new QuorumDescription(leaderId, leaderEpoch, highWatermark, voters, observers);
    }

    private static ReplicaState toProto(ReplicaDescription replica) {
        return ReplicaState.newBuilder()
                .setReplicaId(replica.replicaId())
                .setLogEndOffset(replica.logEndOffset())
                .setLastFetchTimestampMs(replica.lastFetchTimestampMs())
                .setLastCaughtUpTimestampMs(replica.lastCaughtUpTimestampMs())
                .build();
    }

    private static ReplicaDescription toRecord(ReplicaState proto, String name) {
        Check check = new Check(name);
        return new ReplicaDescription(check.nonNegative("replica_id", proto.getReplicaId()),
                check.atLeast("log_end_offset", proto.getLogEndOffset(), -1),
                check.atLeast("last_fetch_timestamp_ms", proto.getLastFetchTimestampMs(), -1),
                check.atLeast("last_caught_up_timestamp_ms", proto.getLastCaughtUpTimestampMs(), -1));
    }

    // ---------------------------------------------------------------- batches, ids, errors

    /** Record payloads are shared, not copied: nobody mutates a batch's arrays (see {@link Batch}). */
    public static RecordBatch toProto(Batch batch) {
        RecordBatch.Builder builder = RecordBatch.newBuilder()
                .setBaseOffset(batch.baseOffset())
                .setEpoch(batch.epoch())
                .setRecordCount(batch.records().size())
                .setControl(batch.control())
                .setAppendTimeMs(batch.appendTimeMs());
        for (byte[] record : batch.records()) {
            builder.addRecords(UnsafeByteOperations.unsafeWrap(record));
        }
        return builder.build();
    }

    public static Batch toRecord(RecordBatch proto) {
        return toBatch(proto, "RecordBatch");
    }

    /**
     * The batch in {@code proto}, validated; {@code name} qualifies the fields named in errors
     * (e.g. {@code "ReadResponse.batches[3]"}). Also used by the replication adapter, so both
     * protocols read batches alike.
     *
     * @throws MalformedMessageException naming the field that is missing or out of range
     */
    public static Batch toBatch(RecordBatch proto, String name) {
        Check check = new Check(name);
        long baseOffset = check.nonNegative("base_offset", proto.getBaseOffset());
        int epoch = check.nonNegative("epoch", proto.getEpoch());
        int count = proto.getRecordsCount();
        if (count == 0) {
            throw new MalformedMessageException(name + ".records", "is empty; a batch holds at least one record");
        }
        if (proto.getRecordCount() != count) {
            throw new MalformedMessageException(name + ".record_count",
                    "is " + proto.getRecordCount() + " but the batch holds " + count + " records");
        }
        if (baseOffset > Long.MAX_VALUE - count) {
            throw new MalformedMessageException(name + ".base_offset", "is " + baseOffset + ": the batch's end overflows");
        }
        List<byte[]> records = new ArrayList<>(count);
        for (ByteString record : proto.getRecordsList()) {
            records.add(record.toByteArray());
        }
        return new Batch(baseOffset, epoch, proto.getAppendTimeMs(), proto.getControl(), records);
    }

    public static io.kraftlet.proto.raft.SnapshotId toProto(SnapshotId snapshotId) {
        return io.kraftlet.proto.raft.SnapshotId.newBuilder()
                .setEndOffset(snapshotId.endOffset())
                .setEpoch(snapshotId.epoch())
                .build();
    }

    private static SnapshotId toSnapshotId(io.kraftlet.proto.raft.SnapshotId proto, String name) {
        Check check = new Check(name);
        return new SnapshotId(check.nonNegative("end_offset", proto.getEndOffset()),
                check.nonNegative("epoch", proto.getEpoch()));
    }

    public static ErrorCode toProto(Errors error) {
        return switch (error) {
            case NONE -> ErrorCode.NONE;
            case INCONSISTENT_CLUSTER_ID -> ErrorCode.INCONSISTENT_CLUSTER_ID;
            case INCONSISTENT_VOTER_SET -> ErrorCode.INCONSISTENT_VOTER_SET;
            case FENCED_LEADER_EPOCH -> ErrorCode.FENCED_LEADER_EPOCH;
            case UNKNOWN_LEADER_EPOCH -> ErrorCode.UNKNOWN_LEADER_EPOCH;
            case NOT_LEADER -> ErrorCode.NOT_LEADER;
            case SNAPSHOT_NOT_FOUND -> ErrorCode.SNAPSHOT_NOT_FOUND;
            case POSITION_OUT_OF_RANGE -> ErrorCode.POSITION_OUT_OF_RANGE;
            case INVALID_REQUEST -> ErrorCode.INVALID_REQUEST;
        };
    }

    /**
     * The core's error for a wire error code. BROKER_NOT_AVAILABLE (which this transport never
     * sends) and codes from a newer peer have no counterpart: the response is refused, and the
     * core sends again.
     */
    public static Errors toRecord(ErrorCode error, String field) {
        return switch (error) {
            case NONE -> Errors.NONE;
            case INCONSISTENT_CLUSTER_ID -> Errors.INCONSISTENT_CLUSTER_ID;
            case INCONSISTENT_VOTER_SET -> Errors.INCONSISTENT_VOTER_SET;
            case FENCED_LEADER_EPOCH -> Errors.FENCED_LEADER_EPOCH;
            case UNKNOWN_LEADER_EPOCH -> Errors.UNKNOWN_LEADER_EPOCH;
            case NOT_LEADER -> Errors.NOT_LEADER;
            case SNAPSHOT_NOT_FOUND -> Errors.SNAPSHOT_NOT_FOUND;
            case POSITION_OUT_OF_RANGE -> Errors.POSITION_OUT_OF_RANGE;
            case INVALID_REQUEST -> Errors.INVALID_REQUEST;
            case BROKER_NOT_AVAILABLE, UNRECOGNIZED ->
                    throw new MalformedMessageException(field, "holds an error code the core does not know: " + error);
        };
    }

    /** Field checks that name the field, qualified by its message, when they fail. */
    private record Check(String message) {
        String clusterId(String value) {
            if (value.isEmpty()) {
                throw new MalformedMessageException(message + ".cluster_id", "is missing");
            }
            return value;
        }

        Errors error(ErrorCode error) {
            return toRecord(error, message + ".error");
        }

        /** A leader id: a node id, or -1 for "no known leader". */
        int leaderId(int value) {
            return atLeast("leader_id", value, -1);
        }

        int nonNegative(String field, int value) {
            return atLeast(field, value, 0);
        }

        long nonNegative(String field, long value) {
            return atLeast(field, value, 0);
        }

        int positive(String field, int value) {
            return atLeast(field, value, 1);
        }

        int atLeast(String field, int value, int min) {
            if (value < min) {
                throw new MalformedMessageException(message + "." + field, "must be >= " + min + ", got " + value);
            }
            return value;
        }

        long atLeast(String field, long value, long min) {
            if (value < min) {
                throw new MalformedMessageException(message + "." + field, "must be >= " + min + ", got " + value);
            }
            return value;
        }
    }
}

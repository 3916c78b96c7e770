package io.kraftlet.examples.node;

import io.kraftlet.log.SnapshotStore;
import io.kraftlet.raft.Batch;
import io.kraftlet.raft.LeaderAndEpoch;
import io.kraftlet.raft.RaftListener;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example node's state machine: it counts committed data records, folds them into a
 * running hash and remembers the highest example sequence number. Every
 * {@code snapshotIntervalRecords} records it snapshots that state through the quorum, which then
 * deletes the log prefix; a member that falls behind or starts late loads the snapshot instead.
 *
 * <p>Side files in the data directory, for operators and tests: {@value CommittedFile#FILE_NAME}
 * (see {@link CommittedFile}) and {@value #SNAPSHOT_LOADS_FILE_NAME}, one line per snapshot
 * loaded.
 *
 * <p>Threading: a {@link RaftListener}, so every call comes on the node's driver thread, one at a
 * time; the getters may be read from any thread (metrics).
 */
public final class ExampleStateMachine implements RaftListener {
    public static final String SNAPSHOT_LOADS_FILE_NAME = "snapshot-loads.txt";
    private static final Logger log = LoggerFactory.getLogger(ExampleStateMachine.class);
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    /** Where snapshots go: {@code MetadataQuorum::createSnapshot}. */
    @FunctionalInterface
    public interface SnapshotWriter {
        CompletableFuture<Void> createSnapshot(long endOffset, byte[] data);
    }

    /** Told of every leader change, with the sequence number the next example record must carry. */
    @FunctionalInterface
    public interface LeaderChangeHandler {
        void handleLeaderChange(LeaderAndEpoch leader, long nextSequence);
    }

    /**
     * What a snapshot holds.
     *
     * @param records data records applied
     * @param hash FNV-1a over every applied record's bytes, in order
     * @param lastSequence highest example sequence number applied, 0 if none
     */
    public record State(long records, long hash, long lastSequence) {
        static final State EMPTY = new State(0, FNV_OFFSET, 0);

        byte[] encode() {
            return ("records=" + records + "\nhash=" + hash + "\nlastSequence=" + lastSequence + "\n")
                    .getBytes(StandardCharsets.UTF_8);
        }

        static State decode(byte[] data) {
            Properties properties = new Properties();
            try {
                properties.load(new StringReader(new String(data, StandardCharsets.UTF_8)));
                return new State(Long.parseLong(properties.getProperty("records")),
                        Long.parseLong(properties.getProperty("hash")),
                        Long.parseLong(properties.getProperty("lastSequence")));
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("not an example state machine snapshot: " + e.getMessage(), e);
            }
        }
    }

    private final int nodeId;
    private final Path dataDir;
    private final int snapshotIntervalRecords;
    private final SnapshotWriter snapshots;
    private final CommittedFile committedFile;
    private final LeaderChangeHandler leaderChanges;

    private volatile State state = State.EMPTY;
    private volatile long appliedOffset;
    private long recordsSinceSnapshot;

    public ExampleStateMachine(int nodeId, Path dataDir, int snapshotIntervalRecords, SnapshotWriter snapshots,
            CommittedFile committedFile, LeaderChangeHandler leaderChanges) {
        if (snapshotIntervalRecords <= 0) {
            throw new IllegalArgumentException("snapshotIntervalRecords must be > 0, got " + snapshotIntervalRecords);
        }
        this.nodeId = nodeId;
        this.dataDir = dataDir;
        this.snapshotIntervalRecords = snapshotIntervalRecords;
        this.snapshots = snapshots;
        this.committedFile = committedFile;
        this.leaderChanges = leaderChanges;
    }

    @Override
    public void handleCommit(Batch batch) {
        appliedOffset = batch.endOffset();
        if (batch.control()) {
            return;
        }
        State current = state;
        long records = current.records();
        long hash = current.hash();
        long lastSequence = current.lastSequence();
        List<Long> sequences = new ArrayList<>(batch.records().size());
        for (byte[] record : batch.records()) {
            records++;
            hash = fnv1a(hash, record);
            OptionalLong sequence = ExampleRecord.sequence(record);
            if (sequence.isPresent()) {
                if (sequence.getAsLong() != lastSequence + 1) {
                    // Leaders continue from the last committed sequence, so committed ones are contiguous.
                    log.warn("Node {} committed sequence {} after {} at offset {}", nodeId, sequence.getAsLong(),
                            lastSequence, batch.baseOffset());
                }
                lastSequence = Math.max(lastSequence, sequence.getAsLong());
                sequences.add(sequence.getAsLong());
            }
        }
        state = new State(records, hash, lastSequence);
        committedFile.append(sequences);
        recordsSinceSnapshot += batch.records().size();
        if (recordsSinceSnapshot >= snapshotIntervalRecords) {
            recordsSinceSnapshot = 0;
            takeSnapshot(batch.endOffset());
        }
    }

    @Override
    public void handleLoadSnapshot(SnapshotStore.Snapshot snapshot) {
        State loaded = State.decode(snapshot.data());
        state = loaded;
        appliedOffset = snapshot.id().endOffset();
        recordsSinceSnapshot = 0;
        log.info("Node {} loaded snapshot {} ({} records, last sequence {})", nodeId, snapshot.id(), loaded.records(),
                loaded.lastSequence());
        String line = "snapshot endOffset=" + snapshot.id().endOffset() + " epoch=" + snapshot.id().epoch()
                + " records=" + loaded.records() + " lastSequence=" + loaded.lastSequence() + "\n";
        Path file = dataDir.resolve(SNAPSHOT_LOADS_FILE_NAME);
        try {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    @Override
    public void handleLeaderChange(LeaderAndEpoch leader) {
        if (leader.leaderId().isPresent()) {
            log.info("Node {} sees leader {} in epoch {}{}", nodeId, leader.leaderId().getAsInt(), leader.epoch(),
                    leader.isLeader(nodeId) ? " (this node)" : "");
        } else {
            log.info("Node {} sees no leader in epoch {}", nodeId, leader.epoch());
        }
        // On the new leader this comes once everything up to the epoch's high watermark is applied,
        // so lastSequence is final for earlier epochs and the next leader continues right after it.
        leaderChanges.handleLeaderChange(leader, state.lastSequence() + 1);
    }

    public State state() {
        return state;
    }

    /** The offset after the last batch (or snapshot) applied. */
    public long appliedOffset() {
        return appliedOffset;
    }

    private void takeSnapshot(long endOffset) {
        State snapshotState = state;
        snapshots.createSnapshot(endOffset, snapshotState.encode()).whenComplete((done, failure) -> {
            if (failure != null) {
                log.warn("Node {} could not snapshot at offset {}: {}", nodeId, endOffset, failure.toString());
            } else {
                log.debug("Node {} snapshotted {} records at offset {}", nodeId, snapshotState.records(), endOffset);
            }
        });
    }

    private static long fnv1a(long hash, byte[] bytes) {
        long result = hash;
        for (byte b : bytes) {
            result ^= b & 0xff;
            result *= FNV_PRIME;
        }
        return result;
    }
}

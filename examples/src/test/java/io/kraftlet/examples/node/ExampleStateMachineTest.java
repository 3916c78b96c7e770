package io.kraftlet.examples.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.log.SnapshotStore;
import io.kraftlet.raft.Batch;
import io.kraftlet.raft.LeaderAndEpoch;
import io.kraftlet.raft.SnapshotId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleStateMachineTest {
    @TempDir
    Path dir;

    private final List<Long> snapshotOffsets = new ArrayList<>();
    private final List<byte[]> snapshotData = new ArrayList<>();
    private final List<Long> nextSequences = new ArrayList<>();
    private CommittedFile committedFile;
    private ExampleStateMachine machine;

    @BeforeEach
    void setUp() {
        committedFile = CommittedFile.open(dir);
        machine = new ExampleStateMachine(1, dir, 5, (endOffset, data) -> {
            snapshotOffsets.add(endOffset);
            snapshotData.add(data);
            return CompletableFuture.completedFuture(null);
        }, committedFile, (leader, nextSequence) -> nextSequences.add(nextSequence));
    }

    @AfterEach
    void tearDown() {
        committedFile.close();
    }

    private static Batch examples(long baseOffset, long firstSequence, int count) {
        List<byte[]> records = LongStream.range(firstSequence, firstSequence + count)
                .mapToObj(sequence -> ExampleRecord.encode(sequence, 1, 1))
                .toList();
        return new Batch(baseOffset, 1, 0, false, records);
    }

    @Test
    void countsRecordsWritesSequencesAndSkipsControlBatches() {
        machine.handleCommit(new Batch(0, 1, 0, true, List.of(new byte[] {1})));
        machine.handleCommit(examples(1, 1, 3));

        assertEquals(3, machine.state().records());
        assertEquals(3, machine.state().lastSequence());
        assertEquals(4, machine.appliedOffset());
        assertEquals(List.of(1L, 2L, 3L), CommittedFile.read(dir));
    }

    @Test
    void snapshotsEveryIntervalRecordsAtTheBatchEnd() {
        machine.handleCommit(examples(0, 1, 3));
        machine.handleCommit(examples(3, 4, 3));
        machine.handleCommit(examples(6, 7, 2));

        assertEquals(List.of(6L), snapshotOffsets);
        ExampleStateMachine.State snapshotted = ExampleStateMachine.State.decode(snapshotData.get(0));
        assertEquals(6, snapshotted.records());
        assertEquals(6, snapshotted.lastSequence());
    }

    @Test
    void loadingASnapshotReplacesTheStateAndLeavesAMarker() throws IOException {
        machine.handleCommit(examples(0, 1, 6));
        ExampleStateMachine.State atSix = machine.state();
        byte[] data = snapshotData.get(0);
        machine.handleCommit(examples(6, 7, 2));
        assertNotEquals(atSix, machine.state());

        machine.handleLoadSnapshot(new SnapshotStore.Snapshot(new SnapshotId(6, 1), data));

        assertEquals(atSix, machine.state());
        assertEquals(6, machine.appliedOffset());
        String marker = Files.readString(dir.resolve(ExampleStateMachine.SNAPSHOT_LOADS_FILE_NAME));
        assertTrue(marker.contains("endOffset=6") && marker.contains("lastSequence=6"), marker);
    }

    @Test
    void theSameRecordsGiveTheSameHash() {
        machine.handleCommit(examples(0, 1, 4));
        long hash = machine.state().hash();
        machine.handleLoadSnapshot(new SnapshotStore.Snapshot(new SnapshotId(0, 0),
                new ExampleStateMachine.State(0, ExampleStateMachine.State.EMPTY.hash(), 0).encode()));

        machine.handleCommit(examples(0, 1, 4));

        assertEquals(hash, machine.state().hash());
    }

    @Test
    void aLeaderChangeCarriesTheNextSequence() {
        machine.handleCommit(examples(0, 1, 3));

        machine.handleLeaderChange(LeaderAndEpoch.of(1, 2));

        assertEquals(List.of(4L), nextSequences);
    }
}

package io.kraftlet.replication.log;

import static io.kraftlet.replication.log.PartitionLogContractTest.records;
import static io.kraftlet.replication.log.PartitionLogContractTest.values;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kraftlet.raft.Batch;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The durability model of {@link MemoryPartitionLog}: a crash loses exactly the unflushed tail. */
class MemoryPartitionLogTest {
    @Test
    void aCrashLosesTheUnflushedTailAndItsEpochs() {
        MemoryPartitionLog log = new MemoryPartitionLog();
        log.appendAsLeader(1, records("a"), 0);
        log.flush();
        log.appendAsLeader(2, records("b"), 0);
        assertEquals(1, log.durableEndOffset());

        log.crash();
        assertEquals(1, log.endOffset());
        assertEquals(1, log.latestEpoch());
        assertEquals(new EpochEndOffset(1, 1), log.endOffsetForEpoch(2));
        assertEquals(List.of("a"), values(log.read(0, Integer.MAX_VALUE)));
    }

    @Test
    void aFlushCoversOnlyWhatWasAppendedWhenItBegan() {
        MemoryPartitionLog log = new MemoryPartitionLog();
        log.appendAsLeader(1, records("a"), 0);
        log.beginFlush();
        log.appendAsLeader(1, records("b"), 0);
        assertEquals(1, log.completeFlush());
        log.crash();
        assertEquals(1, log.endOffset());
    }

    @Test
    void truncationAndStartOffsetSurviveACrash() {
        List<Long> truncations = new ArrayList<>();
        MemoryPartitionLog log = new MemoryPartitionLog((offset, removed) -> truncations.add(offset));
        log.appendAsLeader(1, records("a"), 0);
        log.appendAsLeader(1, records("b"), 0);
        log.appendAsLeader(2, records("c"), 0);
        log.flush();
        log.truncateTo(2);
        log.maybeIncrementLogStartOffset(1);

        log.crash();
        assertEquals(1, log.startOffset());
        assertEquals(2, log.endOffset());
        assertEquals(List.of(2L), truncations);
        assertEquals(List.of(new Batch(1, 1, 0, false, records("b")).toString()),
                log.batches().stream().map(Batch::toString).toList());
    }
}

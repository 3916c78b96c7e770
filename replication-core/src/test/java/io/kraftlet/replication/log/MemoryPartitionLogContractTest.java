package io.kraftlet.replication.log;

/** The {@link PartitionLog} contract on {@link MemoryPartitionLog}. */
class MemoryPartitionLogContractTest extends PartitionLogContractTest {
    @Override
    PartitionLog newLog() {
        return new MemoryPartitionLog();
    }
}

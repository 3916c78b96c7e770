package io.kraftlet.replication.log;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link PartitionLog} contract on {@link FilePartitionLog}, with tiny segments and a
 * dense index so rolls, cross-segment reads and segment deletion are exercised too.
 */
class FilePartitionLogContractTest extends PartitionLogContractTest {
    @TempDir
    Path dir;

    private int logs;

    @Override
    PartitionLog newLog() {
        return FilePartitionLog.open(dir.resolve("topic-" + logs++),
                FilePartitionLog.defaultOptions().segmentBytes(80).indexIntervalBytes(1));
    }
}

package io.kraftlet.replication.log;

import static io.kraftlet.replication.log.PartitionLogContractTest.records;
import static io.kraftlet.replication.log.PartitionLogContractTest.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.metadata.TopicPartition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One log per partition in {@code <topic>-<partition>}, found again on reopen; stray directories refused. */
class LogDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void createsOneLogPerPartitionAndFindsThemOnReopen() {
        TopicPartition orders = new TopicPartition("orders", 0);
        TopicPartition dashed = new TopicPartition("my-topic.v2", 12);
        try (LogDirectory logs = LogDirectory.open(dir)) {
            FilePartitionLog log = logs.getOrCreate(orders);
            assertSame(log, logs.getOrCreate(orders));
            assertEquals(dir.resolve("orders-0").toAbsolutePath(), log.directory());
            log.appendAsLeader(3, records("x"), 0);
            log.flush();
            logs.getOrCreate(dashed);
        }
        try (LogDirectory logs = LogDirectory.open(dir)) {
            assertEquals(List.of(dashed, orders), logs.partitions());
            FilePartitionLog log = logs.log(orders).orElseThrow();
            assertEquals(List.of("x"), values(log.read(0, 100)));
            assertEquals(3, log.latestEpoch());
            assertTrue(logs.log(new TopicPartition("orders", 1)).isEmpty());
        }
    }

    @Test
    void aDeletedLogIsGoneOnDiskAndComesBackEmpty() {
        TopicPartition orders = new TopicPartition("orders", 0);
        try (LogDirectory logs = LogDirectory.open(dir)) {
            FilePartitionLog log = logs.getOrCreate(orders);
            log.appendAsLeader(1, records("old"), 0);
            log.flush();
            logs.delete(orders);
            assertTrue(Files.notExists(dir.resolve("orders-0")));
            assertTrue(logs.partitions().isEmpty());
            logs.delete(orders); // nothing left: a no-op
            assertEquals(0, logs.getOrCreate(orders).endOffset(), "a topic re-created under the name starts empty");
        }
        try (LogDirectory logs = LogDirectory.open(dir)) {
            assertEquals(0, logs.log(orders).orElseThrow().endOffset());
        }
    }

    @Test
    void aLogLeftByAnEarlierTopicOfTheSameNameIsReplaced() {
        TopicPartition orders = new TopicPartition("orders", 0);
        java.util.UUID first = new java.util.UUID(1, 1);
        java.util.UUID second = new java.util.UUID(2, 2);
        try (LogDirectory logs = LogDirectory.open(dir)) {
            FilePartitionLog log = logs.getOrCreate(orders, first);
            log.appendAsLeader(1, records("first topic"), 0);
            log.flush();
        }
        try (LogDirectory logs = LogDirectory.open(dir)) {
            assertEquals(1, logs.getOrCreate(orders, first).endOffset(), "the same topic keeps its records");
            assertEquals(0, logs.getOrCreate(orders, second).endOffset(), "a re-created topic starts empty");
        }
        try (LogDirectory logs = LogDirectory.open(dir)) {
            assertEquals(0, logs.getOrCreate(orders, second).endOffset());
            assertTrue(Files.exists(dir.resolve("orders-0").resolve(LogDirectory.PARTITION_METADATA_FILE)));
        }
    }

    @Test
    void highWatermarksSurviveAReopenAndABadCheckpointIsNamed() throws IOException {
        TopicPartition orders = new TopicPartition("orders", 3);
        try (LogDirectory logs = LogDirectory.open(dir)) {
            assertEquals(0, logs.checkpointedHighWatermark(orders));
            logs.checkpointHighWatermarks(java.util.Map.of(orders, 42L));
        }
        try (LogDirectory logs = LogDirectory.open(dir)) {
            assertEquals(42, logs.checkpointedHighWatermark(orders));
        }
        Files.writeString(dir.resolve(LogDirectory.HIGH_WATERMARK_CHECKPOINT_FILE), "0\n1\norders three 42\n");
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> LogDirectory.open(dir));
        assertTrue(refused.getMessage().contains("line 3"), refused.getMessage());
    }

    @Test
    void plainFilesInTheLogDirectoryAreLeftAlone() throws IOException {
        Files.writeString(dir.resolve("meta.properties"), "version=1\n");
        try (LogDirectory logs = LogDirectory.open(dir)) {
            assertEquals(List.of(), logs.partitions());
        }
    }

    @Test
    void aDirectoryNotNamedTopicDashPartitionIsRefused() throws IOException {
        for (String name : List.of("lost+found", "orders", "orders-", "-3", "orders-01", "orders-x", "orders-99999999999")) {
            Path stray = Files.createDirectory(dir.resolve(name));
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> LogDirectory.open(dir), name);
            assertTrue(refused.getMessage().contains("'" + name + "'"), refused.getMessage());
            assertTrue(refused.getMessage().contains("<topic>-<partition>"), refused.getMessage());
            Files.delete(stray);
        }
    }

    @Test
    void anIllegalTopicNameGetsNoDirectory() {
        try (LogDirectory logs = LogDirectory.open(dir)) {
            assertThrows(IllegalArgumentException.class, () -> logs.getOrCreate(new TopicPartition("../escape", 0)));
            assertThrows(IllegalArgumentException.class, () -> logs.getOrCreate(new TopicPartition("orders", -1)));
            assertThrows(IllegalArgumentException.class, () -> logs.getOrCreate(new TopicPartition("", 0)));
        }
    }
}

package io.kraftlet.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.controller.ControllerApi.NewTopic;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ControllerBenchTest {
    private static final List<String> KEYS = List.of("create_partitions_ms", "image_bytes_per_partition",
            "snapshot_bytes", "snapshot_load_ms", "failover_partitions", "failover_ms");

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int bench(String... args) {
        CommandLine cli = new CommandLine(new BenchCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    @Timeout(180)
    void threeControllerProcessesAndThreeBrokersGiveSaneFigures() {
        Path runDir = dir.resolve("run");
        int exit = bench("controller", "--brokers", "3", "--partitions", "2000", "--replication-factor", "3",
                "--dir", runDir.toString());

        String output = "stdout:\n" + out + "\nstderr:\n" + err;
        assertEquals(0, exit, output);
        List<String> lines = out.toString().lines().toList();
        String last = lines.get(lines.size() - 1);
        Map<String, String> fields = FlatJson.parse(last);
        assertEquals(KEYS, List.copyOf(fields.keySet()), last);
        ControllerBenchResult result = ControllerBenchResult.parse(last);
        assertTrue(result.createPartitionsMs() > 0, output);
        // A partition of three replicas is a few dozen bytes in a snapshot and a few hundred in the heap.
        assertTrue(result.snapshotBytes() > 2000 * 20 && result.snapshotBytes() < 2000 * 200, output);
        assertTrue(result.imageBytesPerPartition() > 20 && result.imageBytesPerPartition() < 5000, output);
        assertTrue(result.snapshotLoadMs() > 0, output);
        // Three brokers lead the 2,000 partitions between them, so the busiest leads at least a third.
        assertTrue(result.failoverPartitions() >= 667 && result.failoverPartitions() <= 2000, output);
        assertTrue(result.failoverMs() > 0, output);
        assertTrue(Files.exists(runDir.resolve("controller-1001.log")), "a given --dir is kept");
        assertTrue(Files.exists(runDir.resolve("snapshot-load.log")));
    }

    @Test
    void badOptionsExitWithOneLine() throws IOException {
        assertEquals(2, bench("controller", "--brokers", "2", "--replication-factor", "3"));
        assertEquals("bench controller: --replication-factor must be between 1 and 2 (at most --brokers), got 3"
                + System.lineSeparator(), err.toString());
        assertEquals("", out.toString());

        err.getBuffer().setLength(0);
        Files.writeString(dir.resolve("old.json"), "{}");
        assertEquals(2, bench("controller", "--dir", dir.toString()));
        assertEquals("bench controller: --dir " + dir + " is not empty; give a new or empty directory"
                + System.lineSeparator(), err.toString());
    }

    @Test
    void topicsHoldAtMostAThousandPartitionsEach() throws IOException {
        ControllerBench bench = new ControllerBench(new ControllerBenchOptions(3, 2500, 2), dir.resolve("t"),
                new PrintWriter(out));

        List<NewTopic> topics = bench.topics("bench-", 2500);

        assertEquals(List.of("bench-00000", "bench-00001", "bench-00002"), topics.stream().map(NewTopic::name).toList());
        assertEquals(List.of(1000, 1000, 500), topics.stream().map(NewTopic::numPartitions).toList());
        assertTrue(topics.stream().allMatch(topic -> topic.replicationFactor() == 2));
    }

    @Test
    void theSnapshotIntervalLiesBeyondEveryRecordBeforeTheFiller() throws IOException {
        ControllerBench bench = new ControllerBench(new ControllerBenchOptions(10, 100_000, 3), dir.resolve("s"),
                new PrintWriter(out));

        // 10 registrations + 10 unfencings, 2 warm-up rounds of 20,000 partitions in 20 topics (created and
        // removed), 100,000 partitions in 100 topics, and the margin.
        assertEquals(20 + 2 * (20_000 + 40) + 100_100 + ControllerBench.SNAPSHOT_MARGIN_RECORDS,
                bench.snapshotIntervalRecords());
        assertEquals(List.of("-Xms1312m", "-Xmx1312m"), bench.controllerJvmOptions());
    }
}

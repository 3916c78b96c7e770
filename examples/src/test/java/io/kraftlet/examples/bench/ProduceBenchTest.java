package io.kraftlet.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.replication.ProduceAcks;
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

/** {@code bench produce}: its options, its result line, and a short run of the whole bench. */
class ProduceBenchTest {
    private static final List<String> KEYS = List.of("records_per_sec", "mb_per_sec", "p50_ms", "p99_ms", "p999_ms",
            "acks", "record_size", "partitions", "batch_bytes", "batch_records", "in_flight", "warmup_s", "duration_s",
            "errors");

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

    /** The options picocli parses for {@code bench produce ARGS}. */
    private static ProduceBenchOptions parsed(String... args) {
        ProduceLoadOptions load = new ProduceLoadOptions();
        new CommandLine(new Object() {
            @CommandLine.Mixin
            ProduceLoadOptions options = load;
        }).parseArgs(args);
        return load.toOptions();
    }

    @Test
    void theDefaultsAreAcksAllHundredByteRecordsThreePartitionsAndKafkasBatchSize() {
        ProduceBenchOptions options = parsed();

        assertEquals(new ProduceBenchOptions(ProduceAcks.ALL, 100, 3, 16_384, 5, 30, 10), options);
        assertEquals(163, options.batchRecords());
        assertEquals(16_300, options.requestBytes());
        assertEquals(new BenchOptions(3, 100, 163, 15, 30, 10), options.loadOptions());
    }

    @Test
    void everyOptionIsReadAndGoesToTheClientUnchanged() {
        ProduceBenchOptions options = parsed("--acks", "1", "--record-size", "1024", "--partitions", "6",
                "--batch-bytes", "1000", "--in-flight", "2", "--warmup", "0", "--duration", "3");

        assertEquals(new ProduceBenchOptions(ProduceAcks.LEADER, 1024, 6, 1000, 2, 0, 3), options);
        // A request carries at least one whole record, even when it is larger than --batch-bytes.
        assertEquals(1, options.batchRecords());
        assertEquals(options, parsed(options.toArgs().toArray(String[]::new)));
        assertEquals(ProduceAcks.ALL, parsed("--acks", "-1").acks());
    }

    @Test
    void badOptionsExitWithOneLine() {
        assertEquals(2, bench("produce", "--acks", "0"));
        assertEquals("bench produce: --acks must be all or 1, got 0" + System.lineSeparator(), err.toString());
        assertEquals("", out.toString());

        for (String[] bad : List.of(new String[] {"--record-size", "0"}, new String[] {"--partitions", "1001"},
                new String[] {"--batch-bytes", "2000000"}, new String[] {"--in-flight", "0"},
                new String[] {"--warmup", "-1"}, new String[] {"--duration", "0"})) {
            IllegalArgumentException refusal = assertThrows(IllegalArgumentException.class, () -> parsed(bad));
            assertTrue(refusal.getMessage().startsWith(bad[0] + " must be between "), refusal.getMessage());
        }
    }

    @Test
    void theResultIsOneFlatJsonLineThatReadsBack() {
        ProduceBenchOptions options = new ProduceBenchOptions(ProduceAcks.ALL, 100, 3, 16_384, 5, 30, 10);
        ProduceBenchResult result = new ProduceBenchResult(12_345.67, 1.2345678, 3.5, 12.25, 40.0, options, 0, null);

        String json = result.toJson();

        assertEquals("{\"records_per_sec\":12345.7,\"mb_per_sec\":1.235,\"p50_ms\":3.500,\"p99_ms\":12.250,"
                + "\"p999_ms\":40.000,\"acks\":\"all\",\"record_size\":100,\"partitions\":3,\"batch_bytes\":16300,"
                + "\"batch_records\":163,\"in_flight\":5,\"warmup_s\":30,\"duration_s\":10,\"errors\":0}", json);
        assertEquals(KEYS, List.copyOf(FlatJson.parse(json).keySet()));
        ProduceBenchResult back = ProduceBenchResult.parse(json);
        assertEquals(163, back.options().batchRecords());
        assertEquals(ProduceAcks.ALL, back.options().acks());
        assertNull(back.failure());

        String failed = new ProduceBenchResult(0, 0, 0, 0, 0, options, 2, "an append \"failed\"").toJson();
        assertEquals("an append \"failed\"", ProduceBenchResult.parse(failed).failure());
        assertThrows(IllegalArgumentException.class, () -> ProduceBenchResult.parse("{\"records_per_sec\":1.0}"));
    }

    @Test
    @Timeout(120)
    void threeBrokerProcessesTakeAcksAllRecordsFromAClientProcess() throws Exception {
        Path runDir = dir.resolve("run");
        int exit = bench("produce", "--warmup", "1", "--duration", "2", "--dir", runDir.toString());

        String output = "stdout:\n" + out + "\nstderr:\n" + err;
        assertEquals(0, exit, output);
        List<String> lines = out.toString().lines().toList();
        String last = lines.get(lines.size() - 1);
        Map<String, String> fields = FlatJson.parse(last);
        assertEquals(KEYS, List.copyOf(fields.keySet()), last);
        ProduceBenchResult result = ProduceBenchResult.parse(last);
        assertTrue(result.recordsPerSec() > 0 && result.mbPerSec() > 0, output);
        assertTrue(result.p50Ms() > 0 && result.p50Ms() <= result.p99Ms() && result.p99Ms() <= result.p999Ms(), output);
        assertEquals(0, result.errors(), output);
        assertTrue(Files.exists(runDir.resolve("client.log")), "a given --dir is kept");
        assertTrue(Files.exists(runDir.resolve("broker-1").resolve("data")), "the brokers' log.dirs");
    }
}

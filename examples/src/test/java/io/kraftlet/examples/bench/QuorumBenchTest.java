package io.kraftlet.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class QuorumBenchTest {
    /** One "key":value pair of the result line; read independently of {@link FlatJson}. */
    private static final Pattern FIELD = Pattern.compile("\"([a-z0-9_]+)\":(-?[0-9]+(?:\\.[0-9]+)?|true|false)");
    private static final List<String> KEYS = List.of("records_per_sec", "mb_per_sec", "p50_ms", "p99_ms", "p999_ms",
            "voters", "record_size", "batch", "outstanding", "warmup_s", "duration_s", "fsync", "errors");

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
    @Timeout(60)
    void threeVoterProcessesCommitAndTheLastLineIsTheResult() throws IOException {
        Path runDir = dir.resolve("run");
        int exit = bench("quorum", "--voters", "3", "--warmup", "1", "--duration", "2", "--record-size", "100",
                "--dir", runDir.toString());

        assertEquals(0, exit, "stdout:\n" + out + "\nstderr:\n" + err);
        List<String> lines = out.toString().lines().toList();
        Map<String, String> result = fields(lines.get(lines.size() - 1));
        assertEquals(KEYS, List.copyOf(result.keySet()));
        assertTrue(Double.parseDouble(result.get("records_per_sec")) > 0, lines.toString());
        double p50 = Double.parseDouble(result.get("p50_ms"));
        double p99 = Double.parseDouble(result.get("p99_ms"));
        double p999 = Double.parseDouble(result.get("p999_ms"));
        assertTrue(p50 > 0 && p50 <= p99 && p99 <= p999, lines.toString());
        assertEquals("3", result.get("voters"));
        assertEquals("100", result.get("record_size"));
        assertEquals("true", result.get("fsync"));
        assertEquals("0", result.get("errors"));
        assertTrue(Files.exists(runDir.resolve("voter-1.log")), "a given --dir is kept");
    }

    @Test
    void badOptionsExitWithOneLine() throws IOException {
        assertEquals(2, bench("quorum", "--voters", "0"));
        assertEquals("bench quorum: --voters must be between 1 and 9, got 0" + System.lineSeparator(), err.toString());
        assertEquals("", out.toString());

        err.getBuffer().setLength(0);
        Files.writeString(dir.resolve("old-result.json"), "{}");
        assertEquals(2, bench("quorum", "--dir", dir.toString()));
        assertEquals("bench quorum: --dir " + dir + " is not empty; give a new or empty directory"
                + System.lineSeparator(), err.toString());
    }

    @Test
    void progressSaysWhichPhaseTheRunIsIn() throws IOException {
        QuorumBench bench = new QuorumBench(new BenchOptions(3, 100, 1, 64, 30, 10), dir.resolve("p"),
                new PrintWriter(out));
        long second = 1_000_000_000L;
        assertEquals("waiting for a leader... 5 s", bench.progressLine(-1, 5 * second));
        assertEquals("warming up... 10/30 s", bench.progressLine(10 * second, 15 * second));
        assertEquals("measuring... 4/10 s", bench.progressLine(34 * second, 40 * second));
        assertEquals("waiting for the result...", bench.progressLine(41 * second, 45 * second));
    }

    @Test
    void votersAreNumberedFromOne() {
        assertEquals("1@127.0.0.1:9001,2@127.0.0.1:9002", QuorumBench.quorumVoters(List.of(9001, 9002)));
    }

    /** The fields of one flat JSON object, failing the test if the line is anything else. */
    private static Map<String, String> fields(String line) {
        assertTrue(line.startsWith("{") && line.endsWith("}"), line);
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher field = FIELD.matcher(line);
        int expectedStart = 1;
        while (field.find()) {
            assertEquals(expectedStart, field.start(), "unexpected text in " + line);
            fields.put(field.group(1), field.group(2));
            expectedStart = field.end() + 1;
        }
        assertEquals(line.length(), expectedStart, "unexpected text at the end of " + line);
        return fields;
    }
}

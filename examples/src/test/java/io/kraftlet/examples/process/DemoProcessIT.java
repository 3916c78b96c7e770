package io.kraftlet.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.examples.cluster.ClusterState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's run command, {@code bin/kraftlet demo}, end to end as a real process: it starts
 * six node processes, walks the seed scenario and shuts them down. The test checks the
 * narration's claims in what it printed (describe lines parsed, leaders and ISRs at each step,
 * the NOT_ENOUGH_REPLICAS refusal and the acks=1 write), its exit code, and that no node process
 * is left afterwards.
 */
class DemoProcessIT {
    private static final Duration DEMO_TIMEOUT = Duration.ofMinutes(8);
    private static final Pattern PARTITION_LINE = Pattern.compile(
            "\\tTopic: topic-p3r3\\tPartition: (\\d)\\tLeader: (\\S+)\\tReplicas: ([\\d,]+)\\tIsr: ([\\d,]*)");

    private Path dir;

    @Test
    void theDemoWalksTheSeedScenario() {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss-SSS"));
        Path base = Path.of(Optional.ofNullable(System.getProperty("kraftlet.it.dir")).orElse("target/process-it"));
        dir = base.resolve("demo-" + stamp).toAbsolutePath();
        int basePort = CliProcess.freePortRange(12);
        CliProcess.Run run = CliProcess.kraftlet(DEMO_TIMEOUT, "demo", "--dir", dir.toString(), "--base-port",
                Integer.toString(basePort), "--timeout", "150");
        String out = run.out();
        assertEquals(0, run.exitCode(), out);

        List<String> steps = out.lines().filter(line -> line.startsWith("== ")).toList();
        assertTrue(steps.size() >= 10, "every step is narrated: " + steps);
        // The first describe: three partitions, each led, ISR of three.
        List<List<String>> describes = describeBlocks(out);
        assertTrue(describes.size() >= 5, "describe after create, kill, restart, election, two down:\n" + out);
        for (String line : describes.get(0)) {
            Matcher m = PARTITION_LINE.matcher(line);
            assertTrue(m.find(), line);
            assertEquals(3, m.group(4).split(",").length, "full ISR after create: " + line);
        }
        // After broker 2 is killed: nobody elects it, no ISR holds it.
        for (String line : describes.get(1)) {
            Matcher m = PARTITION_LINE.matcher(line);
            assertTrue(m.find(), line);
            assertTrue(!m.group(2).equals("2") && !List.of(m.group(4).split(",")).contains("2"), line);
        }
        // After the preferred election: every first replica leads.
        for (String line : describes.get(3)) {
            Matcher m = PARTITION_LINE.matcher(line);
            assertTrue(m.find(), line);
            assertEquals(m.group(3).split(",")[0], m.group(2), "preferred leader: " + line);
        }
        // Two brokers down: ISR {1}.
        for (String line : describes.get(4)) {
            Matcher m = PARTITION_LINE.matcher(line);
            assertTrue(m.find(), line);
            assertEquals("1", m.group(4), line);
        }
        assertTrue(out.contains("acks=all to topic-p3r3-0: NOT_ENOUGH_REPLICAS"), out);
        assertTrue(out.contains("acks=1 to topic-p3r3-0: written at offset"), out);
        assertTrue(out.contains("$ kraftlet zk-shell") && out.contains("\"brokerid\""), "the /controller node: " + out);
        assertTrue(ClusterState.load(dir).isPresent());
        ClusterState.load(dir).get().nodes().forEach(entry -> entry.process().ifPresent(process ->
                assertTrue(!process.isAlive(), "node " + entry.node().nodeId() + " is left running")));
    }

    /** The partition lines of each {@code topics --describe} the demo printed, in order. */
    private static List<List<String>> describeBlocks(String out) {
        List<List<String>> blocks = new java.util.ArrayList<>();
        List<String> lines = out.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("$ kraftlet topics") && lines.get(i).contains("--describe")) {
                List<String> partitions = new java.util.ArrayList<>();
                for (int j = i + 1; j < lines.size() && partitions.size() < 3; j++) {
                    if (PARTITION_LINE.matcher(lines.get(j)).find()) {
                        partitions.add(lines.get(j));
                    }
                }
                blocks.add(partitions);
            }
        }
        return blocks;
    }

    @AfterEach
    void leaveNoProcess() {
        if (dir != null && Files.exists(ClusterState.file(dir))) {
            CliProcess.kraftlet(Duration.ofSeconds(90), "cluster", "down", "--dir", dir.toString());
            ClusterState.load(dir).ifPresent(state -> state.nodes().forEach(entry -> entry.process()
                    .ifPresent(process -> ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly))));
        }
    }
}

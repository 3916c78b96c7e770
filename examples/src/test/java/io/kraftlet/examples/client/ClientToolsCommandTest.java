package io.kraftlet.examples.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.examples.KraftletCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The client tools' command lines, in-process through {@link KraftletCli}: {@code --help} on
 * each, and one {@code error:} line with a non-zero exit code for a bad value or when no
 * bootstrap server answers. Needs no cluster; the process tests run them against one.
 */
class ClientToolsCommandTest {
    @Test
    void everyToolHasHelp() {
        for (String tool : new String[] {"console-producer", "console-consumer", "producer-perf"}) {
            Result result = run(tool, "--help");
            assertEquals(0, result.exitCode, result.toString());
            assertTrue(result.out.contains("--bootstrap-server") && result.out.contains("--topic"), result.toString());
        }
    }

    @Test
    void badValuesAreOneLineWithExitCode2() {
        assertBadCommandLine("error: --acks must be all, -1, 1 or 0, got '2' (see 'kraftlet console-producer --help')",
                "console-producer", "--bootstrap-server", "127.0.0.1:1", "--topic", "t", "--acks", "2");
        assertBadCommandLine("error: --bootstrap-server: expected host:port, got 'nowhere' (see 'kraftlet"
                + " console-consumer --help')", "console-consumer", "--bootstrap-server", "nowhere", "--topic", "t");
        assertBadCommandLine("error: --max-messages must be >= 1, got 0 (see 'kraftlet console-consumer --help')",
                "console-consumer", "--bootstrap-server", "127.0.0.1:1", "--topic", "t", "--max-messages", "0");
        assertBadCommandLine("error: --num-records must be >= 1, got 0 (see 'kraftlet producer-perf --help')",
                "producer-perf", "--topic", "t", "--num-records", "0", "--record-size", "10", "--throughput", "-1",
                "--bootstrap-server", "127.0.0.1:1");
        assertBadCommandLine("error: --throughput must be > 0 or -1 (no limit), got 0.0 (see 'kraftlet producer-perf"
                + " --help')", "producer-perf", "--topic", "t", "--num-records", "1", "--record-size", "10",
                "--throughput", "0", "--bootstrap-server", "127.0.0.1:1");
    }

    @Test
    void noReachableServerIsOneLineWithExitCode1() {
        for (String tool : new String[] {"console-producer", "console-consumer"}) {
            Result result = run(tool, "--bootstrap-server", "127.0.0.1:1", "--topic", "t");
            assertEquals(1, result.exitCode, result.toString());
            assertTrue(result.err.startsWith("error: none of the bootstrap servers [127.0.0.1:1] answered: 127.0.0.1:1:"
                    + " UNAVAILABLE"), result.toString());
            assertEquals(1, result.err.lines().count(), result.toString());
        }
    }

    private static void assertBadCommandLine(String expected, String... args) {
        Result result = run(args);
        assertEquals(2, result.exitCode, result.toString());
        assertEquals(expected, result.err.strip());
    }

    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = KraftletCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }
}

package io.kraftlet.examples.bench;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kraftlet bench quorum}: commit throughput and latency of a metadata quorum of voter
 * processes on this machine, with fsync on. Progress lines go to standard output and the last
 * line is the result as one JSON object; errors are one line on standard error.
 *
 * <p>Exit status: 0 for a valid run, 1 when the run failed (leadership moved, a voter died, a
 * deadline passed), 2 for bad options.
 */
@Command(name = "quorum", mixinStandardHelpOptions = true,
        description = {"Measures commit throughput and latency of a quorum of voter processes on this machine "
                + "(fsync on). The leader keeps --outstanding appends of --batch records in flight, as a controller does.",
            "The last line of output is the result as one JSON object."})
public final class QuorumBenchCommand implements Callable<Integer> {
    static final int EXIT_RUN_FAILED = 1;
    static final int EXIT_BAD_OPTIONS = 2;

    @Spec
    private CommandSpec spec;

    @Option(names = "--voters", defaultValue = "3", paramLabel = "N", description = "Voter processes (default: ${DEFAULT-VALUE}).")
    private int voters;

    @Option(names = "--record-size", defaultValue = "100", paramLabel = "BYTES",
            description = "Bytes per record (default: ${DEFAULT-VALUE}).")
    private int recordSize;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "RECORDS",
            description = "Records per append (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--outstanding", defaultValue = "64", paramLabel = "APPENDS",
            description = "Appends kept in flight (default: ${DEFAULT-VALUE}).")
    private int outstanding;

    @Option(names = "--warmup", defaultValue = "30", paramLabel = "SECONDS",
            description = "Seconds of load before measuring, for the JIT (default: ${DEFAULT-VALUE}).")
    private int warmupS;

    @Option(names = "--duration", defaultValue = "10", paramLabel = "SECONDS",
            description = "Seconds measured (default: ${DEFAULT-VALUE}).")
    private int durationS;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "New or empty directory for data and logs (default: a temporary directory, "
                    + "deleted after a successful run).")
    private Path dir;

    @Override
    public Integer call() throws Exception {
        QuorumBench bench;
        try {
            BenchOptions options = new BenchOptions(voters, recordSize, batch, outstanding, warmupS, durationS);
            bench = new QuorumBench(options.validate(), dir, spec.commandLine().getOut());
        } catch (IllegalArgumentException bad) {
            return error(bad.getMessage(), EXIT_BAD_OPTIONS);
        }
        BenchResult result;
        try {
            result = bench.run();
        } catch (BenchFailedException failed) {
            return error(failed.getMessage(), EXIT_RUN_FAILED);
        }
        spec.commandLine().getOut().println(result.toJson());
        spec.commandLine().getOut().flush();
        if (result.failure() != null) {
            return error("the run failed: " + result.failure() + " (" + result.errors() + " appends failed)",
                    EXIT_RUN_FAILED);
        }
        return 0;
    }

    private int error(String message, int exitCode) {
        spec.commandLine().getErr().println(spec.qualifiedName() + ": " + message);
        spec.commandLine().getErr().flush();
        return exitCode;
    }
}

package io.kraftlet.examples.bench;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kraftlet bench controller}: what a quorum of three controller processes on this machine
 * (fsync on) costs for a given cluster size: creating the partitions, the snapshot that holds
 * them (bytes, load time, heap of the image), and moving leadership off a fenced broker.
 * Progress lines go to standard output and the last line is the result as one JSON object;
 * errors are one line on standard error.
 *
 * <p>Exit status: 0 for a valid run, 1 when the run failed (a controller died, a request was
 * refused, a deadline passed), 2 for bad options.
 */
@Command(name = "controller", mixinStandardHelpOptions = true,
        description = {"Measures a quorum of 3 controller processes on this machine (fsync on): creating "
                + "--partitions partitions over --brokers registered brokers, the snapshot that holds them, and "
                + "fencing the broker that leads the most partitions.",
            "The brokers are lightweight agents of this process: they register and heartbeat, reporting the "
                + "metadata offset right after their registration so the controller unfences them.",
            "The last line of output is the result as one JSON object."})
public final class ControllerBenchCommand implements Callable<Integer> {
    static final int EXIT_RUN_FAILED = 1;
    static final int EXIT_BAD_OPTIONS = 2;

    @Spec
    private CommandSpec spec;

    @Option(names = "--brokers", defaultValue = "10", paramLabel = "N",
            description = "Brokers registered with the controllers (default: ${DEFAULT-VALUE}).")
    private int brokers;

    @Option(names = "--partitions", defaultValue = "100000", paramLabel = "N",
            description = "Partitions created, in topics of at most 1000 (default: ${DEFAULT-VALUE}).")
    private int partitions;

    @Option(names = "--replication-factor", defaultValue = "3", paramLabel = "N",
            description = "Replicas of each partition (default: ${DEFAULT-VALUE}).")
    private int replicationFactor;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "New or empty directory for data and logs (default: a temporary directory, "
                    + "deleted after a successful run).")
    private Path dir;

    @Override
    public Integer call() throws Exception {
        ControllerBench bench;
        try {
            ControllerBenchOptions options = new ControllerBenchOptions(brokers, partitions, replicationFactor);
            bench = new ControllerBench(options.validate(), dir, spec.commandLine().getOut());
        } catch (IllegalArgumentException bad) {
            return error(bad.getMessage(), EXIT_BAD_OPTIONS);
        }
        ControllerBenchResult result;
        try {
            result = bench.run();
        } catch (BenchFailedException failed) {
            return error(failed.getMessage(), EXIT_RUN_FAILED);
        }
        spec.commandLine().getOut().println(result.toJson());
        spec.commandLine().getOut().flush();
        return 0;
    }

    private int error(String message, int exitCode) {
        spec.commandLine().getErr().println(spec.qualifiedName() + ": " + message);
        spec.commandLine().getErr().flush();
        return exitCode;
    }
}

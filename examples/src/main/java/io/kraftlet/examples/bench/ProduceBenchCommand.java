package io.kraftlet.examples.bench;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kraftlet bench produce}: produce throughput and latency of three brokers and a quorum of
 * three controllers, each its own process on this machine (fsync on), with the records sent over
 * gRPC by a separate client process. Progress lines go to standard output and the last line is
 * the result as one JSON object; errors are one line on standard error.
 *
 * <p>Exit status: 0 for a valid run, 1 when the run failed (a node died, a request failed, a
 * deadline passed), 2 for bad options.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Measures producing to 3 broker processes (and 3 controller processes) on this machine, "
                + "fsync on: a topic of --partitions partitions, replication factor 3, min.insync.replicas 2; a "
                + "separate client process keeps --in-flight produce requests per partition in flight at the leaders.",
            "The last line of output is the result as one JSON object."})
public final class ProduceBenchCommand implements Callable<Integer> {
    static final int EXIT_RUN_FAILED = 1;
    static final int EXIT_BAD_OPTIONS = 2;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ProduceLoadOptions load;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "New or empty directory for data and logs (default: a temporary directory, "
                    + "deleted after a successful run).")
    private Path dir;

    @Override
    public Integer call() throws Exception {
        ProduceBench bench;
        try {
            bench = new ProduceBench(load.toOptions(), dir, spec.commandLine().getOut());
        } catch (IllegalArgumentException bad) {
            return error(bad.getMessage(), EXIT_BAD_OPTIONS);
        }
        ProduceBenchResult result;
        try {
            result = bench.run();
        } catch (BenchFailedException failed) {
            return error(failed.getMessage(), EXIT_RUN_FAILED);
        }
        spec.commandLine().getOut().println(result.toJson());
        spec.commandLine().getOut().flush();
        if (result.failure() != null) {
            return error("the run failed: " + result.failure() + " (" + result.errors() + " requests failed)",
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

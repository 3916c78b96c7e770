package io.kraftlet.examples.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code kraftlet bench}: benchmarks run on this machine. It only groups its subcommands;
 * called without one it prints its usage and exits with status 2.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        subcommands = {QuorumBenchCommand.class, ControllerBenchCommand.class, ProduceBenchCommand.class,
            ProduceClientCommand.class},
        synopsisSubcommandLabel = "COMMAND", description = "Benchmarks run on this machine.")
public final class BenchCommand {
    /** Runs {@code bench} on its own, without the rest of the CLI. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }
}

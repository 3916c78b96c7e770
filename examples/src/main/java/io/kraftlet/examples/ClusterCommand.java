package io.kraftlet.examples;

import io.kraftlet.examples.cluster.ClusterOperations;
import io.kraftlet.examples.cluster.ClusterPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kraftlet cluster}: a whole cluster on this machine, each node its own process on
 * 127.0.0.1, for trying kraftlet out. {@code up} lays it out under one directory, formats and
 * launches it; {@code status}, {@code stop-node}, {@code kill-node}, {@code start-node} and
 * {@code down} act on it through the process ids in that directory's state file. The work is
 * done by {@link ClusterOperations}; these classes only read the command line.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Runs a local cluster: each controller and broker its own process on 127.0.0.1.",
        subcommands = {ClusterCommand.Up.class, ClusterCommand.Status.class, ClusterCommand.StopNode.class,
                ClusterCommand.KillNode.class, ClusterCommand.StartNode.class, ClusterCommand.Down.class},
        footer = {"", "Example:",
                "  kraftlet cluster up --controllers 3 --brokers 3",
                "  kraftlet cluster status",
                "  kraftlet cluster kill-node 2 && kraftlet cluster start-node 2",
                "  kraftlet cluster down"})
public final class ClusterCommand implements Runnable {
    /** Where the cluster lives unless {@code --dir} says otherwise: under the working directory. */
    public static final String DEFAULT_DIR = "kraftlet-cluster";
    public static final int DEFAULT_BASE_PORT = 9092;
    /** How long {@code up} and {@code start-node} wait for nodes to be ready and brokers unfenced. */
    static final int DEFAULT_TIMEOUT_SECONDS = 120;

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: one of up, status, stop-node, kill-node,"
                + " start-node, down");
    }

    /** {@code --dir}, shared by every subcommand. */
    static final class DirOption {
        @Option(names = "--dir", paramLabel = "DIR", defaultValue = DEFAULT_DIR,
                description = "The cluster's directory: configs, data, logs and the state file (default: ./"
                        + DEFAULT_DIR + ").")
        Path dir;
    }

    /** {@code --timeout}, for the subcommands that wait for nodes. */
    static final class TimeoutOption {
        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "" + DEFAULT_TIMEOUT_SECONDS,
                description = "How long to wait for nodes to be ready and brokers unfenced (default: ${DEFAULT-VALUE}).")
        int seconds;

        Duration duration(CommandSpec spec) {
            if (seconds < 1) {
                throw new ParameterException(spec.commandLine(), "--timeout must be at least 1 second, got " + seconds);
            }
            return Duration.ofSeconds(seconds);
        }
    }

    /** {@code cluster up}. */
    @Command(name = "up", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Writes a properties file per node, formats every node with one new cluster id, starts each"
                    + " as its own process and waits until every broker is unfenced; then prints the endpoints.",
                    "Brokers get ids 1..N and ports from --base-port; controllers ids from 3001 and the next ports;"
                    + " then one metrics port per node. With --combined N: nodes 1..N, their broker listeners, then"
                    + " their controller listeners, then their metrics ports."})
    static final class Up implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Mixin
        private DirOption dir;
        @Mixin
        private TimeoutOption timeout;

        @Option(names = "--controllers", paramLabel = "N", defaultValue = "3",
                description = "How many controllers (voters of the metadata quorum; default: ${DEFAULT-VALUE}).")
        private int controllers;

        @Option(names = "--brokers", paramLabel = "N", defaultValue = "3",
                description = "How many brokers (default: ${DEFAULT-VALUE}).")
        private int brokers;

        @Option(names = "--combined", paramLabel = "N",
                description = "Instead: N combined nodes (process.roles=broker,controller), ids 1..N, each a voter and"
                        + " a broker, as Kafka runs small clusters; not with --controllers or --brokers.")
        private int combined;

        @Option(names = "--base-port", paramLabel = "PORT", defaultValue = "" + DEFAULT_BASE_PORT,
                description = "The first of 2 x (controllers + brokers), or 3 x combined, consecutive ports (default:"
                        + " ${DEFAULT-VALUE}).")
        private int basePort;

        @Override
        public Integer call() {
            ClusterPlan plan;
            try {
                if (spec.commandLine().getParseResult().hasMatchedOption("--combined")) {
                    if (spec.commandLine().getParseResult().hasMatchedOption("--controllers")
                            || spec.commandLine().getParseResult().hasMatchedOption("--brokers")) {
                        throw new IllegalArgumentException("--combined runs nodes that are controllers and brokers at"
                                + " once; give it without --controllers and --brokers");
                    }
                    plan = ClusterPlan.combined(dir.dir, RandomUuidCommand.randomUuid(), basePort, combined);
                } else {
                    plan = new ClusterPlan(dir.dir, RandomUuidCommand.randomUuid(), basePort, controllers, brokers);
                }
            } catch (IllegalArgumentException bad) {
                throw new ParameterException(spec.commandLine(), bad.getMessage(), bad);
            }
            operations(spec, dir, timeout.duration(spec)).up(plan);
            return 0;
        }
    }

    /** {@code cluster status}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Prints each node: id, roles, pid, alive or dead, port, metrics URL.")
    static final class Status implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Mixin
        private DirOption dir;

        @Override
        public Integer call() {
            operations(spec, dir, Duration.ZERO).status();
            return 0;
        }
    }

    /** {@code cluster stop-node ID}. */
    @Command(name = "stop-node", mixinStandardHelpOptions = true,
            description = "Stops a node with SIGTERM (a broker shuts down in a controlled way) and waits for it to"
                    + " exit; SIGKILL if it has not within 30 s.")
    static final class StopNode implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Mixin
        private DirOption dir;
        @Parameters(paramLabel = "ID", description = "The node id.")
        private int nodeId;

        @Override
        public Integer call() {
            operations(spec, dir, Duration.ZERO).stopNode(nodeId);
            return 0;
        }
    }

    /** {@code cluster kill-node ID}. */
    @Command(name = "kill-node", mixinStandardHelpOptions = true,
            description = "Kills a node with SIGKILL: no controlled shutdown, as if its machine died.")
    static final class KillNode implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Mixin
        private DirOption dir;
        @Parameters(paramLabel = "ID", description = "The node id.")
        private int nodeId;

        @Override
        public Integer call() {
            operations(spec, dir, Duration.ZERO).killNode(nodeId);
            return 0;
        }
    }

    /** {@code cluster start-node ID}. */
    @Command(name = "start-node", mixinStandardHelpOptions = true,
            description = "Starts a stopped node again with its configuration; waits until it listens (a broker:"
                    + " until it is unfenced).")
    static final class StartNode implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Mixin
        private DirOption dir;
        @Mixin
        private TimeoutOption timeout;
        @Parameters(paramLabel = "ID", description = "The node id.")
        private int nodeId;

        @Override
        public Integer call() {
            operations(spec, dir, timeout.duration(spec)).startNode(nodeId);
            return 0;
        }
    }

    /** {@code cluster down}. */
    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stops every node it started (brokers first), by process id; does nothing if none runs."
                    + " The directory is kept.")
    static final class Down implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Mixin
        private DirOption dir;

        @Override
        public Integer call() {
            operations(spec, dir, Duration.ZERO).down();
            return 0;
        }
    }

    private static ClusterOperations operations(CommandSpec spec, DirOption dir, Duration timeout) {
        return new ClusterOperations(dir.dir, spec.commandLine().getOut(), timeout);
    }
}

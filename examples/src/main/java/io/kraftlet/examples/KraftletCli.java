package io.kraftlet.examples;

import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kraftlet}: the command line of the examples module (run by {@code bin/kraftlet}). Its
 * commands follow Kafka's tools and option names: {@code format} and {@code random-uuid} as in
 * {@code kafka-storage}, {@code node} as {@code kafka-server-start}, {@code metadata-quorum} as
 * {@code kafka-metadata-quorum}.
 *
 * <p>Exit codes: 0 on success, 2 for a bad command line, 1 when the command fails. A failure
 * prints one line, {@code error: ...}, to stderr.
 */
@Command(name = "kraftlet", mixinStandardHelpOptions = true, versionProvider = KraftletCli.Version.class,
        description = "Runs and inspects a kraftlet cluster: controllers, brokers and their metadata quorum.",
        subcommands = {FormatCommand.class, RandomUuidCommand.class, NodeCommand.class, MetadataQuorumCommand.class,
                ClusterCommand.class, io.kraftlet.examples.admin.TopicsCommand.class,
                io.kraftlet.examples.admin.LeaderElectionCommand.class, io.kraftlet.examples.admin.ZkShellCommand.class,
                io.kraftlet.examples.client.ConsoleProducerCommand.class,
                io.kraftlet.examples.client.ConsoleConsumerCommand.class,
                io.kraftlet.examples.client.ProducerPerfCommand.class, io.kraftlet.examples.demo.DemoCommand.class,
                io.kraftlet.examples.bench.BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class KraftletCli implements Runnable {
    static final int EXIT_FAILED = 1;

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: one of " + String.join(", ",
                spec.subcommands().keySet().stream().filter(name -> !name.equals("help")).toList()));
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with kraftlet's one-line error reporting; tests run it in-process. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new KraftletCli());
        // The key table is built from the parser's list, so it cannot go stale.
        commandLine.getSubcommands().get("node").getCommandSpec().usageMessage().footer(NodeCommand.footer());
        commandLine.setParameterExceptionHandler(KraftletCli::handleBadCommandLine);
        commandLine.setExecutionExceptionHandler((failure, failed, parseResult) -> {
            PrintWriter err = failed.getErr();
            err.println("error: " + describe(failure));
            if (!isExpected(failure)) {
                failure.printStackTrace(err);
            }
            err.flush();
            return EXIT_FAILED;
        });
        return commandLine;
    }

    /**
     * One line for a failure: its message followed by the messages of its causes that add
     * something ({@code node 1 cannot listen on 127.0.0.1:9093: Address already in use}).
     */
    static String describe(Throwable failure) {
        Set<String> parts = new LinkedHashSet<>();
        StringBuilder line = new StringBuilder();
        for (Throwable current = failure; current != null && parts.size() < 8; current = current.getCause()) {
            String message = current.getMessage();
            if (message == null || message.isBlank()) {
                message = current.getClass().getSimpleName();
                if (current != failure) {
                    continue;
                }
            }
            message = message.replace('\n', ' ').trim();
            if (line.toString().contains(message) || !parts.add(message)) {
                continue;
            }
            if (line.length() > 0) {
                line.append(": ");
            }
            line.append(message);
        }
        return line.toString();
    }

    private static int handleBadCommandLine(ParameterException bad, String[] args) {
        CommandLine failed = bad.getCommandLine();
        PrintWriter err = failed.getErr();
        err.println("error: " + bad.getMessage().replace('\n', ' ') + " (see '"
                + failed.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return failed.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** Failures of input, environment or disk, whose message says it all; anything else is a bug and gets a stack trace. */
    private static boolean isExpected(Throwable failure) {
        return failure instanceof IllegalArgumentException || failure instanceof IllegalStateException
                || failure instanceof UncheckedIOException || failure instanceof IOException
                || failure instanceof StatusRuntimeException;
    }

    /** The version Maven built, from {@code version.properties}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = KraftletCli.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"kraftlet " + properties.getProperty("version", "(unknown version)")};
        }
    }
}

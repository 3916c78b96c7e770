package io.kraftlet.examples;

import io.kraftlet.examples.config.ConfigFiles;
import io.kraftlet.examples.config.NodeConfig;
import io.kraftlet.examples.config.NodeConfigParser;
import io.kraftlet.examples.node.Node;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kraftlet node}: runs a controller or a broker ({@code process.roles}) from a Kafka-style
 * properties file until SIGTERM (or Ctrl-C), then shuts it down gracefully: an active controller
 * resigns and names its successors; a broker asks for a controlled shutdown. Prints
 * {@code node N listening on host:port} to stdout once it serves and, for a broker,
 * {@code broker N unfenced with epoch E} once the controller unfenced it.
 */
@Command(name = "node", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a controller or a broker (process.roles) until SIGTERM.",
                "The directory must have been formatted with `kraftlet format`."},
        footer = "")
final class NodeCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true, description = "The node's properties file.")
    private Path config;

    @Option(names = "--override", paramLabel = "KEY=VALUE",
            description = "Overrides a key of the properties file (repeatable), as kafka-server-start's --override.")
    private Map<String, String> overrides = new LinkedHashMap<>();

    /** How often the node's health is looked at. */
    private static final long FAILURE_CHECK_MS = 1_000;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> properties = new LinkedHashMap<>(ConfigFiles.load(config));
        overrides.forEach((key, value) -> properties.put(key.trim(), value.trim()));
        NodeConfig nodeConfig;
        try {
            nodeConfig = NodeConfigParser.parse(properties);
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException(config + ": " + bad.getMessage(), bad);
        }
        Node node = Node.start(nodeConfig);
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "kraftlet-node-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println(node.readyLine());
        if (node.metricsPort() >= 0) {
            out.println("node " + nodeConfig.nodeId() + " serves metrics on http://" + nodeConfig.listenAddress().host()
                    + ":" + node.metricsPort() + "/metrics");
        }
        out.flush();
        node.announce(line -> {
            out.println(line);
            out.flush();
        });
        // The node runs on its own threads; the shutdown hook closes it and the JVM then exits.
        // If the node stops on its own (a storage failure), the process exits non-zero.
        while (!forever.await(FAILURE_CHECK_MS, TimeUnit.MILLISECONDS)) {
            Optional<Throwable> failure = node.failure();
            if (failure.isPresent()) {
                spec.commandLine().getErr().println("error: node " + nodeConfig.nodeId() + " stopped: " + failure.get());
                spec.commandLine().getErr().flush();
                return KraftletCli.EXIT_FAILED;
            }
        }
        return 0;
    }

    /** The help footer: every configuration key with its meaning, then an example. */
    static String[] footer() {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("Configuration keys (Kafka's names where Kafka has the setting):");
        NodeConfigParser.KEYS.forEach((key, meaning) -> {
            lines.add("  " + key);
            lines.add("      " + meaning);
        });
        lines.add("");
        lines.add("Example, a controller:");
        lines.add("  node.id=1");
        lines.add("  process.roles=controller");
        lines.add("  controller.quorum.voters=1@127.0.0.1:9093,2@127.0.0.1:9094,3@127.0.0.1:9095");
        lines.add("  listeners=CONTROLLER://127.0.0.1:9093");
        lines.add("  metadata.log.dir=/var/lib/kraftlet/1");
        lines.add("");
        lines.add("Example, a broker:");
        lines.add("  node.id=4");
        lines.add("  process.roles=broker");
        lines.add("  controller.quorum.voters=1@127.0.0.1:9093,2@127.0.0.1:9094,3@127.0.0.1:9095");
        lines.add("  listeners=PLAINTEXT://127.0.0.1:9092");
        lines.add("  metadata.log.dir=/var/lib/kraftlet/4/metadata");
        lines.add("  log.dirs=/var/lib/kraftlet/4/data");
        return lines.toArray(String[]::new);
    }
}

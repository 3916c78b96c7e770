package io.kraftlet.examples.admin;

import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerError;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kraftlet zk-shell}: reads the ZooKeeper-shaped view of the metadata ({@code /controller},
 * {@code /brokers/ids}, {@code /brokers/topics/T/partitions/P/state}, ...) as
 * {@code zookeeper-shell} read ZooKeeper: {@code get PATH} prints the node's JSON on one line,
 * {@code ls PATH} its children as {@code [a, b, c]}. The view is read-only and computed by the
 * controller from its committed metadata.
 */
@Command(name = "zk-shell", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Reads the ZooKeeper-shaped view of the metadata: get PATH | ls PATH.",
        footer = {"", "Examples:",
                "  kraftlet zk-shell --bootstrap-server 127.0.0.1:9092 get /controller",
                "  kraftlet zk-shell --bootstrap-server 127.0.0.1:9092 ls /brokers/ids",
                "  kraftlet zk-shell --bootstrap-server 127.0.0.1:9092 get /brokers/topics/topic-p3r3/partitions/0/state"})
public final class ZkShellCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private AdminOptions admin;

    @Parameters(index = "0", paramLabel = "get|ls", description = "get: print the node's data; ls: list its children.")
    private String operation;

    @Parameters(index = "1", paramLabel = "PATH", description = "The node, such as /brokers/ids.")
    private String path;

    @Override
    public Integer call() {
        boolean get = operation.equals("get");
        if (!get && !operation.equals("ls")) {
            throw new ParameterException(spec.commandLine(), "unknown zk-shell command '" + operation
                    + "': expected get or ls");
        }
        if (!path.startsWith("/")) {
            throw new ParameterException(spec.commandLine(), "Path must start with / character: '" + path + "'");
        }
        admin.servers(spec);
        admin.timeoutMs(spec);
        ControllerApi.ZkNode node;
        try (AdminConnection connection = admin.connect(spec)) {
            node = connection.await(connection.client().readZkPath(path));
        }
        if (node.error().error() == ControllerError.UNKNOWN_TOPIC_OR_PARTITION) {
            throw new IllegalArgumentException(node.error().message().isEmpty()
                    ? "Node does not exist: " + path : node.error().message());
        }
        if (!node.error().isSuccess()) {
            throw new IllegalStateException("cannot read " + path + ": " + node.error());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(get ? node.data() : "[" + String.join(", ", node.children()) + "]");
        out.flush();
        return 0;
    }
}

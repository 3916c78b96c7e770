package io.kraftlet.examples;

import io.kraftlet.examples.config.ConfigFiles;
import io.kraftlet.examples.config.NodeConfig;
import io.kraftlet.examples.config.NodeConfigParser;
import io.kraftlet.log.MetaProperties;
import io.kraftlet.quorum.MetadataQuorum;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kraftlet format}: gives a data directory its identity ({@code meta.properties}: cluster
 * id, node id, a new directory id) before the node's first start, as {@code kafka-storage format}
 * does. The node id and directory come from {@code --config} or from {@code --node-id} and
 * {@code --dir}; the cluster id from {@code --cluster-id} or the config's {@code cluster.id}.
 */
@Command(name = "format", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Formats a node's metadata log directory (writes meta.properties).",
        footer = {"", "Examples:",
                "  kraftlet format -t $(kraftlet random-uuid) -c config/controller-1.properties",
                "  kraftlet format --cluster-id my-cluster --node-id 1 --dir /var/lib/kraftlet/1"})
final class FormatCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The node's properties file: node.id and metadata.log.dir (or log.dirs) are taken from it.")
    private Path config;

    @Option(names = {"-t", "--cluster-id"}, paramLabel = "ID",
            description = "The cluster id (letters, digits, '-', '_'); default: cluster.id in --config.")
    private String clusterId;

    @Option(names = "--node-id", paramLabel = "N", description = "The node id, when --config is not given.")
    private Integer nodeId;

    @Option(names = "--dir", paramLabel = "DIR", description = "The directory to format, when --config is not given.")
    private Path dir;

    @Option(names = {"-g", "--ignore-formatted"},
            description = "Succeed without change when the directory is already formatted for this cluster and node.")
    private boolean ignoreFormatted;

    @Override
    public Integer call() {
        Optional<NodeConfig> nodeConfig = Optional.ofNullable(config)
                .map(file -> NodeConfigParser.parse(ConfigFiles.load(file)));
        String cluster = pick("--cluster-id", clusterId, "cluster.id",
                nodeConfig.flatMap(NodeConfig::clusterId).orElse(null));
        Integer node = pick("--node-id", nodeId, "node.id", nodeConfig.map(NodeConfig::nodeId).orElse(null));
        Path directory = pick("--dir", dir, "metadata.log.dir", nodeConfig.map(NodeConfig::metadataLogDir).orElse(null));
        if (cluster == null) {
            throw usage("--cluster-id is required (or cluster.id in --config); `kraftlet random-uuid` prints a new one");
        }
        if (node == null || directory == null) {
            throw usage("give --config, or both --node-id and --dir");
        }
        if (node < 0) {
            throw usage("--node-id must be >= 0, got " + node);
        }
        NodeConfigParser.checkClusterId(cluster);
        PrintWriter out = spec.commandLine().getOut();
        if (ignoreFormatted && Files.exists(directory.resolve(MetaProperties.FILE_NAME))) {
            MetaProperties.verify(directory, cluster, node);
            out.println(directory + " is already formatted for cluster " + cluster + " as node " + node);
        } else {
            MetadataQuorum.format(directory, cluster, node);
            MetaProperties written = MetaProperties.load(directory);
            out.println("Formatted " + directory + " for cluster " + written.clusterId() + " as node "
                    + written.nodeId() + " (directory.id " + written.directoryId() + ")");
        }
        out.flush();
        return 0;
    }

    /** The option's value or the config's; both may be given only if they agree. */
    private <T> T pick(String option, T optionValue, String key, T configValue) {
        if (optionValue != null && configValue != null && !optionValue.equals(configValue)) {
            throw usage(option + " " + optionValue + " contradicts " + key + "=" + configValue + " in " + config);
        }
        return optionValue != null ? optionValue : configValue;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}

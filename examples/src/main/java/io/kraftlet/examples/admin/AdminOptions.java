package io.kraftlet.examples.admin;

import io.kraftlet.examples.config.ClientConfigParser;
import io.kraftlet.examples.config.ConfigFiles;
import io.kraftlet.transport.grpc.HostPort;
import io.kraftlet.transport.grpc.TlsSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The connection options every admin tool shares, under Kafka's names: {@code --bootstrap-server}
 * (brokers or controllers; a broker forwards every controller request to the active controller),
 * {@code --command-config} (client TLS) and {@code --timeout-ms}. A picocli mixin: each tool
 * declares it with {@code @Mixin} and calls {@link #connect} once its own options are checked.
 */
public final class AdminOptions {
    /** How long each request may take in all, across retries and servers, unless {@code --timeout-ms} says otherwise. */
    static final int DEFAULT_TIMEOUT_MS = 10_000;

    // Required, but checked when the tool runs rather than by picocli, so `--help` works without it.
    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "The brokers (or controllers) to connect to, comma-separated (required). Any one that answers"
                    + " is enough: brokers forward the request to the active controller.")
    String bootstrapServers;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Properties for the client: ssl.certificate.file, ssl.key.file and ssl.truststore.file"
                    + " when the cluster runs mutual TLS.")
    Path commandConfig;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "" + DEFAULT_TIMEOUT_MS,
            description = "How long one request may take across retries and servers (default: ${DEFAULT-VALUE}).")
    int timeoutMs;

    /**
     * Checks the options, discovers the cluster id from the first server that answers and opens a
     * client.
     *
     * @throws ParameterException for a missing or malformed option
     * @throws IllegalStateException when no listed server answers, naming them
     */
    AdminConnection connect(CommandSpec spec) {
        return AdminConnection.open(servers(spec), tls(), timeoutMs(spec));
    }

    /** The listed servers, checked. */
    List<HostPort> servers(CommandSpec spec) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new ParameterException(spec.commandLine(), "Missing required option '--bootstrap-server'");
        }
        List<HostPort> servers = new ArrayList<>();
        for (String entry : bootstrapServers.split(",")) {
            try {
                servers.add(HostPort.parse(entry));
            } catch (IllegalArgumentException bad) {
                throw new ParameterException(spec.commandLine(), "--bootstrap-server: " + bad.getMessage());
            }
        }
        return servers;
    }

    int timeoutMs(CommandSpec spec) {
        if (timeoutMs <= 0) {
            throw new ParameterException(spec.commandLine(), "--timeout-ms must be > 0, got " + timeoutMs);
        }
        return timeoutMs;
    }

    /** The client TLS settings of {@code --command-config}, if it names any. */
    Optional<TlsSettings> tls() {
        if (commandConfig == null) {
            return Optional.empty();
        }
        try {
            return ClientConfigParser.parse(ConfigFiles.load(commandConfig));
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException(commandConfig + ": " + bad.getMessage(), bad);
        }
    }
}

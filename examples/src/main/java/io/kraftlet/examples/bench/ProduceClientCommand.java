package io.kraftlet.examples.bench;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kraftlet bench produce-client} (hidden): the client process of {@code bench produce},
 * started by {@link ProduceBench} in a JVM of its own so that the producer shares no process with
 * a broker. It runs a {@link ProduceLoadClient} and prints its {@link ProduceBenchResult} as the
 * last line. Exit status 0 for a valid run, 1 otherwise.
 */
@Command(name = "produce-client", hidden = true,
        description = "The client process of `bench produce`; not meant to be run by hand.")
public final class ProduceClientCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ProduceLoadOptions load;

    @Option(names = "--cluster-id", required = true, description = "The cluster the brokers belong to.")
    private String clusterId;

    @Option(names = "--topic", required = true, description = "The topic produced to.")
    private String topic;

    @Option(names = "--leaders", required = true, split = ",", paramLabel = "PARTITION=HOST:PORT",
            description = "Each partition's leader listener, comma-separated.")
    private Map<Integer, String> leaders;

    @Override
    public Integer call() throws Exception {
        ProduceBenchOptions options = load.toOptions();
        ProduceBenchResult result;
        try (ProduceLoadClient client = new ProduceLoadClient(clusterId, topic, leaders, options)) {
            result = client.run();
        } catch (BenchFailedException failed) {
            spec.commandLine().getErr().println("produce-client: " + failed.getMessage());
            spec.commandLine().getErr().flush();
            return ProduceBenchCommand.EXIT_RUN_FAILED;
        }
        spec.commandLine().getOut().println(result.toJson());
        spec.commandLine().getOut().flush();
        return result.failure() == null ? 0 : ProduceBenchCommand.EXIT_RUN_FAILED;
    }
}

package io.kraftlet.examples.bench;

import picocli.CommandLine.Option;

/**
 * The load options {@code kraftlet bench produce} and its client process share (a picocli mixin),
 * so the client reads back exactly what the bench was given.
 */
final class ProduceLoadOptions {
    @Option(names = "--acks", defaultValue = "all", paramLabel = "all|1",
            description = "all: answered once every in-sync replica has the records; 1: once the leader has "
                    + "(default: ${DEFAULT-VALUE}).")
    String acks;

    @Option(names = "--record-size", defaultValue = "100", paramLabel = "BYTES",
            description = "Bytes per record (default: ${DEFAULT-VALUE}).")
    int recordSize;

    @Option(names = "--partitions", defaultValue = "3", paramLabel = "N",
            description = "Partitions of the topic (replication factor 3, min.insync.replicas 2) (default: "
                    + "${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--batch-bytes", defaultValue = "16384", paramLabel = "BYTES",
            description = "Record bytes per produce request, as Kafka's batch.size; a request carries as many "
                    + "whole records as fit, at least one (default: ${DEFAULT-VALUE}).")
    int batchBytes;

    @Option(names = "--in-flight", defaultValue = "5", paramLabel = "REQUESTS",
            description = "Produce requests in flight per partition, as Kafka's "
                    + "max.in.flight.requests.per.connection (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--warmup", defaultValue = "30", paramLabel = "SECONDS",
            description = "Seconds of load before measuring, for the JIT (default: ${DEFAULT-VALUE}).")
    int warmupS;

    @Option(names = "--duration", defaultValue = "10", paramLabel = "SECONDS",
            description = "Seconds measured (default: ${DEFAULT-VALUE}).")
    int durationS;

    /** The options, checked; throws IllegalArgumentException naming the first bad one. */
    ProduceBenchOptions toOptions() {
        return new ProduceBenchOptions(ProduceBenchOptions.parseAcks(acks), recordSize, partitions, batchBytes,
                inFlight, warmupS, durationS).validate();
    }
}

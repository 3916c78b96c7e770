package io.kraftlet.examples.config;

import io.kraftlet.raft.RaftConfig;
import io.kraftlet.transport.grpc.HostPort;
import io.kraftlet.transport.grpc.TlsSettings;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A checked controller-node configuration, built by {@link NodeConfigParser} from Kafka-style
 * properties. Immutable.
 *
 * @param nodeId {@code node.id}
 * @param quorumVoters {@code controller.quorum.voters} as written
 * @param voters the same, parsed: voter id → address
 * @param listenerName the name in {@code listeners} ({@code CONTROLLER} in
 *     {@code CONTROLLER://host:port}), or empty when {@code listeners} is not set
 * @param listenAddress where the node serves the quorum RPCs: the {@code listeners} address, or
 *     this voter's entry in the voters, or an ephemeral loopback port for an observer
 * @param metadataLogDir {@code metadata.log.dir}, or the first of {@code log.dirs}
 * @param clusterId {@code cluster.id}, checked against {@code meta.properties} at start-up;
 *     empty to take the formatted one
 * @param raftConfig the {@code controller.quorum.*} timeouts, other limits at their defaults
 * @param metricsPort {@code metrics.port}: where Prometheus scrapes {@code /metrics}, if set
 * @param tls mutual TLS from the {@code ssl.*} keys, if set
 * @param snapshotIntervalRecords {@code metadata.log.snapshot.interval.records}
 * @param appendRecordsPerSecond {@code kraftlet.example.append.records.per.second}
 */
public record NodeConfig(int nodeId, String quorumVoters, SortedMap<Integer, HostPort> voters,
        Optional<String> listenerName, HostPort listenAddress, Path metadataLogDir, Optional<String> clusterId,
        RaftConfig raftConfig, OptionalInt metricsPort, Optional<TlsSettings> tls, int snapshotIntervalRecords,
        int appendRecordsPerSecond) {

    public NodeConfig {
        Objects.requireNonNull(quorumVoters, "quorumVoters");
        voters = Collections.unmodifiableSortedMap(new TreeMap<>(voters));
        Objects.requireNonNull(listenerName, "listenerName");
        Objects.requireNonNull(listenAddress, "listenAddress");
        Objects.requireNonNull(metadataLogDir, "metadataLogDir");
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(raftConfig, "raftConfig");
        Objects.requireNonNull(metricsPort, "metricsPort");
        Objects.requireNonNull(tls, "tls");
    }

    /** A voter when its id is in {@code controller.quorum.voters}; an observer otherwise. */
    public boolean isVoter() {
        return voters.containsKey(nodeId);
    }
}

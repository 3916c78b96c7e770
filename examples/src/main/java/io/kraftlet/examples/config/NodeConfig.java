package io.kraftlet.examples.config;

import io.kraftlet.controller.ControllerConfig;
import io.kraftlet.raft.RaftConfig;
import io.kraftlet.replication.ReplicationConfig;
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
 * A checked node configuration, built by {@link NodeConfigParser} from Kafka-style properties.
 * Immutable.
 *
 * @param nodeId {@code node.id}
 * @param role {@code process.roles}: a controller, a broker, or both (combined)
 * @param quorumVoters {@code controller.quorum.voters} as written
 * @param voters the same, parsed: voter id → address
 * @param listenerName the name of the node's first listener ({@code CONTROLLER} in
 *     {@code CONTROLLER://host:port}): a controller's or combined node's controller listener, a
 *     broker's listener; empty when {@code listeners} is not set (a controller then serves on
 *     its voter entry)
 * @param listenAddress a controller or combined node: where it serves the quorum and controller
 *     RPCs (the {@code listeners} address, or its entry in the voters, or an ephemeral loopback
 *     port for an example observer); a broker: the listener it advertises
 * @param metadataLogDir {@code metadata.log.dir}, or the first of {@code log.dirs}
 * @param clusterId {@code cluster.id}, checked against {@code meta.properties} at start-up;
 *     empty to take the formatted one
 * @param raftConfig the {@code controller.quorum.*} timeouts, other limits at their defaults
 * @param controllerConfig the broker lifecycle, rebalance and topic-default keys
 *     ({@code broker.session.timeout.ms}, {@code num.partitions}, ...); a broker uses its
 *     {@code broker.heartbeat.interval.ms}
 * @param brokerRack {@code broker.rack}, empty when not set
 * @param metricsPort {@code metrics.port}: where Prometheus scrapes {@code /metrics}, if set
 * @param tls mutual TLS from the {@code ssl.*} keys, if set
 * @param exampleStateMachine {@code kraftlet.example.state.machine}: a controller runs the raw
 *     example state machine on the quorum instead of the real controller
 * @param snapshotIntervalRecords {@code metadata.log.snapshot.interval.records}
 * @param appendRecordsPerSecond {@code kraftlet.example.append.records.per.second}
 * @param logDir a broker: {@code log.dirs}, the one directory of its partition logs, apart
 *     from {@code metadataLogDir}; empty for a controller
 * @param replicationConfig a broker's {@code replica.*} and {@code message.max.bytes} keys, with
 *     {@code min.insync.replicas} and {@code unclean.leader.election.enable} as its defaults
 * @param interBrokerListenerName {@code inter.broker.listener.name}, empty when not set
 * @param brokerListener a broker or combined node: the listener its broker serves on and
 *     advertises (a broker's is its only listener; a combined node's is the one of its two that
 *     {@code controller.listener.names} does not name); empty for a controller
 */
public record NodeConfig(int nodeId, ProcessRole role, String quorumVoters, SortedMap<Integer, HostPort> voters,
        Optional<String> listenerName, HostPort listenAddress, Path metadataLogDir, Optional<String> clusterId,
        RaftConfig raftConfig, ControllerConfig controllerConfig, String brokerRack, OptionalInt metricsPort,
        Optional<TlsSettings> tls, boolean exampleStateMachine, int snapshotIntervalRecords,
        int appendRecordsPerSecond, Optional<Path> logDir, ReplicationConfig replicationConfig,
        Optional<String> interBrokerListenerName, Optional<Listener> brokerListener) {

    /** A named listener, {@code NAME://host:port} in {@code listeners}. */
    public record Listener(String name, HostPort address) {
        public Listener {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(address, "address");
        }

        @Override
        public String toString() {
            return name + "://" + address;
        }
    }

    public NodeConfig {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(quorumVoters, "quorumVoters");
        voters = Collections.unmodifiableSortedMap(new TreeMap<>(voters));
        Objects.requireNonNull(listenerName, "listenerName");
        Objects.requireNonNull(listenAddress, "listenAddress");
        Objects.requireNonNull(metadataLogDir, "metadataLogDir");
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(raftConfig, "raftConfig");
        Objects.requireNonNull(controllerConfig, "controllerConfig");
        Objects.requireNonNull(brokerRack, "brokerRack");
        Objects.requireNonNull(metricsPort, "metricsPort");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(logDir, "logDir");
        Objects.requireNonNull(replicationConfig, "replicationConfig");
        Objects.requireNonNull(interBrokerListenerName, "interBrokerListenerName");
        Objects.requireNonNull(brokerListener, "brokerListener");
        if (brokerListener.isPresent() != role.runsBroker()) {
            throw new IllegalArgumentException("a " + role.configName() + " node "
                    + (role.runsBroker() ? "needs" : "has no") + " broker listener");
        }
    }

    /** A voter when its id is in {@code controller.quorum.voters}; an observer otherwise. */
    public boolean isVoter() {
        return voters.containsKey(nodeId);
    }
}

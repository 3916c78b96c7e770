package io.kraftlet.examples.config;

import io.kraftlet.controller.ControllerConfig;
import io.kraftlet.quorum.ControllerServer;
import io.kraftlet.raft.RaftConfig;
import io.kraftlet.replication.ReplicationConfig;
import io.kraftlet.transport.grpc.HostPort;
import io.kraftlet.transport.grpc.QuorumVoters;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Kafka-style node properties (DESIGN §5 names) into a {@link NodeConfig}. Every key is
 * known here with its meaning ({@link #KEYS}); an unknown key, a malformed value, a missing
 * required key or contradicting keys throw a {@link ConfigException} naming the key. A pure
 * function except for checking that TLS files exist; safe from any thread.
 */
public final class NodeConfigParser {
    public static final String NODE_ID = "node.id";
    public static final String PROCESS_ROLES = "process.roles";
    public static final String QUORUM_VOTERS = QuorumVoters.CONFIG_KEY;
    public static final String LISTENERS = "listeners";
    public static final String CONTROLLER_LISTENER_NAMES = "controller.listener.names";
    public static final String METADATA_LOG_DIR = "metadata.log.dir";
    public static final String LOG_DIRS = "log.dirs";
    public static final String CLUSTER_ID = "cluster.id";
    public static final String ELECTION_TIMEOUT_MS = "controller.quorum.election.timeout.ms";
    public static final String FETCH_TIMEOUT_MS = "controller.quorum.fetch.timeout.ms";
    public static final String ELECTION_BACKOFF_MAX_MS = "controller.quorum.election.backoff.max.ms";
    public static final String APPEND_LINGER_MS = "controller.quorum.append.linger.ms";
    public static final String REQUEST_TIMEOUT_MS = "controller.quorum.request.timeout.ms";
    public static final String RETRY_BACKOFF_MS = "controller.quorum.retry.backoff.ms";
    public static final String METRICS_PORT = "metrics.port";
    public static final String BROKER_HEARTBEAT_INTERVAL_MS = "broker.heartbeat.interval.ms";
    public static final String BROKER_SESSION_TIMEOUT_MS = "broker.session.timeout.ms";
    public static final String BROKER_RACK = "broker.rack";
    public static final String AUTO_LEADER_REBALANCE_ENABLE = "auto.leader.rebalance.enable";
    public static final String LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS = "leader.imbalance.check.interval.seconds";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
    public static final String MAX_IDLE_INTERVAL_MS = "metadata.max.idle.interval.ms";
    public static final String SNAPSHOT_INTERVAL_RECORDS = "metadata.log.snapshot.interval.records";
    public static final String REPLICA_LAG_TIME_MAX_MS = "replica.lag.time.max.ms";
    public static final String REPLICA_FETCH_WAIT_MAX_MS = "replica.fetch.wait.max.ms";
    public static final String REPLICA_FETCH_MAX_BYTES = "replica.fetch.max.bytes";
    public static final String REPLICA_FETCH_RESPONSE_MAX_BYTES = "replica.fetch.response.max.bytes";
    public static final String REPLICA_FETCH_BACKOFF_MS = "replica.fetch.backoff.ms";
    public static final String MESSAGE_MAX_BYTES = "message.max.bytes";
    public static final String INTER_BROKER_LISTENER_NAME = "inter.broker.listener.name";
    public static final String EXAMPLE_STATE_MACHINE = "kraftlet.example.state.machine";
    public static final String APPEND_RECORDS_PER_SECOND = "kraftlet.example.append.records.per.second";

    /** Default of {@value #SNAPSHOT_INTERVAL_RECORDS} for the example state machine. */
    public static final int DEFAULT_SNAPSHOT_INTERVAL_RECORDS = 1000;
    /** Default of {@value #SNAPSHOT_INTERVAL_RECORDS} for the controller. */
    public static final int DEFAULT_CONTROLLER_SNAPSHOT_INTERVAL_RECORDS =
            (int) ControllerServer.DEFAULT_SNAPSHOT_EVERY_RECORDS;
    /** Bound of the example load generator: one node appends at most this many records a second. */
    public static final int MAX_APPEND_RECORDS_PER_SECOND = 100_000;

    /** Every key a node configuration may hold, with what it means; printed by {@code kraftlet node --help}. */
    public static final Map<String, String> KEYS = keys();

    private static final Pattern LISTENER = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)://(.*)");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]+");
    private static final String UNKNOWN_KEY_HINT = "`kraftlet node --help` lists the keys a node accepts";

    private NodeConfigParser() {
    }

    /**
     * Checks {@code properties} and builds the configuration.
     *
     * @throws ConfigException naming the first key that is unknown, malformed, missing or
     *     contradicts another
     */
    public static NodeConfig parse(Map<String, String> properties) {
        ConfigValues values = new ConfigValues(properties);
        values.refuseUnknownKeys(KEYS.keySet(), UNKNOWN_KEY_HINT);
        int nodeId = values.integer(NODE_ID, 0, Integer.MAX_VALUE)
                .orElseThrow(() -> new ConfigException(NODE_ID, "is required (this node's id, an integer >= 0)"));
        ProcessRole role = parseRole(values.requiredString(PROCESS_ROLES, "controller or broker"));
        String quorumVoters = values.requiredString(QUORUM_VOTERS, "id@host:port,...");
        SortedMap<Integer, HostPort> voters = parseVoters(quorumVoters);
        boolean example = exampleStateMachine(values, role);
        checkMembership(nodeId, role, voters, example);
        Optional<String> listenerName = Optional.empty();
        HostPort listenAddress = voters.getOrDefault(nodeId, new HostPort("127.0.0.1", 0));
        Optional<NodeConfig.Listener> brokerListener = Optional.empty();
        Optional<String> listeners = values.string(LISTENERS);
        if (role == ProcessRole.COMBINED) {
            List<NodeConfig.Listener> both = combinedListeners(values, listeners);
            listenerName = Optional.of(both.get(0).name());
            listenAddress = both.get(0).address();
            checkListenerPort(nodeId, voters, listenAddress);
            brokerListener = Optional.of(checkBrokerListener(nodeId, voters, both.get(1)));
        } else if (listeners.isPresent()) {
            NodeConfig.Listener listener = parseListener(listeners.get());
            listenerName = Optional.of(listener.name());
            listenAddress = listener.address();
            checkListenerPort(nodeId, voters, listenAddress);
            checkListenerName(values, role, listenerName);
            if (role == ProcessRole.BROKER) {
                brokerListener = Optional.of(checkBrokerListener(nodeId, voters, listener));
            }
        } else if (role == ProcessRole.BROKER) {
            throw new ConfigException(LISTENERS, "is required for a broker: the NAME://host:port it advertises"
                    + " (e.g. PLAINTEXT://127.0.0.1:9092)");
        }
        Optional<String> clusterId = values.string(CLUSTER_ID);
        clusterId.ifPresent(NodeConfigParser::checkClusterId);
        int snapshotIntervalRecords = values.integer(SNAPSHOT_INTERVAL_RECORDS, example
                ? DEFAULT_SNAPSHOT_INTERVAL_RECORDS : DEFAULT_CONTROLLER_SNAPSHOT_INTERVAL_RECORDS, 1, Integer.MAX_VALUE);
        Path metadataLogDir = metadataLogDir(values, role);
        Optional<Path> logDir = role.runsBroker() ? Optional.of(brokerLogDir(values, metadataLogDir))
                : Optional.empty();
        ControllerConfig controllerConfig = controllerConfig(values);
        return new NodeConfig(nodeId, role, quorumVoters, voters, listenerName, listenAddress, metadataLogDir,
                clusterId, raftConfig(values), controllerConfig, values.string(BROKER_RACK).orElse(""),
                metricsPort(values), TlsKeys.parse(values), example, snapshotIntervalRecords,
                appendRecordsPerSecond(values, example), logDir, replicationConfig(values, controllerConfig),
                interBrokerListenerName(values, brokerListener), brokerListener);
    }

    /** A cluster id as {@code meta.properties} accepts it (Kafka prints its ids in base64url). */
    public static void checkClusterId(String clusterId) {
        if (!ID.matcher(clusterId).matches()) {
            throw new ConfigException(CLUSTER_ID, "'" + clusterId + "' must be letters, digits, '-' or '_'"
                    + " (`kraftlet random-uuid` prints a new one)");
        }
    }

    /** {@code controller}, {@code broker}, or both in either order (combined mode). */
    private static ProcessRole parseRole(String roles) {
        Set<ProcessRole> listed = EnumSet.noneOf(ProcessRole.class);
        for (String name : roles.split(",", -1)) {
            String trimmed = name.trim();
            ProcessRole role = null;
            for (ProcessRole candidate : List.of(ProcessRole.CONTROLLER, ProcessRole.BROKER)) {
                if (candidate.configName().equals(trimmed)) {
                    role = candidate;
                }
            }
            if (role == null) {
                throw new ConfigException(PROCESS_ROLES, "unknown role '" + trimmed + "' (expected controller, broker,"
                        + " or broker,controller)");
            }
            if (!listed.add(role)) {
                throw new ConfigException(PROCESS_ROLES, "'" + roles + "' lists " + trimmed + " twice");
            }
        }
        return listed.size() == 2 ? ProcessRole.COMBINED : listed.iterator().next();
    }

    private static boolean exampleStateMachine(ConfigValues values, ProcessRole role) {
        boolean example = values.bool(EXAMPLE_STATE_MACHINE, false);
        if (example && role != ProcessRole.CONTROLLER) {
            throw new ConfigException(EXAMPLE_STATE_MACHINE, "applies to process.roles=controller only");
        }
        return example;
    }

    /**
     * A controller or combined node is a voter (only the example state machine also runs on
     * observers); a broker alone is never a voter: it follows the metadata log as an observer.
     */
    private static void checkMembership(int nodeId, ProcessRole role, SortedMap<Integer, HostPort> voters,
            boolean example) {
        boolean voter = voters.containsKey(nodeId);
        if (role.runsController() && !voter && !example) {
            throw new ConfigException(NODE_ID, nodeId + " runs a controller, so it must be one of " + QUORUM_VOTERS
                    + " (" + voters.keySet() + "); a node outside them runs as a broker");
        }
        if (role == ProcessRole.BROKER && voter) {
            throw new ConfigException(NODE_ID, nodeId + " is one of " + QUORUM_VOTERS + ", so it cannot run a broker:"
                    + " a broker follows the quorum as an observer under another node id");
        }
    }

    private static SortedMap<Integer, HostPort> parseVoters(String quorumVoters) {
        try {
            return QuorumVoters.parse(quorumVoters);
        } catch (IllegalArgumentException bad) {
            // The parser's messages already start with the key.
            throw new ConfigException(QUORUM_VOTERS, bad.getMessage().replaceFirst("^" + Pattern.quote(QUORUM_VOTERS) + " ", ""));
        }
    }

    private static NodeConfig.Listener parseListener(String listeners) {
        String[] entries = listeners.split(",", -1);
        if (entries.length != 1) {
            throw new ConfigException(LISTENERS, "has " + entries.length + " entries; a controller or a broker listens"
                    + " on exactly one (NAME://host:port), a combined node on two");
        }
        return listener(entries[0], listeners);
    }

    private static NodeConfig.Listener listener(String entry, String listeners) {
        Matcher listener = LISTENER.matcher(entry.trim());
        if (!listener.matches()) {
            throw new ConfigException(LISTENERS, "'" + listeners + "' is not NAME://host:port (e.g. CONTROLLER://127.0.0.1:9093)");
        }
        return new NodeConfig.Listener(listener.group(1), listenAddress(listener.group(2)));
    }

    /**
     * A combined node's two listeners, as Kafka configures one: {@code controller.listener.names}
     * names the controller's (the quorum and controller RPCs), the other is the broker's.
     *
     * @return the controller listener, then the broker listener
     */
    private static List<NodeConfig.Listener> combinedListeners(ConfigValues values, Optional<String> listeners) {
        String example = " (e.g. " + LISTENERS + "=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093 with "
                + CONTROLLER_LISTENER_NAMES + "=CONTROLLER)";
        String text = listeners.orElseThrow(() -> new ConfigException(LISTENERS, "is required for a combined node:"
                + " a controller listener and a broker listener" + example));
        String[] entries = text.split(",", -1);
        if (entries.length != 2) {
            throw new ConfigException(LISTENERS, "has " + entries.length + " entries; a combined node listens on"
                    + " exactly two, a controller listener and a broker listener" + example);
        }
        String names = values.string(CONTROLLER_LISTENER_NAMES).orElseThrow(() -> new ConfigException(
                CONTROLLER_LISTENER_NAMES, "is required for a combined node: it tells which of the two " + LISTENERS
                        + " is the controller's" + example));
        Set<String> controllerNames = new java.util.HashSet<>();
        for (String name : names.split(",")) {
            controllerNames.add(name.trim());
        }
        NodeConfig.Listener first = listener(entries[0], text);
        NodeConfig.Listener second = listener(entries[1], text);
        if (first.name().equals(second.name())) {
            throw new ConfigException(LISTENERS, "names '" + first.name() + "' twice; a combined node's two listeners"
                    + " need two names");
        }
        boolean firstIsController = controllerNames.contains(first.name());
        if (firstIsController == controllerNames.contains(second.name())) {
            throw new ConfigException(CONTROLLER_LISTENER_NAMES, "'" + names + "' must name exactly one of the two "
                    + LISTENERS + " ('" + first.name() + "', '" + second.name() + "'): the controller's");
        }
        NodeConfig.Listener controller = firstIsController ? first : second;
        NodeConfig.Listener broker = firstIsController ? second : first;
        if (controller.address().port() == broker.address().port()) {
            throw new ConfigException(LISTENERS, "gives both listeners port " + broker.address().port()
                    + "; the broker listener needs a port of its own");
        }
        return List.of(controller, broker);
    }

    /** {@code host:port}; an empty host ({@code CONTROLLER://:9093}) means every interface, as in Kafka. */
    private static HostPort listenAddress(String hostPort) {
        String text = hostPort.startsWith(":") ? "0.0.0.0" + hostPort : hostPort;
        try {
            return HostPort.parse(text);
        } catch (IllegalArgumentException bad) {
            throw new ConfigException(LISTENERS, bad.getMessage());
        }
    }

    /**
     * A broker listener is advertised, so it needs a fixed port, and not one a voter of the
     * quorum listens on at the same host.
     */
    private static NodeConfig.Listener checkBrokerListener(int nodeId, SortedMap<Integer, HostPort> voters,
            NodeConfig.Listener listener) {
        HostPort address = listener.address();
        if (address.port() == 0) {
            throw new ConfigException(LISTENERS, "'" + listener + "' has port 0, but a broker advertises its listener to"
                    + " clients and followers: give it a fixed port");
        }
        for (Map.Entry<Integer, HostPort> voter : voters.entrySet()) {
            if (voter.getValue().port() == address.port() && sameHost(voter.getValue().host(), address.host())) {
                throw new ConfigException(LISTENERS, "'" + listener + "' takes port " + address.port() + " of node "
                        + voter.getKey() + "'s entry in " + QUORUM_VOTERS + " (" + voter.getValue() + ")");
            }
        }
        return listener;
    }

    private static boolean sameHost(String voterHost, String listenHost) {
        return voterHost.equals(listenHost) || listenHost.equals("0.0.0.0") || listenHost.equals("::");
    }

    /** Other voters dial the port in this voter's entry, so it must be the port the node listens on. */
    private static void checkListenerPort(int nodeId, SortedMap<Integer, HostPort> voters, HostPort listenAddress) {
        HostPort entry = voters.get(nodeId);
        if (entry != null && entry.port() != listenAddress.port()) {
            throw new ConfigException(LISTENERS, "port " + listenAddress.port() + " differs from node " + nodeId
                    + "'s entry in " + QUORUM_VOTERS + " (" + entry + "): the other voters would not reach it");
        }
    }

    /**
     * {@code controller.listener.names} names the controllers' listener: a controller's own
     * listener must be one of them, a broker's must not (Kafka keeps the two apart).
     */
    private static void checkListenerName(ConfigValues values, ProcessRole role, Optional<String> listenerName) {
        Optional<String> names = values.string(CONTROLLER_LISTENER_NAMES);
        if (names.isEmpty() || listenerName.isEmpty()) {
            return;
        }
        boolean named = false;
        for (String name : names.get().split(",")) {
            named |= name.trim().equals(listenerName.get());
        }
        if (role == ProcessRole.CONTROLLER && !named) {
            throw new ConfigException(CONTROLLER_LISTENER_NAMES, "'" + names.get() + "' does not name the listener '"
                    + listenerName.get() + "' in " + LISTENERS);
        }
        if (role == ProcessRole.BROKER && named) {
            throw new ConfigException(LISTENERS, "a broker's listener '" + listenerName.get() + "' must not be one of "
                    + CONTROLLER_LISTENER_NAMES + " (" + names.get() + ")");
        }
    }

    private static Path metadataLogDir(ConfigValues values, ProcessRole role) {
        Optional<String> dir = values.string(METADATA_LOG_DIR);
        if (dir.isPresent()) {
            return ConfigValues.path(METADATA_LOG_DIR, dir.get());
        }
        if (role.runsBroker()) {
            // A broker's log.dirs holds its partitions; the metadata log may not share it (see brokerLogDir).
            throw new ConfigException(METADATA_LOG_DIR, "is required for a " + (role == ProcessRole.BROKER ? "broker"
                    : "combined node") + ": the directory `kraftlet format` prepared for this node, apart from "
                    + LOG_DIRS + " (which holds the partition logs)");
        }
        // As in Kafka, a controller's metadata log goes to the first of log.dirs when metadata.log.dir is not set.
        Optional<String> logDirs = values.string(LOG_DIRS);
        if (logDirs.isEmpty()) {
            throw new ConfigException(METADATA_LOG_DIR, "is required (or " + LOG_DIRS + "): the directory"
                    + " `kraftlet format` prepared for this node");
        }
        String first = logDirs.get().split(",", -1)[0].trim();
        if (first.isEmpty()) {
            throw new ConfigException(LOG_DIRS, "'" + logDirs.get() + "' starts with an empty entry");
        }
        return ConfigValues.path(LOG_DIRS, first);
    }

    /**
     * A broker's partition logs: exactly one directory (kraftlet has no JBOD), neither equal to
     * nor nested with {@code metadata.log.dir}, because a partition directory is named
     * {@code <topic>-<partition>} and the metadata log's own directory would be mistaken for one.
     */
    private static Path brokerLogDir(ConfigValues values, Path metadataLogDir) {
        String logDirs = values.string(LOG_DIRS).orElseThrow(() -> new ConfigException(LOG_DIRS, "is required for a"
                + " broker: the one directory that holds its partition logs, apart from " + METADATA_LOG_DIR));
        String[] entries = logDirs.split(",", -1);
        if (entries.length != 1) {
            throw new ConfigException(LOG_DIRS, "'" + logDirs + "' has " + entries.length + " entries; a broker"
                    + " keeps its partitions in exactly one directory");
        }
        Path logDir = ConfigValues.path(LOG_DIRS, entries[0].trim());
        Path data = logDir.toAbsolutePath().normalize();
        Path metadata = metadataLogDir.toAbsolutePath().normalize();
        if (data.startsWith(metadata) || metadata.startsWith(data)) {
            String relation = data.equals(metadata) ? "is the same directory as"
                    : data.startsWith(metadata) ? "lies inside" : "contains";
            throw new ConfigException(LOG_DIRS, "'" + logDir + "' " + relation + " " + METADATA_LOG_DIR + " ('"
                    + metadataLogDir + "'); give the partition logs and the metadata log two separate directories");
        }
        return logDir;
    }

    private static RaftConfig raftConfig(ConfigValues values) {
        RaftConfig defaults = RaftConfig.DEFAULT;
        int electionTimeoutMs = values.integer(ELECTION_TIMEOUT_MS, defaults.electionTimeoutMs(), 1, Integer.MAX_VALUE);
        int fetchTimeoutMs = values.integer(FETCH_TIMEOUT_MS, defaults.fetchTimeoutMs(), 1, Integer.MAX_VALUE);
        int electionBackoffMaxMs = values.integer(ELECTION_BACKOFF_MAX_MS, defaults.electionBackoffMaxMs(), 1, Integer.MAX_VALUE);
        int retryBackoffMs = values.integer(RETRY_BACKOFF_MS, defaults.retryBackoffMs(), 1, Integer.MAX_VALUE);
        int appendLingerMs = values.integer(APPEND_LINGER_MS, defaults.appendLingerMs(), 0, Integer.MAX_VALUE);
        int requestTimeoutMs = values.integer(REQUEST_TIMEOUT_MS, defaults.requestTimeoutMs(), 1, Integer.MAX_VALUE);
        if (requestTimeoutMs <= defaults.fetchMaxWaitMs()) {
            // The leader holds an empty fetch this long; a shorter request timeout would expire every one.
            throw new ConfigException(REQUEST_TIMEOUT_MS, requestTimeoutMs + " must be above the fetch long-poll wait of "
                    + defaults.fetchMaxWaitMs() + " ms");
        }
        return new RaftConfig(electionTimeoutMs, fetchTimeoutMs, electionBackoffMaxMs, retryBackoffMs, appendLingerMs,
                requestTimeoutMs, defaults.fetchMaxWaitMs(), defaults.fetchMaxBytes(), defaults.batchMaxBytes(),
                defaults.accumulatorMaxBytes(), defaults.snapshotChunkMaxBytes(), defaults.maxObservers(),
                defaults.maxBatchesPerDelivery());
    }

    private static ControllerConfig controllerConfig(ConfigValues values) {
        ControllerConfig defaults = ControllerConfig.DEFAULT;
        int sessionTimeoutMs = values.integer(BROKER_SESSION_TIMEOUT_MS, defaults.brokerSessionTimeoutMs(), 1,
                Integer.MAX_VALUE);
        int heartbeatIntervalMs = values.integer(BROKER_HEARTBEAT_INTERVAL_MS, defaults.brokerHeartbeatIntervalMs(), 1,
                Integer.MAX_VALUE);
        if (heartbeatIntervalMs >= sessionTimeoutMs) {
            // A session would expire between two heartbeats of a healthy broker.
            throw new ConfigException(BROKER_HEARTBEAT_INTERVAL_MS, heartbeatIntervalMs + " must be less than "
                    + BROKER_SESSION_TIMEOUT_MS + " (" + sessionTimeoutMs + ")");
        }
        boolean rebalance = values.bool(AUTO_LEADER_REBALANCE_ENABLE, defaults.autoLeaderRebalanceEnable());
        long checkIntervalMs = 1000L * values.integer(LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS,
                (int) (defaults.leaderImbalanceCheckIntervalMs() / 1000), 1, Integer.MAX_VALUE);
        int maxIdleIntervalMs = values.integer(MAX_IDLE_INTERVAL_MS, defaults.maxIdleIntervalMs(), 0, Integer.MAX_VALUE);
        int numPartitions = values.integer(NUM_PARTITIONS, defaults.defaultNumPartitions(), 1, Integer.MAX_VALUE);
        // Kafka holds replication factors in a short.
        int replicationFactor = values.integer(DEFAULT_REPLICATION_FACTOR, defaults.defaultReplicationFactor(), 1,
                Short.MAX_VALUE);
        int minInsyncReplicas = values.integer(MIN_INSYNC_REPLICAS, defaults.defaultMinInsyncReplicas(), 1,
                Integer.MAX_VALUE);
        boolean unclean = values.bool(UNCLEAN_LEADER_ELECTION_ENABLE, defaults.defaultUncleanLeaderElectionEnable());
        return new ControllerConfig(sessionTimeoutMs, heartbeatIntervalMs, rebalance, checkIntervalMs, maxIdleIntervalMs,
                numPartitions, replicationFactor, minInsyncReplicas, unclean, defaults.maxAppendBytes(),
                defaults.maxInFlightAppendBytes(), defaults.maxElectionsPerRebalance());
    }

    /**
     * The broker's replication settings: Kafka's {@code replica.*} and {@code message.max.bytes}
     * keys, and the broker defaults of the two topic settings the controller keys also give
     * ({@code min.insync.replicas}, {@code unclean.leader.election.enable}). Read for every role
     * so a malformed value never goes unnoticed; only a broker uses them.
     */
    private static ReplicationConfig replicationConfig(ConfigValues values, ControllerConfig controllerConfig) {
        ReplicationConfig defaults = ReplicationConfig.DEFAULT;
        int lagTimeMaxMs = values.integer(REPLICA_LAG_TIME_MAX_MS, (int) defaults.replicaLagTimeMaxMs(), 1,
                Integer.MAX_VALUE);
        int fetchWaitMaxMs = values.integer(REPLICA_FETCH_WAIT_MAX_MS, defaults.replicaFetchWaitMaxMs(), 0,
                Integer.MAX_VALUE);
        int fetchMaxBytes = values.integer(REPLICA_FETCH_MAX_BYTES, defaults.replicaFetchMaxBytes(), 1,
                Integer.MAX_VALUE);
        int fetchResponseMaxBytes = values.integer(REPLICA_FETCH_RESPONSE_MAX_BYTES,
                defaults.replicaFetchResponseMaxBytes(), 1, Integer.MAX_VALUE);
        int fetchBackoffMs = values.integer(REPLICA_FETCH_BACKOFF_MS, defaults.replicaFetchBackoffMs(), 0,
                Integer.MAX_VALUE);
        int messageMaxBytes = values.integer(MESSAGE_MAX_BYTES, defaults.messageMaxBytes(), 1, Integer.MAX_VALUE);
        if (fetchWaitMaxMs >= lagTimeMaxMs) {
            // A leader that parks a fetch that long would shrink the ISR of a follower that is only waiting on it.
            throw new ConfigException(REPLICA_FETCH_WAIT_MAX_MS, fetchWaitMaxMs + " must be less than "
                    + REPLICA_LAG_TIME_MAX_MS + " (" + lagTimeMaxMs + ")");
        }
        return new ReplicationConfig(lagTimeMaxMs, fetchWaitMaxMs, fetchMaxBytes, fetchResponseMaxBytes,
                fetchBackoffMs, controllerConfig.defaultMinInsyncReplicas(),
                controllerConfig.defaultUncleanLeaderElectionEnable(), messageMaxBytes,
                defaults.maxWaitingProducesPerPartition(), defaults.alterPartitionRetryBackoffMs());
    }

    /**
     * {@code inter.broker.listener.name}: the advertised listener followers fetch on. A broker
     * advertises exactly one listener, so the name must be that one's.
     */
    private static Optional<String> interBrokerListenerName(ConfigValues values,
            Optional<NodeConfig.Listener> brokerListener) {
        Optional<String> name = values.string(INTER_BROKER_LISTENER_NAME).map(String::trim);
        if (name.isPresent() && brokerListener.isPresent() && !name.get().equals(brokerListener.get().name())) {
            throw new ConfigException(INTER_BROKER_LISTENER_NAME, "'" + name.get() + "' is not the listener this broker"
                    + " advertises ('" + brokerListener.get().name() + "' in " + LISTENERS + "); followers would find"
                    + " no endpoint to fetch from");
        }
        return name;
    }

    /** The example load appends raw records, which only the example state machine takes. */
    private static int appendRecordsPerSecond(ConfigValues values, boolean example) {
        int recordsPerSecond = values.integer(APPEND_RECORDS_PER_SECOND, 0, 0, MAX_APPEND_RECORDS_PER_SECOND);
        if (recordsPerSecond > 0 && !example) {
            throw new ConfigException(APPEND_RECORDS_PER_SECOND, "needs " + EXAMPLE_STATE_MACHINE + "=true: the example"
                    + " load appends raw records, which the controller's metadata log does not take");
        }
        return recordsPerSecond;
    }

    private static OptionalInt metricsPort(ConfigValues values) {
        Optional<Integer> port = values.integer(METRICS_PORT, 0, 65_535);
        return port.map(OptionalInt::of).orElse(OptionalInt.empty());
    }

    private static Map<String, String> keys() {
        ControllerConfig defaults = ControllerConfig.DEFAULT;
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put(NODE_ID, "this node's id (required)");
        keys.put(PROCESS_ROLES, "controller, broker, or broker,controller (combined) (required)");
        keys.put(QUORUM_VOTERS, "id@host:port,... (required); a controller or combined node is one of them, a broker"
                + " is not");
        keys.put(LISTENERS, "NAME://host:port: a controller serves on it (default: its voter entry); a broker"
                + " advertises it (required); a combined node has two, the controller's and the broker's (required)");
        keys.put(CONTROLLER_LISTENER_NAMES, "names the controller listener: required for a combined node; if set,"
                + " must name a controller's listener and not a broker's");
        keys.put(METADATA_LOG_DIR, "the directory `kraftlet format` prepared (required, or " + LOG_DIRS + ")");
        keys.put(LOG_DIRS, "broker and combined: the one directory of its partition logs (required), apart from "
                + METADATA_LOG_DIR + "; controller: its first entry is used when " + METADATA_LOG_DIR + " is not set");
        keys.put(CLUSTER_ID, "checked against meta.properties when set");
        keys.put(ELECTION_TIMEOUT_MS, "default " + RaftConfig.DEFAULT.electionTimeoutMs());
        keys.put(FETCH_TIMEOUT_MS, "default " + RaftConfig.DEFAULT.fetchTimeoutMs());
        keys.put(ELECTION_BACKOFF_MAX_MS, "default " + RaftConfig.DEFAULT.electionBackoffMaxMs());
        keys.put(APPEND_LINGER_MS, "default " + RaftConfig.DEFAULT.appendLingerMs());
        keys.put(REQUEST_TIMEOUT_MS, "default " + RaftConfig.DEFAULT.requestTimeoutMs());
        keys.put(RETRY_BACKOFF_MS, "default " + RaftConfig.DEFAULT.retryBackoffMs());
        keys.put(BROKER_HEARTBEAT_INTERVAL_MS, "how often a broker heartbeats (default "
                + defaults.brokerHeartbeatIntervalMs() + ")");
        keys.put(BROKER_SESSION_TIMEOUT_MS, "controller: a broker without a heartbeat for this long is fenced; broker: a"
                + " controlled shutdown no controller answers for this long is given up (default "
                + defaults.brokerSessionTimeoutMs() + ")");
        keys.put(BROKER_RACK, "broker: the rack it registers with (default none)");
        keys.put(AUTO_LEADER_REBALANCE_ENABLE, "controller: move leadership back to preferred replicas (default "
                + defaults.autoLeaderRebalanceEnable() + ")");
        keys.put(LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS, "controller: how often it looks (default "
                + defaults.leaderImbalanceCheckIntervalMs() / 1000 + ")");
        keys.put(NUM_PARTITIONS, "controller: partitions of a topic created without a count (default "
                + defaults.defaultNumPartitions() + ")");
        keys.put(DEFAULT_REPLICATION_FACTOR, "controller: replication factor of a topic created without one (default "
                + defaults.defaultReplicationFactor() + ")");
        keys.put(MIN_INSYNC_REPLICAS, "controller and broker: for topics that do not set it (default "
                + defaults.defaultMinInsyncReplicas() + ")");
        keys.put(UNCLEAN_LEADER_ELECTION_ENABLE, "controller and broker: for topics that do not set it (default "
                + defaults.defaultUncleanLeaderElectionEnable() + ")");
        ReplicationConfig replication = ReplicationConfig.DEFAULT;
        keys.put(REPLICA_LAG_TIME_MAX_MS, "broker: a follower not caught up for this long leaves the ISR (default "
                + replication.replicaLagTimeMaxMs() + ")");
        keys.put(REPLICA_FETCH_WAIT_MAX_MS, "broker: how long a leader holds a follower fetch without new records,"
                + " below " + REPLICA_LAG_TIME_MAX_MS + " (default " + replication.replicaFetchWaitMaxMs() + ")");
        keys.put(REPLICA_FETCH_MAX_BYTES, "broker: record bytes a follower asks for per partition (default "
                + replication.replicaFetchMaxBytes() + ")");
        keys.put(REPLICA_FETCH_RESPONSE_MAX_BYTES, "broker: record bytes in one fetch answer (default "
                + replication.replicaFetchResponseMaxBytes() + ")");
        keys.put(REPLICA_FETCH_BACKOFF_MS, "broker: pause after a failed fetch (default "
                + replication.replicaFetchBackoffMs() + ")");
        keys.put(MESSAGE_MAX_BYTES, "broker: the largest produce request, in record bytes (default "
                + replication.messageMaxBytes() + ")");
        keys.put(INTER_BROKER_LISTENER_NAME, "broker: the advertised listener followers fetch on; must be the one in "
                + LISTENERS + " (default: that one)");
        keys.put(MAX_IDLE_INTERVAL_MS, "controller: an idle active controller writes a NoOp record this often, 0 off"
                + " (default " + defaults.maxIdleIntervalMs() + ")");
        keys.put(METRICS_PORT, "serve Prometheus on http://<listener host>:PORT/metrics (default off)");
        keys.put(TlsKeys.CERTIFICATE_FILE, "PEM certificate chain of this node (mutual TLS: all three or none)");
        keys.put(TlsKeys.KEY_FILE, "PEM key of that certificate (unencrypted PKCS#8)");
        keys.put(TlsKeys.TRUSTSTORE_FILE, "PEM certificates that peers' certificates must chain to");
        keys.put(SNAPSHOT_INTERVAL_RECORDS, "controller: snapshot the metadata image every N committed records (default "
                + DEFAULT_CONTROLLER_SNAPSHOT_INTERVAL_RECORDS + "; " + DEFAULT_SNAPSHOT_INTERVAL_RECORDS
                + " with the example state machine)");
        keys.put(EXAMPLE_STATE_MACHINE, "controller: run the raw example state machine (committed.txt) instead of the"
                + " controller (default false)");
        keys.put(APPEND_RECORDS_PER_SECOND, "example state machine load: records a second the leader appends"
                + " (default 0)");
        return Collections.unmodifiableMap(keys);
    }
}

package io.kraftlet.examples.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.controller.ControllerConfig;
import io.kraftlet.raft.RaftConfig;
import io.kraftlet.replication.ReplicationConfig;
import io.kraftlet.transport.grpc.HostPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeConfigParserTest {
    @TempDir
    Path tmp;

    private static Map<String, String> minimal() {
        Map<String, String> properties = new HashMap<>();
        properties.put("node.id", "1");
        properties.put("process.roles", "controller");
        properties.put("controller.quorum.voters", "1@127.0.0.1:9093,2@127.0.0.1:9094,3@127.0.0.1:9095");
        properties.put("metadata.log.dir", "/var/lib/kraftlet/1");
        return properties;
    }

    private static Map<String, String> with(String key, String value) {
        Map<String, String> properties = minimal();
        if (value == null) {
            properties.remove(key);
        } else {
            properties.put(key, value);
        }
        return properties;
    }

    private static ConfigException refused(Map<String, String> properties) {
        return assertThrows(ConfigException.class, () -> NodeConfigParser.parse(properties));
    }

    @Test
    void minimalConfigurationTakesKafkasDefaults() {
        NodeConfig config = NodeConfigParser.parse(minimal());

        assertEquals(1, config.nodeId());
        assertTrue(config.isVoter());
        assertEquals(new HostPort("127.0.0.1", 9093), config.listenAddress());
        assertEquals(Path.of("/var/lib/kraftlet/1"), config.metadataLogDir());
        assertEquals(RaftConfig.DEFAULT, config.raftConfig());
        assertEquals(Optional.empty(), config.clusterId());
        assertTrue(config.metricsPort().isEmpty());
        assertTrue(config.tls().isEmpty());
        assertEquals(ProcessRole.CONTROLLER, config.role());
        assertEquals(ControllerConfig.DEFAULT, config.controllerConfig());
        assertEquals("", config.brokerRack());
        assertFalse(config.exampleStateMachine());
        assertEquals(50_000, config.snapshotIntervalRecords());
        assertEquals(0, config.appendRecordsPerSecond());
    }

    @Test
    void theControllerKeysTakeKafkasDefaults() {
        ControllerConfig defaults = NodeConfigParser.parse(minimal()).controllerConfig();

        assertEquals(2000, defaults.brokerHeartbeatIntervalMs());
        assertEquals(9000, defaults.brokerSessionTimeoutMs());
        assertTrue(defaults.autoLeaderRebalanceEnable());
        assertEquals(300_000, defaults.leaderImbalanceCheckIntervalMs());
        assertEquals(1, defaults.defaultNumPartitions());
        assertEquals(1, defaults.defaultReplicationFactor());
        assertEquals(1, defaults.defaultMinInsyncReplicas());
        assertFalse(defaults.defaultUncleanLeaderElectionEnable());
        assertEquals(500, defaults.maxIdleIntervalMs());
    }

    @Test
    void theControllerKeysAreRead() {
        Map<String, String> properties = minimal();
        properties.put("broker.heartbeat.interval.ms", "300");
        properties.put("broker.session.timeout.ms", "3000");
        properties.put("auto.leader.rebalance.enable", "FALSE");
        properties.put("leader.imbalance.check.interval.seconds", "30");
        properties.put("num.partitions", "6");
        properties.put("default.replication.factor", "3");
        properties.put("min.insync.replicas", "2");
        properties.put("unclean.leader.election.enable", "true");
        properties.put("metadata.max.idle.interval.ms", "0");
        properties.put("broker.rack", "rack-a");

        NodeConfig config = NodeConfigParser.parse(properties);

        assertEquals(new ControllerConfig(3000, 300, false, 30_000, 0, 6, 3, 2, true,
                ControllerConfig.DEFAULT.maxAppendBytes(), ControllerConfig.DEFAULT.maxInFlightAppendBytes(),
                ControllerConfig.DEFAULT.maxElectionsPerRebalance()), config.controllerConfig());
        assertEquals("rack-a", config.brokerRack());
    }

    /** A valid broker: node 4, outside the voters, its partitions apart from its metadata log. */
    private static Map<String, String> broker() {
        Map<String, String> properties = with("node.id", "4");
        properties.put("process.roles", "broker");
        properties.put("listeners", "PLAINTEXT://127.0.0.1:9192");
        properties.put("metadata.log.dir", "/var/lib/kraftlet/4/metadata");
        properties.put("log.dirs", "/var/lib/kraftlet/4/data");
        return properties;
    }

    @Test
    void aBrokerAdvertisesItsListenerAndFollowsTheQuorumAsAnObserver() {
        Map<String, String> properties = broker();
        properties.put("controller.listener.names", "CONTROLLER");
        properties.put("broker.heartbeat.interval.ms", "300");

        NodeConfig config = NodeConfigParser.parse(properties);

        assertEquals(ProcessRole.BROKER, config.role());
        assertFalse(config.isVoter());
        assertEquals(Optional.of("PLAINTEXT"), config.listenerName());
        assertEquals(new HostPort("127.0.0.1", 9192), config.listenAddress());
        assertEquals(300, config.controllerConfig().brokerHeartbeatIntervalMs());
        assertEquals(Optional.of(Path.of("/var/lib/kraftlet/4/data")), config.logDir());
        assertEquals(Path.of("/var/lib/kraftlet/4/metadata"), config.metadataLogDir());
        assertEquals(ReplicationConfig.DEFAULT, config.replicationConfig());
        assertEquals(Optional.empty(), config.interBrokerListenerName());
    }

    @Test
    void theReplicationKeysTakeKafkasDefaults() {
        ReplicationConfig defaults = NodeConfigParser.parse(broker()).replicationConfig();

        assertEquals(30_000, defaults.replicaLagTimeMaxMs());
        assertEquals(500, defaults.replicaFetchWaitMaxMs());
        assertEquals(1_048_576, defaults.replicaFetchMaxBytes());
        assertEquals(10_485_760, defaults.replicaFetchResponseMaxBytes());
        assertEquals(1000, defaults.replicaFetchBackoffMs());
        assertEquals(1_048_588, defaults.messageMaxBytes());
        assertEquals(1, defaults.minInsyncReplicas());
        assertFalse(defaults.uncleanLeaderElectionEnable());
    }

    @Test
    void theReplicationKeysAreReadAndTheTopicDefaultsReachTheBroker() {
        Map<String, String> properties = broker();
        properties.put("replica.lag.time.max.ms", "5000");
        properties.put("replica.fetch.wait.max.ms", "100");
        properties.put("replica.fetch.max.bytes", "65536");
        properties.put("replica.fetch.response.max.bytes", "262144");
        properties.put("replica.fetch.backoff.ms", "50");
        properties.put("message.max.bytes", "2000000");
        properties.put("min.insync.replicas", "2");
        properties.put("unclean.leader.election.enable", "true");
        properties.put("inter.broker.listener.name", "PLAINTEXT");

        NodeConfig config = NodeConfigParser.parse(properties);

        ReplicationConfig defaults = ReplicationConfig.DEFAULT;
        assertEquals(new ReplicationConfig(5000, 100, 65_536, 262_144, 50, 2, true, 2_000_000,
                defaults.maxWaitingProducesPerPartition(), defaults.alterPartitionRetryBackoffMs()),
                config.replicationConfig());
        assertEquals(2, config.controllerConfig().defaultMinInsyncReplicas());
        assertEquals(Optional.of("PLAINTEXT"), config.interBrokerListenerName());
    }

    @Test
    void aBrokerNeedsOneLogDirApartFromItsMetadataLog() {
        ConfigException missing = refused(with(broker(), "log.dirs", null));
        assertEquals("log.dirs", missing.key());
        assertTrue(missing.getMessage().contains("is required for a broker"), missing.getMessage());

        ConfigException noMetadataDir = refused(with(broker(), "metadata.log.dir", null));
        assertEquals("metadata.log.dir", noMetadataDir.key());
        assertTrue(noMetadataDir.getMessage().contains("is required for a broker"), noMetadataDir.getMessage());

        ConfigException two = refused(with(broker(), "log.dirs", "/data/a,/data/b"));
        assertEquals("log.dirs", two.key());
        assertTrue(two.getMessage().contains("exactly one directory"), two.getMessage());

        ConfigException same = refused(with(broker(), "log.dirs", "/var/lib/kraftlet/4/metadata/."));
        assertEquals("log.dirs: '/var/lib/kraftlet/4/metadata/.' is the same directory as metadata.log.dir"
                + " ('/var/lib/kraftlet/4/metadata'); give the partition logs and the metadata log two separate"
                + " directories", same.getMessage());

        ConfigException inside = refused(with(broker(), "log.dirs", "/var/lib/kraftlet/4/metadata/data"));
        assertEquals("log.dirs", inside.key());
        assertTrue(inside.getMessage().contains("lies inside metadata.log.dir"), inside.getMessage());

        ConfigException around = refused(with(broker(), "log.dirs", "/var/lib/kraftlet/4/metadata/.."));
        assertEquals("log.dirs", around.key());
        assertTrue(around.getMessage().contains("contains metadata.log.dir"), around.getMessage());

        // A sibling whose name starts the same is a separate directory.
        assertEquals(Optional.of(Path.of("/var/lib/kraftlet/4/metadata-data")),
                NodeConfigParser.parse(with(broker(), "log.dirs", "/var/lib/kraftlet/4/metadata-data")).logDir());
    }

    @Test
    void aFetchMayNotBeHeldLongerThanTheLagLimit() {
        Map<String, String> properties = with(broker(), "replica.lag.time.max.ms", "500");

        ConfigException refusal = refused(properties);

        assertEquals("replica.fetch.wait.max.ms: 500 must be less than replica.lag.time.max.ms (500)",
                refusal.getMessage());
    }

    @Test
    void theInterBrokerListenerMustBeTheAdvertisedOne() {
        ConfigException refusal = refused(with(broker(), "inter.broker.listener.name", "REPLICATION"));

        assertEquals("inter.broker.listener.name", refusal.key());
        assertTrue(refusal.getMessage().contains("'REPLICATION' is not the listener this broker advertises"
                + " ('PLAINTEXT' in listeners)"), refusal.getMessage());
    }

    @Test
    void aControllerHasNoPartitionLogDir() {
        assertEquals(Optional.empty(), NodeConfigParser.parse(minimal()).logDir());
    }

    private static Map<String, String> with(Map<String, String> properties, String key, String value) {
        Map<String, String> changed = new HashMap<>(properties);
        if (value == null) {
            changed.remove(key);
        } else {
            changed.put(key, value);
        }
        return changed;
    }

    @Test
    void aBrokerNeedsAListenerOfItsOwnAndAnIdOutsideTheVoters() {
        Map<String, String> broker = with("node.id", "4");
        broker.put("process.roles", "broker");
        ConfigException noListener = refused(broker);
        assertEquals("listeners", noListener.key());
        assertTrue(noListener.getMessage().contains("is required for a broker"), noListener.getMessage());

        broker.put("listeners", "CONTROLLER://127.0.0.1:9192");
        broker.put("controller.listener.names", "CONTROLLER");
        ConfigException controllerListener = refused(broker);
        assertEquals("listeners", controllerListener.key());
        assertTrue(controllerListener.getMessage().contains("must not be one of controller.listener.names"),
                controllerListener.getMessage());

        broker.put("listeners", "PLAINTEXT://127.0.0.1:9192");
        broker.put("node.id", "1");
        ConfigException voter = refused(broker);
        assertEquals("node.id", voter.key());
        assertTrue(voter.getMessage().contains("cannot run a broker"), voter.getMessage());
    }

    @Test
    void aControllerMustBeAVoterUnlessItRunsTheExampleStateMachine() {
        ConfigException refusal = refused(with("node.id", "4"));

        assertEquals("node.id", refusal.key());
        assertTrue(refusal.getMessage().contains("4 runs a controller, so it must be one of controller.quorum.voters"),
                refusal.getMessage());
    }

    @Test
    void theExampleStateMachineIsForControllersAndItsLoadNeedsIt() {
        Map<String, String> broker = with("node.id", "4");
        broker.put("process.roles", "broker");
        broker.put("listeners", "PLAINTEXT://127.0.0.1:9192");
        broker.put("kraftlet.example.state.machine", "true");
        assertEquals("kraftlet.example.state.machine", refused(broker).key());

        ConfigException load = refused(with("kraftlet.example.append.records.per.second", "10"));
        assertEquals("kraftlet.example.append.records.per.second", load.key());
        assertTrue(load.getMessage().contains("needs kraftlet.example.state.machine=true"), load.getMessage());

        Map<String, String> example = with("kraftlet.example.state.machine", "true");
        example.put("kraftlet.example.append.records.per.second", "10");
        NodeConfig config = NodeConfigParser.parse(example);
        assertTrue(config.exampleStateMachine());
        assertEquals(NodeConfigParser.DEFAULT_SNAPSHOT_INTERVAL_RECORDS, config.snapshotIntervalRecords());
    }

    @Test
    void aHeartbeatIntervalMustBeShorterThanTheSession() {
        Map<String, String> properties = with("broker.session.timeout.ms", "2000");

        ConfigException refusal = refused(properties);

        assertEquals("broker.heartbeat.interval.ms", refusal.key());
        assertEquals("broker.heartbeat.interval.ms: 2000 must be less than broker.session.timeout.ms (2000)",
                refusal.getMessage());
    }

    @Test
    void everyKeyIsRead() {
        Map<String, String> properties = minimal();
        properties.put("listeners", "CONTROLLER://0.0.0.0:9093");
        properties.put("controller.listener.names", "CONTROLLER");
        properties.put("cluster.id", "MkU3OEVBNTcwNTJENDM2Qk");
        properties.put("controller.quorum.election.timeout.ms", "500");
        properties.put("controller.quorum.fetch.timeout.ms", "1500");
        properties.put("controller.quorum.election.backoff.max.ms", "700");
        properties.put("controller.quorum.append.linger.ms", "5");
        properties.put("controller.quorum.request.timeout.ms", "1200");
        properties.put("controller.quorum.retry.backoff.ms", "30");
        properties.put("metrics.port", "9100");
        properties.put("metadata.log.snapshot.interval.records", "50");
        properties.put("kraftlet.example.state.machine", "true");
        properties.put("kraftlet.example.append.records.per.second", "20");

        NodeConfig config = NodeConfigParser.parse(properties);

        assertEquals(Optional.of("CONTROLLER"), config.listenerName());
        assertEquals(new HostPort("0.0.0.0", 9093), config.listenAddress());
        assertEquals(Optional.of("MkU3OEVBNTcwNTJENDM2Qk"), config.clusterId());
        RaftConfig raft = config.raftConfig();
        assertEquals(500, raft.electionTimeoutMs());
        assertEquals(1500, raft.fetchTimeoutMs());
        assertEquals(700, raft.electionBackoffMaxMs());
        assertEquals(5, raft.appendLingerMs());
        assertEquals(1200, raft.requestTimeoutMs());
        assertEquals(30, raft.retryBackoffMs());
        assertEquals(RaftConfig.DEFAULT.fetchMaxBytes(), raft.fetchMaxBytes());
        assertEquals(9100, config.metricsPort().getAsInt());
        assertEquals(50, config.snapshotIntervalRecords());
        assertTrue(config.exampleStateMachine());
        assertEquals(20, config.appendRecordsPerSecond());
    }

    @Test
    void everyDocumentedKeyIsAccepted() {
        // KEYS drives both the unknown-key check and the help text; nothing documented may be refused as unknown.
        for (String key : NodeConfigParser.KEYS.keySet()) {
            ConfigException refusal = assertThrows(ConfigException.class, () -> NodeConfigParser.parse(with(key, "")));
            assertEquals(key, refusal.key(), refusal.getMessage());
            assertTrue(refusal.getMessage().contains("is empty"), refusal.getMessage());
        }
    }

    @Test
    void anExampleObserverIsANodeOutsideTheVotersAndListensOnAnEphemeralPort() {
        Map<String, String> properties = with("node.id", "4");
        properties.put("kraftlet.example.state.machine", "true");

        NodeConfig config = NodeConfigParser.parse(properties);

        assertFalse(config.isVoter());
        assertEquals(new HostPort("127.0.0.1", 0), config.listenAddress());
    }

    @Test
    void logDirsIsUsedWhenMetadataLogDirIsNot() {
        Map<String, String> properties = with("metadata.log.dir", null);
        properties.put("log.dirs", "/data/a, /data/b");

        assertEquals(Path.of("/data/a"), NodeConfigParser.parse(properties).metadataLogDir());
    }

    @Test
    void anEmptyListenerHostMeansEveryInterface() {
        assertEquals(new HostPort("0.0.0.0", 9093),
                NodeConfigParser.parse(with("listeners", "CONTROLLER://:9093")).listenAddress());
    }

    @Test
    void tlsNeedsAllThreeReadableFiles() throws IOException {
        Path certificate = Files.writeString(tmp.resolve("node.crt.pem"), "x");
        Path key = Files.writeString(tmp.resolve("node.key.pem"), "x");
        Path trust = Files.writeString(tmp.resolve("ca.pem"), "x");
        Map<String, String> properties = minimal();
        properties.put("ssl.certificate.file", certificate.toString());
        properties.put("ssl.key.file", key.toString());
        properties.put("ssl.truststore.file", trust.toString());

        NodeConfig config = NodeConfigParser.parse(properties);
        assertEquals(certificate, config.tls().orElseThrow().certificateChainFile());

        properties.remove("ssl.key.file");
        assertEquals("ssl.key.file", refused(properties).key());

        properties.put("ssl.key.file", tmp.resolve("missing.pem").toString());
        ConfigException missing = refused(properties);
        assertEquals("ssl.key.file", missing.key());
        assertTrue(missing.getMessage().contains("missing.pem"), missing.getMessage());
    }

    @Test
    void anUnknownKeyIsNamedBeforeAnythingElse() {
        // A typo such as node.idd must not surface as "node.id is required".
        Map<String, String> properties = with("node.id", null);
        properties.put("node.idd", "1");

        ConfigException refusal = refused(properties);

        assertEquals("node.idd", refusal.key());
        assertTrue(refusal.getMessage().startsWith("node.idd: unknown configuration key"), refusal.getMessage());
    }

    private static Map<String, String> combined() {
        Map<String, String> properties = minimal();
        properties.put("process.roles", "broker,controller");
        properties.put("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093");
        properties.put("controller.listener.names", "CONTROLLER");
        properties.put("log.dirs", "/var/lib/kraftlet/1-data");
        return properties;
    }

    @Test
    void aCombinedNodeHasAControllerListenerAndABrokerListener() {
        for (String roles : new String[] {"broker,controller", "controller, broker"}) {
            Map<String, String> properties = combined();
            properties.put("process.roles", roles);
            NodeConfig config = NodeConfigParser.parse(properties);

            assertEquals(ProcessRole.COMBINED, config.role());
            assertTrue(config.isVoter());
            assertEquals(Optional.of("CONTROLLER"), config.listenerName());
            assertEquals(new HostPort("127.0.0.1", 9093), config.listenAddress(), "the quorum serves on the voter port");
            assertEquals(Optional.of(new NodeConfig.Listener("PLAINTEXT", new HostPort("127.0.0.1", 9092))),
                    config.brokerListener());
            assertEquals(Optional.of(Path.of("/var/lib/kraftlet/1-data")), config.logDir());
        }
        // The order of the two listeners does not matter; controller.listener.names decides.
        Map<String, String> swapped = combined();
        swapped.put("listeners", "CONTROLLER://127.0.0.1:9093,PLAINTEXT://127.0.0.1:9092");
        assertEquals(NodeConfigParser.parse(combined()), NodeConfigParser.parse(swapped));
        Map<String, String> interBroker = combined();
        interBroker.put("inter.broker.listener.name", "PLAINTEXT");
        assertEquals(Optional.of("PLAINTEXT"), NodeConfigParser.parse(interBroker).interBrokerListenerName());
        // A controller has no broker listener; a broker's is its one listener.
        assertEquals(Optional.empty(), NodeConfigParser.parse(minimal()).brokerListener());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "process.roles | broker,broker | lists broker twice",
        "node.id | 7 | must be one of controller.quorum.voters",
        "listeners | CONTROLLER://127.0.0.1:9093 | has 1 entries; a combined node listens on exactly two",
        "listeners | PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093,X://127.0.0.1:1 | has 3 entries",
        "listeners | CONTROLLER://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093 | names 'CONTROLLER' twice",
        "listeners | PLAINTEXT://127.0.0.1:9093,CONTROLLER://127.0.0.1:9093 | needs a port of its own",
        "listeners | PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9999 | differs from node 1's entry",
        "listeners | PLAINTEXT://127.0.0.1:9092,CONTROLLER:/bad | is not NAME://host:port",
        "controller.listener.names | OTHER | must name exactly one of the two listeners",
        "controller.listener.names | CONTROLLER,PLAINTEXT | must name exactly one of the two listeners",
        "inter.broker.listener.name | CONTROLLER | is not the listener this broker advertises",
        "log.dirs | /var/lib/kraftlet/1 | is the same directory as metadata.log.dir",
        "listeners | PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:9093 | has port 0, but a broker advertises",
        "listeners | PLAINTEXT://127.0.0.1:9094,CONTROLLER://127.0.0.1:9093 | takes port 9094 of node 2's entry",
        "listeners | PLAINTEXT://:9095,CONTROLLER://127.0.0.1:9093 | takes port 9095 of node 3's entry",
    })
    void aCombinedNodeRefusesListenersAndDirectoriesThatDoNotFit(String key, String value, String expected) {
        Map<String, String> properties = combined();
        properties.put(key, value);
        ConfigException refusal = refused(properties);
        assertTrue(refusal.getMessage().contains(expected), refusal.getMessage());
    }

    @ParameterizedTest(name = "without {0}")
    @CsvSource({"listeners", "controller.listener.names", "log.dirs", "metadata.log.dir"})
    void aCombinedNodeNeedsBothListenersTheirNamesAndBothDirectories(String key) {
        Map<String, String> properties = combined();
        properties.remove(key);
        ConfigException refusal = refused(properties);
        assertEquals(key, refusal.key(), refusal.getMessage());
        assertTrue(refusal.getMessage().contains("is required"), refusal.getMessage());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "node.id | abc | 'abc' is not an integer",
        "node.id | -1 | out of range",
        "node.id | 99999999999 | out of range",
        "process.roles | zookeeper | unknown role 'zookeeper'",
        "controller.quorum.voters | 1@127.0.0.1 | entry 1",
        "controller.quorum.voters | 1@127.0.0.1:9093,1@127.0.0.1:9094 | repeats voter id 1",
        "controller.quorum.voters | x@127.0.0.1:9093 | not a number",
        "listeners | 127.0.0.1:9093 | is not NAME://host:port",
        "listeners | CONTROLLER://127.0.0.1:9093,PLAINTEXT://127.0.0.1:9092 | exactly one",
        "listeners | CONTROLLER://127.0.0.1:9999 | differs from node 1's entry",
        "listeners | CONTROLLER://127.0.0.1:x | is not a number",
        "cluster.id | not/valid | must be letters",
        "controller.quorum.election.timeout.ms | 0 | out of range",
        "controller.quorum.fetch.timeout.ms | 1.5 | is not an integer",
        "controller.quorum.election.backoff.max.ms | -3 | out of range",
        "controller.quorum.append.linger.ms | -1 | out of range",
        "controller.quorum.request.timeout.ms | 400 | above the fetch long-poll wait",
        "controller.quorum.retry.backoff.ms | ten | is not an integer",
        "metrics.port | 70000 | out of range",
        "metadata.log.snapshot.interval.records | 0 | out of range",
        "kraftlet.example.append.records.per.second | -5 | out of range",
        "kraftlet.example.state.machine | yes | 'yes' is not true or false",
        "broker.heartbeat.interval.ms | 0 | out of range",
        "broker.session.timeout.ms | 9s | is not an integer",
        "auto.leader.rebalance.enable | 1 | '1' is not true or false",
        "leader.imbalance.check.interval.seconds | 0 | out of range",
        "leader.imbalance.check.interval.seconds | 99999999999 | out of range",
        "num.partitions | 0 | out of range",
        "default.replication.factor | 40000 | out of range",
        "min.insync.replicas | -1 | out of range",
        "unclean.leader.election.enable | maybe | 'maybe' is not true or false",
        "metadata.max.idle.interval.ms | -1 | out of range",
        "replica.lag.time.max.ms | 0 | out of range",
        "replica.lag.time.max.ms | 30s | is not an integer",
        "replica.fetch.wait.max.ms | -1 | out of range",
        "replica.fetch.max.bytes | 0 | out of range",
        "replica.fetch.response.max.bytes | 1MB | is not an integer",
        "replica.fetch.backoff.ms | -5 | out of range",
        "message.max.bytes | 0 | out of range",
        "message.max.bytes | 99999999999 | out of range",
    })
    void aMalformedValueIsRefusedNamingItsKey(String key, String value, String problem) {
        ConfigException refusal = refused(with(key, value));

        assertEquals(key, refusal.key());
        assertTrue(refusal.getMessage().startsWith(key + ": "), refusal.getMessage());
        assertTrue(refusal.getMessage().contains(problem), refusal.getMessage());
        assertFalse(refusal.getMessage().contains("\n"), "one line: " + refusal.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"node.id", "process.roles", "controller.quorum.voters", "metadata.log.dir"})
    void aMissingRequiredKeyIsNamed(String key) {
        ConfigException refusal = refused(with(key, null));

        assertEquals(key, refusal.key());
        assertTrue(refusal.getMessage().contains("required"), refusal.getMessage());
    }

    @Test
    void controllerListenerNamesMustNameTheListener() {
        Map<String, String> properties = with("listeners", "CONTROLLER://127.0.0.1:9093");
        properties.put("controller.listener.names", "OTHER");

        assertEquals("controller.listener.names", refused(properties).key());
    }
}

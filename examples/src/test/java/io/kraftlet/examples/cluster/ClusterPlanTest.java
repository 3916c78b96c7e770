package io.kraftlet.examples.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.examples.config.NodeConfig;
import io.kraftlet.examples.config.NodeConfigParser;
import io.kraftlet.examples.config.ProcessRole;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The layout {@code cluster up} writes: ids, ports, files, and properties that {@code kraftlet node} accepts. */
class ClusterPlanTest {
    private final Path dir = Path.of("/tmp/kraftlet-plan-test");
    private final ClusterPlan plan = new ClusterPlan(dir, "plan-test", 9092, 3, 3);

    @Test
    void brokersTakeTheFirstPortsThenControllersThenMetrics() {
        List<ClusterNode> nodes = plan.nodes();

        assertEquals(List.of(1, 2, 3, 3001, 3002, 3003), nodes.stream().map(ClusterNode::nodeId).toList());
        assertEquals(List.of(9092, 9093, 9094, 9095, 9096, 9097), nodes.stream().map(ClusterNode::port).toList());
        assertEquals(List.of(9098, 9099, 9100, 9101, 9102, 9103), nodes.stream().map(ClusterNode::metricsPort).toList());
        assertEquals(ProcessRole.BROKER, nodes.get(0).role());
        assertEquals(ProcessRole.CONTROLLER, nodes.get(3).role());
        assertEquals(dir.resolve("config/broker-1.properties"), nodes.get(0).configFile());
        assertEquals(dir.resolve("logs/controller-3001.log"), nodes.get(3).logFile());
    }

    @Test
    void endpointsListEveryNodeOfTheirKind() {
        assertEquals("127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094", plan.bootstrapServers());
        assertEquals("127.0.0.1:9095,127.0.0.1:9096,127.0.0.1:9097", plan.bootstrapControllers());
        assertEquals("3001@127.0.0.1:9095,3002@127.0.0.1:9096,3003@127.0.0.1:9097", plan.quorumVoters());
        assertEquals("http://127.0.0.1:9098/metrics", plan.nodes().get(0).metricsUrl());
    }

    @Test
    void everyNodesPropertiesParseAsItsRole() {
        for (ClusterNode node : plan.nodes()) {
            NodeConfig config = NodeConfigParser.parse(plan.properties(node));

            assertEquals(node.nodeId(), config.nodeId());
            assertEquals(node.role(), config.role());
            assertEquals(node.port(), config.listenAddress().port());
            assertEquals(node.metricsPort(), config.metricsPort().getAsInt());
            assertEquals("plan-test", config.clusterId().orElseThrow());
            assertEquals(!node.isBroker(), config.isVoter());
            assertEquals(ClusterPlan.SESSION_TIMEOUT_MS, config.controllerConfig().brokerSessionTimeoutMs());
            assertEquals(ClusterPlan.HEARTBEAT_INTERVAL_MS, config.controllerConfig().brokerHeartbeatIntervalMs());
        }
    }

    @Test
    void aBrokerKeepsItsPartitionsApartFromItsMetadataLog() {
        Map<String, String> broker = plan.properties(plan.nodes().get(1));

        assertEquals(dir.resolve("data/broker-2/metadata").toString(), broker.get(NodeConfigParser.METADATA_LOG_DIR));
        assertEquals(dir.resolve("data/broker-2/partitions").toString(), broker.get(NodeConfigParser.LOG_DIRS));
        assertEquals("PLAINTEXT://127.0.0.1:9093", broker.get(NodeConfigParser.LISTENERS));
    }

    @Test
    void refusesBadCountsAndPorts() {
        assertMessage("--controllers must be between 1 and 9, got 0", () -> new ClusterPlan(dir, "c", 9092, 0, 3));
        assertMessage("--controllers must be between 1 and 9, got 10", () -> new ClusterPlan(dir, "c", 9092, 10, 3));
        assertMessage("--brokers must be between 1 and 32, got 0", () -> new ClusterPlan(dir, "c", 9092, 3, 0));
        assertMessage("--base-port must leave room for 12 ports", () -> new ClusterPlan(dir, "c", 80, 3, 3));
        assertMessage("--base-port must leave room for 12 ports", () -> new ClusterPlan(dir, "c", 65_530, 3, 3));
    }

    @Test
    void combinedNodesAreVotersAndBrokersWithTwoListenersEach() {
        ClusterPlan combined = ClusterPlan.combined(dir, "plan-test", 9092, 3);
        List<ClusterNode> nodes = combined.nodes();

        assertEquals(List.of(1, 2, 3), nodes.stream().map(ClusterNode::nodeId).toList());
        assertEquals(List.of(9092, 9093, 9094), nodes.stream().map(ClusterNode::port).toList());
        assertEquals(List.of(9095, 9096, 9097), nodes.stream().map(ClusterNode::controllerPort).toList());
        assertEquals(List.of(9098, 9099, 9100), nodes.stream().map(ClusterNode::metricsPort).toList());
        assertEquals("combined 2", nodes.get(1).name());
        assertEquals(dir.resolve("config/combined-2.properties"), nodes.get(1).configFile());
        assertEquals("127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094", combined.bootstrapServers());
        assertEquals("127.0.0.1:9095,127.0.0.1:9096,127.0.0.1:9097", combined.bootstrapControllers());
        assertEquals("1@127.0.0.1:9095,2@127.0.0.1:9096,3@127.0.0.1:9097", combined.quorumVoters());
        for (ClusterNode node : nodes) {
            NodeConfig config = NodeConfigParser.parse(combined.properties(node));

            assertEquals(ProcessRole.COMBINED, config.role());
            assertTrue(config.isVoter());
            assertEquals(node.controllerPort(), config.listenAddress().port());
            assertEquals(node.port(), config.brokerListener().orElseThrow().address().port());
            assertEquals(combined.dataDir(node).resolve("partitions"), config.logDir().orElseThrow());
        }
        assertMessage("--combined runs nodes that are controllers and brokers at once",
                () -> new ClusterPlan(dir, "c", 9092, 3, 0, 3));
        assertMessage("--combined must be between 1 and 9 (each is a voter), got 10",
                () -> ClusterPlan.combined(dir, "c", 9092, 10));
        assertMessage("--base-port must leave room for 9 ports", () -> ClusterPlan.combined(dir, "c", 65_530, 3));
    }

    @Test
    void aRelativeDirectoryBecomesAbsolute() {
        ClusterPlan relative = new ClusterPlan(Path.of("kraftlet-cluster"), "c", 9092, 1, 1);

        assertTrue(relative.dir().isAbsolute());
        assertTrue(relative.nodes().get(0).configFile().isAbsolute());
    }

    private static void assertMessage(String expected, Runnable action) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, action::run);
        assertTrue(refused.getMessage().startsWith(expected), refused.getMessage());
    }
}

package io.kraftlet.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.metadata.Endpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The clean-shutdown marker, and what a broker refuses to be built from. */
class BrokerServerTest {
    @TempDir
    Path dir;

    @Test
    void theCleanShutdownEpochIsReadOnceThenForgotten() throws Exception {
        assertEquals(-1, BrokerServer.readCleanShutdownEpoch(dir), "no marker: an unclean (or first) start");
        BrokerServer.writeCleanShutdownEpoch(dir, 42);
        assertEquals(42, BrokerServer.readCleanShutdownEpoch(dir));
        assertFalse(Files.exists(dir.resolve(BrokerServer.CLEAN_SHUTDOWN_FILE)),
                "the marker is removed at start, so a crash afterwards counts as unclean");
        assertEquals(-1, BrokerServer.readCleanShutdownEpoch(dir));
        Files.writeString(dir.resolve(BrokerServer.CLEAN_SHUTDOWN_FILE), "garbage");
        assertEquals(-1, BrokerServer.readCleanShutdownEpoch(dir), "a damaged marker is an unclean shutdown");
    }

    @Test
    void aBrokerNeedsAnEndpointAndMustNotBeAVoter() {
        MetadataQuorum.format(dir, "c", 1);
        IllegalArgumentException noEndpoint = assertThrows(IllegalArgumentException.class, () -> BrokerServer.builder()
                .nodeId(1).clusterId("c").voters("9@127.0.0.1:1").dataDir(dir).build());
        assertTrue(noEndpoint.getMessage().contains("listener"), noEndpoint.getMessage());
        IllegalArgumentException voter = assertThrows(IllegalArgumentException.class, () -> BrokerServer.builder()
                .nodeId(1).clusterId("c").voters("1@127.0.0.1:1").dataDir(dir)
                .endpoint(new Endpoint("PLAINTEXT", "127.0.0.1", 1)).build());
        assertTrue(voter.getMessage().contains("observer"), voter.getMessage());
    }

    @Test
    void aCombinedBrokerTakesItsControllersIdentityAndRefusesAnotherOrAStartedController() throws Exception {
        MetadataQuorum.format(dir, "c", 1);
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (ControllerServer controller = ControllerServer.builder().nodeId(1).clusterId("c")
                .voters("1@127.0.0.1:" + port).dataDir(dir).build()) {
            Endpoint endpoint = new Endpoint("PLAINTEXT", "127.0.0.1", 1);
            IllegalArgumentException otherId = assertThrows(IllegalArgumentException.class, () -> BrokerServer.builder()
                    .nodeId(2).sharedController(controller).endpoint(endpoint).build());
            assertTrue(otherId.getMessage().contains("one node.id"), otherId.getMessage());
            IllegalArgumentException otherCluster = assertThrows(IllegalArgumentException.class,
                    () -> BrokerServer.builder().clusterId("d").sharedController(controller).endpoint(endpoint).build());
            assertTrue(otherCluster.getMessage().contains("cluster id d"), otherCluster.getMessage());
            IllegalArgumentException otherDir = assertThrows(IllegalArgumentException.class, () -> BrokerServer.builder()
                    .dataDir(dir.resolve("elsewhere")).sharedController(controller).endpoint(endpoint).build());
            assertTrue(otherDir.getMessage().contains("one metadata.log.dir"), otherDir.getMessage());

            controller.start();
            IllegalStateException started = assertThrows(IllegalStateException.class, () -> BrokerServer.builder()
                    .sharedController(controller).endpoint(endpoint).build());
            assertTrue(started.getMessage().contains("already started"), started.getMessage());
        }
    }

    @Test
    void aStartThatFailsOnABusyBrokerPortClosesWithoutWaitingForAControlledShutdown() throws Exception {
        MetadataQuorum.format(dir, "c", 1);
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                java.net.ServerSocket voterPort = new java.net.ServerSocket(0)) {
            int controllerPort = voterPort.getLocalPort();
            voterPort.close();
            ControllerServer controller = ControllerServer.builder().nodeId(1).clusterId("c")
                    .voters("1@127.0.0.1:" + controllerPort).dataDir(dir).build();
            BrokerServer broker = BrokerServer.builder().sharedController(controller)
                    .listenAddress("127.0.0.1:" + busy.getLocalPort())
                    .endpoint(new Endpoint("PLAINTEXT", "127.0.0.1", busy.getLocalPort()))
                    .controlledShutdownTimeoutMs(java.util.concurrent.TimeUnit.HOURS.toMillis(1)).build();
            java.io.UncheckedIOException refused = assertThrows(java.io.UncheckedIOException.class, broker::start);
            assertTrue(refused.getMessage().contains("broker 1 cannot listen on 127.0.0.1:" + busy.getLocalPort()),
                    refused.getMessage());
            // Nothing registered, so there is no controlled shutdown to wait for (it would wait an hour).
            java.util.concurrent.CompletableFuture.runAsync(broker::close).get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertFalse(Files.exists(dir.resolve(BrokerServer.CLEAN_SHUTDOWN_FILE)), "no clean shutdown is recorded");
            controller.close();
        }
    }

    @Test
    void aControlledShutdownNoControllerAnswersIsGivenUpAfterTheSessionTimeout() throws Exception {
        Path controllerDir = dir.resolve("controller");
        Path brokerDir = dir.resolve("broker");
        MetadataQuorum.format(controllerDir, "c", 1);
        MetadataQuorum.format(brokerDir, "c", 2);
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String voters = "1@127.0.0.1:" + port;
        ControllerServer controller = ControllerServer.builder().nodeId(1).clusterId("c").voters(voters)
                .dataDir(controllerDir).build();
        BrokerServer broker = BrokerServer.builder().nodeId(2).clusterId("c").voters(voters).dataDir(brokerDir)
                .endpoint(new Endpoint("PLAINTEXT", "127.0.0.1", 1)).heartbeatIntervalMs(300).sessionTimeoutMs(1500)
                .controlledShutdownTimeoutMs(java.util.concurrent.TimeUnit.HOURS.toMillis(1)).build();
        try {
            controller.start();
            broker.start();
            broker.unfenced().get(60, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            controller.close(); // the only voter: no controller can grant the shutdown now
        }
        // Given up after the session timeout, not after the hour the controlled shutdown may take.
        java.util.concurrent.CompletableFuture.runAsync(broker::close).get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertFalse(Files.exists(brokerDir.resolve(BrokerServer.CLEAN_SHUTDOWN_FILE)),
                "a shutdown no controller granted is not recorded as clean");
        IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class, () -> BrokerServer.builder()
                .nodeId(2).clusterId("c").voters(voters).dataDir(brokerDir)
                .endpoint(new Endpoint("PLAINTEXT", "127.0.0.1", 1)).heartbeatIntervalMs(2000).sessionTimeoutMs(2000)
                .build());
        assertTrue(tooShort.getMessage().contains("broker.session.timeout.ms (2000) must be above"),
                tooShort.getMessage());
    }
}

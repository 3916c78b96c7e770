package io.kraftlet.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.controller.ApiError;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerError;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class BrokerAgentsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Answers registrations with epoch 100 + id and unfences a broker at a heartbeat past its epoch. */
    private static final class FakeController implements ControllerApi {
        final List<BrokerHeartbeatRequest> heartbeats = new CopyOnWriteArrayList<>();
        final Map<Integer, Long> epochs = new ConcurrentHashMap<>();
        volatile ApiError registrationError = ApiError.NONE;
        volatile ApiError heartbeatError = ApiError.NONE;

        @Override
        public CompletableFuture<BrokerRegistrationReply> registerBroker(BrokerRegistrationRequest request) {
            epochs.put(request.brokerId(), 100L + request.brokerId());
            return CompletableFuture.completedFuture(new BrokerRegistrationReply(registrationError,
                    100L + request.brokerId()));
        }

        @Override
        public CompletableFuture<BrokerHeartbeatReply> brokerHeartbeat(BrokerHeartbeatRequest request) {
            heartbeats.add(request);
            boolean caughtUp = request.currentMetadataOffset() > epochs.get(request.brokerId());
            return CompletableFuture.completedFuture(new BrokerHeartbeatReply(heartbeatError, caughtUp, !caughtUp, false));
        }

        long heartbeatsOf(int brokerId) {
            return heartbeats.stream().filter(heartbeat -> heartbeat.brokerId() == brokerId).count();
        }

        @Override
        public CompletableFuture<AlterPartitionReply> alterPartition(AlterPartitionRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<CreateTopicsReply> createTopics(CreateTopicsRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<DeleteTopicsReply> deleteTopics(DeleteTopicsRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<ElectLeadersReply> electLeaders(ElectLeadersRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<AlterConfigsReply> alterConfigs(AlterConfigsRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<DescribeClusterReply> describeCluster() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<DescribeTopicsReply> describeTopics(List<String> topics) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<ZkNode> readZkPath(String path) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void agentsReportTheOffsetAfterTheirRegistrationAndAreUnfenced() throws InterruptedException {
        FakeController controller = new FakeController();
        try (BrokerAgents agents = new BrokerAgents(controller, 3, 10)) {
            agents.register(TIMEOUT);

            assertEquals(102, agents.epoch(2));
            for (ControllerApi.BrokerHeartbeatRequest heartbeat : controller.heartbeats) {
                long epoch = 100L + heartbeat.brokerId();
                assertEquals(epoch, heartbeat.brokerEpoch());
                assertEquals(epoch + 1, heartbeat.currentMetadataOffset());
                assertTrue(!heartbeat.wantFence() && !heartbeat.wantShutDown(), heartbeat.toString());
            }
            agents.checkHealthy();
        }
    }

    @Test
    void aStoppedAgentSendsNoMoreHeartbeatsWhileTheOthersGoOn() throws InterruptedException {
        FakeController controller = new FakeController();
        try (BrokerAgents agents = new BrokerAgents(controller, 2, 10)) {
            agents.register(TIMEOUT);
            agents.stopHeartbeats(1, TIMEOUT);
            long stoppedAt = controller.heartbeatsOf(1);
            long othersAt = controller.heartbeatsOf(2);

            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (controller.heartbeatsOf(2) < othersAt + 3) {
                assertTrue(System.nanoTime() < deadline, "broker 2 keeps heartbeating");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            assertEquals(stoppedAt, controller.heartbeatsOf(1));
        }
    }

    @Test
    void aRefusedRegistrationOrHeartbeatFailsTheRun() throws InterruptedException {
        FakeController refusing = new FakeController();
        refusing.registrationError = ApiError.of(ControllerError.DUPLICATE_BROKER_REGISTRATION, "taken");
        try (BrokerAgents agents = new BrokerAgents(refusing, 1, 10)) {
            BenchFailedException failed = assertThrows(BenchFailedException.class, () -> agents.register(TIMEOUT));
            assertTrue(failed.getMessage().startsWith("broker 1 could not register: DUPLICATE_BROKER_REGISTRATION"),
                    failed.getMessage());
        }

        FakeController stale = new FakeController();
        stale.heartbeatError = ApiError.of(ControllerError.STALE_BROKER_EPOCH, "old");
        try (BrokerAgents agents = new BrokerAgents(stale, 1, 10)) {
            BenchFailedException failed = assertThrows(BenchFailedException.class, () -> agents.register(TIMEOUT));
            assertTrue(failed.getMessage().contains("heartbeat was refused: STALE_BROKER_EPOCH"), failed.getMessage());
        }
    }
}

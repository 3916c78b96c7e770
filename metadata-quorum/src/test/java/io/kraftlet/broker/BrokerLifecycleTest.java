package io.kraftlet.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.controller.ApiError;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.metadata.Endpoint;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The broker's side of registration, heartbeats, fencing and controlled shutdown. */
class BrokerLifecycleTest {
    private static final int HEARTBEAT_MS = 2000;
    private static final int BACKOFF_MS = 100;
    private static final UUID INCARNATION = new UUID(1, 2);
    private static final List<Endpoint> LISTENERS = List.of(new Endpoint("PLAINTEXT", "localhost", 9092));

    private final BrokerLifecycle lifecycle = new BrokerLifecycle(7, INCARNATION, LISTENERS, "rack-a", 41,
            HEARTBEAT_MS, BACKOFF_MS, 1000);

    private static ControllerApi.BrokerRegistrationReply registered(long epoch) {
        return new ControllerApi.BrokerRegistrationReply(ApiError.NONE, epoch);
    }

    private static ControllerApi.BrokerHeartbeatReply heartbeatReply(boolean fenced, boolean shouldShutDown) {
        return new ControllerApi.BrokerHeartbeatReply(ApiError.NONE, !fenced, fenced, shouldShutDown);
    }

    private static ControllerApi.BrokerHeartbeatReply heartbeatError(ControllerError error) {
        return new ControllerApi.BrokerHeartbeatReply(ApiError.of(error, "test"), false, true, false);
    }

    private ControllerApi.BrokerHeartbeatRequest pollHeartbeat(long nowMs) {
        Optional<Object> request = lifecycle.poll(nowMs);
        assertTrue(request.isPresent(), "a heartbeat is due at " + nowMs);
        return assertInstanceOf(ControllerApi.BrokerHeartbeatRequest.class, request.get());
    }

    /** Registers at 1000 with epoch 50. */
    private void register() {
        assertInstanceOf(ControllerApi.BrokerRegistrationRequest.class, lifecycle.poll(1000).orElseThrow());
        lifecycle.handleRegistrationReply(registered(50), 1000);
    }

    @Test
    void theFirstRequestIsARegistrationCarryingTheBrokersIdentity() {
        assertEquals(BrokerLifecycle.State.REGISTERING, lifecycle.state());
        assertEquals(Optional.empty(), lifecycle.poll(999), "not before the start time");
        ControllerApi.BrokerRegistrationRequest request = assertInstanceOf(
                ControllerApi.BrokerRegistrationRequest.class, lifecycle.poll(1000).orElseThrow());
        assertEquals(new ControllerApi.BrokerRegistrationRequest(7, INCARNATION, LISTENERS, "rack-a", 41), request);
        assertTrue(lifecycle.isFenced());
    }

    @Test
    void onlyOneRequestIsInFlightAtATime() {
        lifecycle.poll(1000).orElseThrow();
        assertEquals(Optional.empty(), lifecycle.poll(1000));
        assertEquals(Optional.empty(), lifecycle.poll(1_000_000));
        assertEquals(Long.MAX_VALUE, lifecycle.nextWakeupMs());
        lifecycle.handleRegistrationReply(registered(50), 1010);
        pollHeartbeat(1010);
        lifecycle.beginControlledShutdown(1020);
        assertEquals(Optional.empty(), lifecycle.poll(1020), "shutting down does not add a second request");
    }

    @Test
    void registrationThenFencedThenRunning() {
        register();
        assertEquals(BrokerLifecycle.State.FENCED, lifecycle.state());
        assertEquals(50, lifecycle.brokerEpoch());
        assertEquals(1000, lifecycle.nextWakeupMs(), "the first heartbeat goes at once");

        lifecycle.setMetadataOffset(51);
        ControllerApi.BrokerHeartbeatRequest heartbeat = pollHeartbeat(1000);
        assertEquals(new ControllerApi.BrokerHeartbeatRequest(7, 50, 51, false, false), heartbeat);
        lifecycle.handleHeartbeatReply(heartbeatReply(false, false), 1005);
        assertEquals(BrokerLifecycle.State.RUNNING, lifecycle.state());
        assertFalse(lifecycle.isFenced());
        assertEquals(ApiError.NONE, lifecycle.lastError());
    }

    @Test
    void aFencedBrokerHeartbeatsFasterThanARunningOne() {
        register();
        pollHeartbeat(1000);
        lifecycle.handleHeartbeatReply(heartbeatReply(true, false), 1000);
        assertEquals(BrokerLifecycle.State.FENCED, lifecycle.state());
        assertEquals(1000 + BACKOFF_MS, lifecycle.nextWakeupMs(), "catching up: ask again soon");
        assertEquals(Optional.empty(), lifecycle.poll(1000 + BACKOFF_MS - 1));
        pollHeartbeat(1000 + BACKOFF_MS);
        lifecycle.handleHeartbeatReply(heartbeatReply(false, false), 1100);
        assertEquals(1100 + HEARTBEAT_MS, lifecycle.nextWakeupMs());
        assertEquals(Optional.empty(), lifecycle.poll(1100 + HEARTBEAT_MS - 1));
        pollHeartbeat(1100 + HEARTBEAT_MS);
    }

    @Test
    void aRunningBrokerThatIsFencedAgainGoesBackToFenced() {
        register();
        pollHeartbeat(1000);
        lifecycle.handleHeartbeatReply(heartbeatReply(false, false), 1000);
        pollHeartbeat(3000);
        lifecycle.handleHeartbeatReply(heartbeatReply(true, false), 3000);
        assertEquals(BrokerLifecycle.State.FENCED, lifecycle.state());
        assertTrue(lifecycle.isFenced());
    }

    @Test
    void theMetadataOffsetSentNeverGoesBack() {
        register();
        lifecycle.setMetadataOffset(80);
        lifecycle.setMetadataOffset(60);
        assertEquals(80, pollHeartbeat(1000).currentMetadataOffset());
    }

    @Test
    void aFailedRequestIsRetriedAfterTheBackoff() {
        lifecycle.poll(1000).orElseThrow();
        lifecycle.handleRequestFailed(1500);
        assertEquals(1500 + BACKOFF_MS, lifecycle.nextWakeupMs());
        assertEquals(Optional.empty(), lifecycle.poll(1500 + BACKOFF_MS - 1));
        assertInstanceOf(ControllerApi.BrokerRegistrationRequest.class, lifecycle.poll(1500 + BACKOFF_MS).orElseThrow(),
                "the same kind of request again");

        lifecycle.handleRegistrationReply(registered(50), 1700);
        pollHeartbeat(1700);
        lifecycle.handleRequestFailed(1800);
        assertEquals(BrokerLifecycle.State.FENCED, lifecycle.state());
        assertEquals(Optional.empty(), lifecycle.poll(1899));
        pollHeartbeat(1900);
    }

    @Test
    void aRefusedRegistrationIsRetriedAfterTheBackoff() {
        lifecycle.poll(1000).orElseThrow();
        lifecycle.handleRegistrationReply(new ControllerApi.BrokerRegistrationReply(
                ApiError.of(ControllerError.DUPLICATE_BROKER_REGISTRATION, "alive"), -1), 1000);
        assertEquals(BrokerLifecycle.State.REGISTERING, lifecycle.state());
        assertEquals(ControllerError.DUPLICATE_BROKER_REGISTRATION, lifecycle.lastError().error());
        assertEquals(Optional.empty(), lifecycle.poll(1099));
        assertInstanceOf(ControllerApi.BrokerRegistrationRequest.class, lifecycle.poll(1100).orElseThrow());
    }

    @Test
    void anErrorHeartbeatKeepsTheStateAndBacksOff() {
        register();
        pollHeartbeat(1000);
        lifecycle.handleHeartbeatReply(heartbeatReply(false, false), 1000);
        pollHeartbeat(3000);
        lifecycle.handleHeartbeatReply(heartbeatError(ControllerError.NOT_CONTROLLER), 3000);
        assertEquals(BrokerLifecycle.State.RUNNING, lifecycle.state(), "an error answer says nothing about fencing");
        assertEquals(3000 + BACKOFF_MS, lifecycle.nextWakeupMs());
        assertEquals(50, pollHeartbeat(3100).brokerEpoch());
    }

    @Test
    void aStaleBrokerEpochMeansRegisteringAgain() {
        register();
        pollHeartbeat(1000);
        lifecycle.handleHeartbeatReply(heartbeatError(ControllerError.STALE_BROKER_EPOCH), 1000);
        assertEquals(BrokerLifecycle.State.REGISTERING, lifecycle.state());
        assertEquals(-1, lifecycle.brokerEpoch());
        assertEquals(Optional.empty(), lifecycle.poll(1099));
        assertInstanceOf(ControllerApi.BrokerRegistrationRequest.class, lifecycle.poll(1100).orElseThrow());
        lifecycle.handleRegistrationReply(registered(90), 1100);
        assertEquals(90, pollHeartbeat(1100).brokerEpoch());
    }

    @Test
    void anUnregisteredBrokerRegistersAgain() {
        register();
        pollHeartbeat(1000);
        lifecycle.handleHeartbeatReply(heartbeatError(ControllerError.BROKER_ID_NOT_REGISTERED), 1000);
        assertEquals(BrokerLifecycle.State.REGISTERING, lifecycle.state());
        assertInstanceOf(ControllerApi.BrokerRegistrationRequest.class, lifecycle.poll(1100).orElseThrow());
    }

    @Test
    void controlledShutdownAsksAtOnceAndStopsOnlyWhenTheControllerSaysSo() {
        register();
        pollHeartbeat(1000);
        lifecycle.handleHeartbeatReply(heartbeatReply(false, false), 1000);
        assertEquals(3000, lifecycle.nextWakeupMs());

        lifecycle.beginControlledShutdown(1500);
        assertEquals(BrokerLifecycle.State.PENDING_CONTROLLED_SHUTDOWN, lifecycle.state());
        ControllerApi.BrokerHeartbeatRequest first = pollHeartbeat(1500);
        assertTrue(first.wantShutDown(), "the shutdown request goes out without waiting for the interval");

        lifecycle.handleHeartbeatReply(heartbeatReply(false, false), 1510);
        assertEquals(BrokerLifecycle.State.PENDING_CONTROLLED_SHUTDOWN, lifecycle.state(),
                "an unfenced answer does not bring a shutting-down broker back to RUNNING");
        assertEquals(1510 + BACKOFF_MS, lifecycle.nextWakeupMs());
        assertTrue(pollHeartbeat(1610).wantShutDown());

        lifecycle.handleHeartbeatReply(heartbeatReply(true, true), 1620);
        assertEquals(BrokerLifecycle.State.SHUTDOWN_NOW, lifecycle.state());
        assertEquals(Optional.empty(), lifecycle.poll(1_000_000));
        assertEquals(Long.MAX_VALUE, lifecycle.nextWakeupMs());
    }

    @Test
    void aShutdownRequestedBeforeRegistrationIsCarriedOutAfterIt() {
        lifecycle.beginControlledShutdown(1000);
        assertEquals(BrokerLifecycle.State.REGISTERING, lifecycle.state());
        assertInstanceOf(ControllerApi.BrokerRegistrationRequest.class, lifecycle.poll(1000).orElseThrow());
        lifecycle.handleRegistrationReply(registered(50), 1000);
        assertEquals(BrokerLifecycle.State.PENDING_CONTROLLED_SHUTDOWN, lifecycle.state());
        assertTrue(pollHeartbeat(1000).wantShutDown());
    }

    @Test
    void aShutdownSurvivesReRegistration() {
        register();
        lifecycle.beginControlledShutdown(1000);
        pollHeartbeat(1000);
        lifecycle.handleHeartbeatReply(heartbeatError(ControllerError.STALE_BROKER_EPOCH), 1000);
        lifecycle.poll(1100).orElseThrow();
        lifecycle.handleRegistrationReply(registered(70), 1100);
        assertEquals(BrokerLifecycle.State.PENDING_CONTROLLED_SHUTDOWN, lifecycle.state());
        ControllerApi.BrokerHeartbeatRequest heartbeat = pollHeartbeat(1100);
        assertTrue(heartbeat.wantShutDown());
        assertEquals(70, heartbeat.brokerEpoch());
    }
}

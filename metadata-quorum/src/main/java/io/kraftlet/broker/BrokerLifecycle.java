package io.kraftlet.broker;

import io.kraftlet.controller.ApiError;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.metadata.Endpoint;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A broker's side of its lifecycle with the controller, as a pure state machine: register,
 * heartbeat every {@code broker.heartbeat.interval.ms} with the metadata offset it has applied,
 * learn when it is unfenced, and ask for a controlled shutdown and learn when it may stop. One
 * request is in flight at a time; the driver sends what {@link #poll} returns and feeds the
 * answer (or the failure) back.
 *
 * <pre>
 *   REGISTERING --registered--> FENCED --caught up, unfenced--> RUNNING
 *        ^                        |  ^                           |
 *        +-- stale epoch / not ---+  +------- fenced ------------+
 *            registered            any state --beginControlledShutdown--> PENDING_CONTROLLED_SHUTDOWN
 *                                  PENDING_CONTROLLED_SHUTDOWN --shouldShutDown--> SHUTDOWN_NOW
 * </pre>
 *
 * <p>Pure: no threads, no clock; not thread-safe.
 */
public final class BrokerLifecycle {
    public enum State {
        REGISTERING,
        FENCED,
        RUNNING,
        PENDING_CONTROLLED_SHUTDOWN,
        /** The controller moved everything away: the broker may stop now. */
        SHUTDOWN_NOW
    }

    private final int brokerId;
    private final UUID incarnationId;
    private final List<Endpoint> listeners;
    private final String rack;
    private final long previousBrokerEpoch;
    private final int heartbeatIntervalMs;
    private final int retryBackoffMs;

    private State state = State.REGISTERING;
    private long brokerEpoch = -1;
    private long metadataOffset;
    private boolean inFlight;
    private long nextSendMs;
    private boolean shutdownRequested;
    private ApiError lastError = ApiError.NONE;

    /**
     * @param previousBrokerEpoch the epoch this broker had when it last stopped cleanly, else -1
     */
    public BrokerLifecycle(int brokerId, UUID incarnationId, List<Endpoint> listeners, String rack,
            long previousBrokerEpoch, int heartbeatIntervalMs, int retryBackoffMs, long nowMs) {
        this.brokerId = brokerId;
        this.incarnationId = incarnationId;
        this.listeners = List.copyOf(listeners);
        this.rack = rack;
        this.previousBrokerEpoch = previousBrokerEpoch;
        this.heartbeatIntervalMs = heartbeatIntervalMs;
        this.retryBackoffMs = retryBackoffMs;
        this.nextSendMs = nowMs;
    }

    /** The request to send now, if one is due and none is in flight. */
    public Optional<Object> poll(long nowMs) {
        if (inFlight || state == State.SHUTDOWN_NOW || nowMs < nextSendMs) {
            return Optional.empty();
        }
        inFlight = true;
        if (state == State.REGISTERING) {
            return Optional.of(new ControllerApi.BrokerRegistrationRequest(brokerId, incarnationId, listeners, rack,
                    previousBrokerEpoch));
        }
        return Optional.of(new ControllerApi.BrokerHeartbeatRequest(brokerId, brokerEpoch, metadataOffset, false,
                shutdownRequested));
    }

    public void handleRegistrationReply(ControllerApi.BrokerRegistrationReply reply, long nowMs) {
        inFlight = false;
        lastError = reply.error();
        if (reply.error().isSuccess()) {
            brokerEpoch = reply.brokerEpoch();
            state = shutdownRequested ? State.PENDING_CONTROLLED_SHUTDOWN : State.FENCED;
            nextSendMs = nowMs;
        } else {
            nextSendMs = nowMs + retryBackoffMs;
        }
    }

    public void handleHeartbeatReply(ControllerApi.BrokerHeartbeatReply reply, long nowMs) {
        inFlight = false;
        lastError = reply.error();
        ControllerError error = reply.error().error();
        if (error == ControllerError.STALE_BROKER_EPOCH || error == ControllerError.BROKER_ID_NOT_REGISTERED) {
            // Our registration is gone (another incarnation, or removed): register again.
            state = State.REGISTERING;
            brokerEpoch = -1;
            nextSendMs = nowMs + retryBackoffMs;
            return;
        }
        if (!reply.error().isSuccess()) {
            nextSendMs = nowMs + retryBackoffMs;
            return;
        }
        if (reply.shouldShutDown()) {
            state = State.SHUTDOWN_NOW;
            return;
        }
        if (!shutdownRequested) {
            state = reply.isFenced() ? State.FENCED : State.RUNNING;
        }
        // While fenced and catching up, or shutting down, heartbeat faster so the change comes sooner.
        boolean waiting = state == State.FENCED || state == State.PENDING_CONTROLLED_SHUTDOWN;
        nextSendMs = nowMs + (waiting ? Math.min(heartbeatIntervalMs, Math.max(1, retryBackoffMs)) : heartbeatIntervalMs);
    }

    /** The request got no answer (timeout, no controller reachable). */
    public void handleRequestFailed(long nowMs) {
        inFlight = false;
        nextSendMs = nowMs + retryBackoffMs;
    }

    /** The end offset of the metadata this broker has applied; sent with the next heartbeat. */
    public void setMetadataOffset(long offset) {
        metadataOffset = Math.max(metadataOffset, offset);
    }

    /** Asks the controller to move leadership away; {@link #state()} becomes SHUTDOWN_NOW when it may stop. */
    public void beginControlledShutdown(long nowMs) {
        if (!shutdownRequested) {
            shutdownRequested = true;
            if (state != State.REGISTERING) {
                state = State.PENDING_CONTROLLED_SHUTDOWN;
            }
            nextSendMs = Math.min(nextSendMs, nowMs);
        }
    }

    /** When {@link #poll} may next return a request (Long.MAX_VALUE if never or one is in flight). */
    public long nextWakeupMs() {
        return inFlight || state == State.SHUTDOWN_NOW ? Long.MAX_VALUE : nextSendMs;
    }

    public State state() {
        return state;
    }

    public long brokerEpoch() {
        return brokerEpoch;
    }

    public int brokerId() {
        return brokerId;
    }

    public UUID incarnationId() {
        return incarnationId;
    }

    public boolean isFenced() {
        return state != State.RUNNING;
    }

    /** The error of the last answer (NONE if it succeeded). */
    public ApiError lastError() {
        return lastError;
    }
}

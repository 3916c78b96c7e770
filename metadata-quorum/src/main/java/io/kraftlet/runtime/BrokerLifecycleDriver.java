package io.kraftlet.runtime;

import io.kraftlet.broker.BrokerLifecycle;
import io.kraftlet.controller.ControllerApi;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a broker's {@link BrokerLifecycle} on its own thread: sends what the core asks for
 * through a {@link ControllerApi} (normally the gRPC controller client, which follows the active
 * controller), feeds answers back, and reports the broker's applied metadata offset.
 *
 * <p>Threading: public methods may be called from any thread. At most one request is in flight
 * (the core's rule), so the answer queue holds at most one entry plus offset updates.
 */
public final class BrokerLifecycleDriver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerLifecycleDriver.class);
    private static final long IDLE_WAIT_MS = 100;

    private final BrokerLifecycle core;
    private final ControllerApi controller;
    private final Clock clock;
    /** Why the node can no longer act on metadata, if it cannot: checked before every step. */
    private final Supplier<Optional<Throwable>> nodeFailure;
    /** A controlled shutdown no controller answers for this long is given up (see the constructor). */
    private final long sessionTimeoutMs;
    /** Lifecycle thread only: when a controlled shutdown was asked for, or -1. */
    private long shutdownAskedAtMs = -1;
    /** Lifecycle thread only: when an active controller last answered (a reply it wrote, success or refusal). */
    private long lastAnsweredMs = -1;
    /**
     * Answers and commands for the lifecycle thread. Unbounded but small: at most one request is
     * in flight, and shutdown is asked once; the applied offset travels separately.
     */
    private final LinkedBlockingQueue<Consumer<Long>> inbox = new LinkedBlockingQueue<>();
    private final AtomicLong metadataOffset = new AtomicLong();
    private final Thread thread;
    private final CompletableFuture<Long> unfenced = new CompletableFuture<>();
    private final CompletableFuture<Void> shutdownGranted = new CompletableFuture<>();
    private volatile boolean running = true;
    private volatile BrokerLifecycle.State state = BrokerLifecycle.State.REGISTERING;
    private volatile long brokerEpoch = -1;
    private BrokerLifecycle.State loggedState;

    /**
     * @param nodeFailure why the broker's node stopped following metadata (its quorum member, its
     *     controller or a metadata listener failed), if it did; once present, the lifecycle
     *     stops, so no heartbeat vouches for a broker acting on a frozen image and the
     *     controller fences it when its session expires
     * @param sessionTimeoutMs {@code broker.session.timeout.ms}: a controlled shutdown during
     *     which no controller answers for this long is given up ({@link #controlledShutdown()}
     *     fails), since no controller can grant it (a combined node's last voters lost their
     *     quorum, say) and one that comes back fences the broker anyway
     */
    public BrokerLifecycleDriver(BrokerLifecycle core, ControllerApi controller, Clock clock,
            Supplier<Optional<Throwable>> nodeFailure, long sessionTimeoutMs) {
        this.core = Objects.requireNonNull(core, "core");
        this.controller = Objects.requireNonNull(controller, "controller");
        this.clock = clock;
        this.nodeFailure = Objects.requireNonNull(nodeFailure, "nodeFailure");
        if (sessionTimeoutMs <= 0) {
            throw new IllegalArgumentException("broker.session.timeout.ms must be > 0, got " + sessionTimeoutMs);
        }
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.thread = new Thread(this::run, "kraftlet-broker-lifecycle-" + core.brokerId());
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** The end offset of the metadata the broker has applied. */
    public void setMetadataOffset(long offset) {
        metadataOffset.accumulateAndGet(offset, Math::max);
    }

    /** Completes with the broker epoch once the controller unfenced this broker (the first time). */
    public CompletableFuture<Long> unfenced() {
        return unfenced;
    }

    /**
     * Starts a controlled shutdown; the future completes when the controller lets the broker stop,
     * or fails once no controller answered for {@code sessionTimeoutMs}.
     */
    public CompletableFuture<Void> controlledShutdown() {
        inbox.add(now -> {
            if (shutdownAskedAtMs < 0) {
                shutdownAskedAtMs = now;
            }
            core.beginControlledShutdown(now);
        });
        return shutdownGranted;
    }

    public BrokerLifecycle.State state() {
        return state;
    }

    public long brokerEpoch() {
        return brokerEpoch;
    }

    private void run() {
        try {
            while (running) {
                Optional<Throwable> failed = nodeFailure.get();
                if (failed.isPresent()) {
                    log.error("broker {}: stops heartbeating, so the controller fences it: its node no longer follows"
                            + " the metadata log ({})", core.brokerId(), failed.get().toString());
                    return;
                }
                long now = clock.nowMs();
                if (shutdownAskedAtMs >= 0 && !shutdownGranted.isDone()
                        && now - Math.max(shutdownAskedAtMs, lastAnsweredMs) > sessionTimeoutMs) {
                    log.warn("broker {}: no controller answered for {} ms (broker.session.timeout.ms) during its"
                            + " controlled shutdown; stopping without one", core.brokerId(), sessionTimeoutMs);
                    return;
                }
                core.setMetadataOffset(metadataOffset.get());
                core.poll(now).ifPresent(this::send);
                publish();
                long waitMs = Math.max(1, Math.min(IDLE_WAIT_MS, core.nextWakeupMs() - clock.nowMs()));
                Consumer<Long> event = inbox.poll(waitMs, TimeUnit.MILLISECONDS);
                while (event != null) {
                    event.accept(clock.nowMs());
                    event = inbox.poll();
                }
                publish();
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException fatal) {
            log.error("broker {}: lifecycle thread stopped: {}", core.brokerId(), fatal.toString(), fatal);
        } finally {
            IllegalStateException stopped = new IllegalStateException("broker " + core.brokerId()
                    + "'s lifecycle stopped in state " + core.state());
            unfenced.completeExceptionally(stopped);
            shutdownGranted.completeExceptionally(stopped);
        }
    }

    private void send(Object request) {
        if (request instanceof ControllerApi.BrokerRegistrationRequest registration) {
            controller.registerBroker(registration).whenComplete((reply, error) -> inbox.add(now -> {
                if (error != null) {
                    log.debug("broker {}: registration failed: {}", core.brokerId(), error.toString());
                    core.handleRequestFailed(now);
                } else {
                    if (!reply.error().isSuccess()) {
                        log.warn("broker {}: registration refused: {}", core.brokerId(), reply.error());
                    }
                    noteAnswer(reply.error(), now);
                    core.handleRegistrationReply(reply, now);
                }
            }));
        } else if (request instanceof ControllerApi.BrokerHeartbeatRequest heartbeat) {
            controller.brokerHeartbeat(heartbeat).whenComplete((reply, error) -> inbox.add(now -> {
                if (error != null) {
                    log.debug("broker {}: heartbeat failed: {}", core.brokerId(), error.toString());
                    core.handleRequestFailed(now);
                } else {
                    if (!reply.error().isSuccess()) {
                        log.info("broker {}: heartbeat answered {}", core.brokerId(), reply.error());
                    }
                    noteAnswer(reply.error(), now);
                    core.handleHeartbeatReply(reply, now);
                }
            }));
        }
    }

    /**
     * An answer an active controller wrote (success or a refusal such as STALE_BROKER_EPOCH) shows
     * one is there to grant a controlled shutdown; NOT_CONTROLLER and REQUEST_TIMED_OUT (which the
     * client makes up when no controller answered) do not.
     */
    private void noteAnswer(io.kraftlet.controller.ApiError error, long now) {
        if (error.error() != io.kraftlet.controller.ControllerError.NOT_CONTROLLER
                && error.error() != io.kraftlet.controller.ControllerError.REQUEST_TIMED_OUT) {
            lastAnsweredMs = now;
        }
    }

    private void publish() {
        state = core.state();
        brokerEpoch = core.brokerEpoch();
        if (state != loggedState) {
            log.info("broker {}: {} (epoch {})", core.brokerId(), state, brokerEpoch);
            loggedState = state;
        }
        if (state == BrokerLifecycle.State.RUNNING) {
            unfenced.complete(brokerEpoch);
        }
        if (state == BrokerLifecycle.State.SHUTDOWN_NOW) {
            shutdownGranted.complete(null);
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        IllegalStateException closed = new IllegalStateException("broker " + core.brokerId() + " closed");
        unfenced.completeExceptionally(closed);
        shutdownGranted.completeExceptionally(closed);
    }
}

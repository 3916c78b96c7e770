package io.kraftlet.examples.bench;

import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerApi.BrokerHeartbeatReply;
import io.kraftlet.controller.ControllerApi.BrokerHeartbeatRequest;
import io.kraftlet.controller.ControllerApi.BrokerRegistrationReply;
import io.kraftlet.controller.ControllerApi.BrokerRegistrationRequest;
import io.kraftlet.metadata.Endpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Brokers 1..n as the controller sees them, without running brokers: each agent registers with
 * the active controller through a {@link ControllerApi} client and heartbeats every
 * {@code broker.heartbeat.interval.ms}, so the controller keeps its session alive and places
 * replicas on it.
 *
 * <p>An agent does not follow the metadata log. The controller unfences a broker whose
 * heartbeat reports a metadata offset past its own registration record (the broker has applied
 * it), and the broker epoch is that record's offset; so an agent reports
 * {@code currentMetadataOffset = epoch + 1} and is unfenced at its first heartbeat.
 *
 * <p>One heartbeat per agent is in flight at a time. The ticker runs on one daemon thread;
 * {@link #register}, {@link #stopHeartbeats} and {@link #close} are called from the bench's
 * thread.
 */
final class BrokerAgents implements AutoCloseable {
    /** How often to look whether a waited-for state was reached. */
    private static final long POLL_MS = 20;

    private final ControllerApi controller;
    private final int count;
    private final int heartbeatIntervalMs;
    private final Map<Integer, Agent> agents = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "kraftlet-bench-broker-agents");
        thread.setDaemon(true);
        return thread;
    });
    private volatile String failure;

    /** One registered broker: its epoch and the state of its heartbeats. */
    private static final class Agent {
        final int brokerId;
        final long epoch;
        volatile boolean stopped;
        volatile boolean fenced = true;
        volatile CompletableFuture<BrokerHeartbeatReply> inFlight;

        Agent(int brokerId, long epoch) {
            this.brokerId = brokerId;
            this.epoch = epoch;
        }
    }

    /**
     * @param controller the client of the active controller
     * @param count brokers 1..count
     * @param heartbeatIntervalMs {@code broker.heartbeat.interval.ms}
     */
    BrokerAgents(ControllerApi controller, int count, int heartbeatIntervalMs) {
        this.controller = controller;
        this.count = count;
        this.heartbeatIntervalMs = heartbeatIntervalMs;
    }

    /**
     * Registers every broker, starts heartbeating, and waits until the controller unfenced them
     * all.
     *
     * @throws BenchFailedException if a registration is refused or the brokers are not all
     *     unfenced in time
     */
    void register(Duration timeout) throws InterruptedException {
        List<CompletableFuture<BrokerRegistrationReply>> replies = new ArrayList<>();
        for (int id = 1; id <= count; id++) {
            replies.add(controller.registerBroker(new BrokerRegistrationRequest(id, UUID.randomUUID(),
                    List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9092)), "", -1)));
        }
        for (int id = 1; id <= count; id++) {
            BrokerRegistrationReply reply = await(replies.get(id - 1), timeout, "the registration of broker " + id);
            if (!reply.error().isSuccess()) {
                throw new BenchFailedException("broker " + id + " could not register: " + reply.error());
            }
            agents.put(id, new Agent(id, reply.brokerEpoch()));
        }
        ticker.scheduleWithFixedDelay(this::heartbeatAll, 0, heartbeatIntervalMs, TimeUnit.MILLISECONDS);
        awaitState(timeout, "every broker to be unfenced", () -> agents.values().stream().noneMatch(agent -> agent.fenced));
    }

    /** The epoch broker {@code brokerId} registered with. */
    long epoch(int brokerId) {
        return agents.get(brokerId).epoch;
    }

    /**
     * Stops broker {@code brokerId}'s heartbeats and waits for the one in flight, so the next
     * heartbeat the controller sees for it is the caller's.
     */
    void stopHeartbeats(int brokerId, Duration timeout) throws InterruptedException {
        Agent agent = agents.get(brokerId);
        agent.stopped = true;
        CompletableFuture<BrokerHeartbeatReply> last = agent.inFlight;
        if (last != null) {
            await(last.handle((reply, error) -> reply), timeout, "broker " + brokerId + "'s last heartbeat");
        }
    }

    /** Why a heartbeat failed, if one did: the controller no longer sees that broker as registered. */
    void checkHealthy() {
        String failed = failure;
        if (failed != null) {
            throw new BenchFailedException(failed);
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }

    /** On the ticker thread: one heartbeat for every running agent that has none in flight. */
    private void heartbeatAll() {
        for (Agent agent : agents.values()) {
            CompletableFuture<BrokerHeartbeatReply> previous = agent.inFlight;
            if (agent.stopped || previous != null && !previous.isDone()) {
                continue;
            }
            CompletableFuture<BrokerHeartbeatReply> heartbeat = controller.brokerHeartbeat(new BrokerHeartbeatRequest(
                    agent.brokerId, agent.epoch, agent.epoch + 1, false, false));
            agent.inFlight = heartbeat;
            heartbeat.whenComplete((reply, error) -> {
                if (error != null) {
                    failure = "broker " + agent.brokerId + "'s heartbeat failed: " + error;
                } else if (!reply.error().isSuccess()) {
                    failure = "broker " + agent.brokerId + "'s heartbeat was refused: " + reply.error();
                } else {
                    agent.fenced = reply.isFenced();
                }
            });
        }
    }

    private void awaitState(Duration timeout, String what, java.util.function.BooleanSupplier reached) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached.getAsBoolean()) {
            checkHealthy();
            if (System.nanoTime() > deadline) {
                throw new BenchFailedException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MS));
        }
    }

    private static <T> T await(CompletableFuture<T> future, Duration timeout, String what) throws InterruptedException {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException failed) {
            throw new BenchFailedException(what + " failed: " + failed.getCause(), failed.getCause());
        } catch (TimeoutException slow) {
            throw new BenchFailedException(what + " took longer than " + timeout.toSeconds() + " s");
        }
    }
}

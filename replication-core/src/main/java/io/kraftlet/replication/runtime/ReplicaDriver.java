package io.kraftlet.replication.runtime;

import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerApi.AlterPartitionReply;
import io.kraftlet.controller.ControllerApi.PartitionChangeProposal;
import io.kraftlet.controller.ControllerApi.PartitionChangeResult;
import io.kraftlet.image.BrokerRegistration;
import io.kraftlet.image.MetadataDelta;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.MetadataListener;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.replication.LogStore;
import io.kraftlet.replication.ProduceRequest;
import io.kraftlet.replication.ProduceResult;
import io.kraftlet.replication.ReadResult;
import io.kraftlet.replication.ReplicaFetchRequest;
import io.kraftlet.replication.ReplicaFetchResponse;
import io.kraftlet.replication.ReplicaManager;
import io.kraftlet.replication.ReplicaOutput;
import io.kraftlet.replication.ReplicationApi;
import io.kraftlet.replication.ReplicationConfig;
import io.kraftlet.replication.ReplicationError;
import io.kraftlet.replication.ReplicationStats;
import io.kraftlet.runtime.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that owns a broker's {@link ReplicaManager} (DESIGN.md §1 "driver"): it feeds the
 * manager metadata images, this broker's epoch, client and follower requests, fetch answers and
 * controller answers, one at a time, and performs what the manager asks: it answers futures,
 * sends follower fetches through a {@link ReplicaTransport}, and sends ISR changes to the active
 * controller ({@link ControllerApi#alterPartition}), one AlterPartition per turn for all the
 * proposals of that turn.
 *
 * <p>A turn takes every queued command: the produces first, then one flush per log for all their
 * appends (so concurrent producers share the fsync), then the other commands in arrival order,
 * then a tick if a timer is due.
 *
 * <p>Threading: {@link ReplicationApi} methods and {@link #onMetadataUpdate} may be called from
 * any thread and never block; futures complete on the driver thread, so callers must not block
 * in a callback. Only the newest image waits to be applied (older ones are skipped). At most
 * {@code maxQueuedRequests} client and follower requests wait at once; past that a produce is
 * answered THROTTLING_QUOTA_EXCEEDED and a fetch or read fails at once.
 */
public final class ReplicaDriver implements ReplicationApi, MetadataListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaDriver.class);
    /** How often the published {@link ReplicationStats} are refreshed (they walk every partition). */
    private static final long STATS_INTERVAL_MS = 200;
    /** Longest idle wait, so a broker epoch that became known is noticed soon. */
    private static final long MAX_IDLE_MS = 100;
    private static final int MAX_COMMANDS_PER_TURN = 4096;
    /** Kafka's replica.high.watermark.checkpoint.interval.ms default. */
    private static final long HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS = 5_000;

    private final int brokerId;
    private final ReplicaManager manager;
    private final LogStore logs;
    private final ReplicaTransport transport;
    private final Function<ControllerApi.AlterPartitionRequest, CompletableFuture<AlterPartitionReply>> alterPartition;
    private final Clock clock;
    private final LongSupplier brokerEpoch;
    private final long requestTimeoutMs;
    private final int maxQueuedRequests;
    private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final AtomicInteger queuedRequests = new AtomicInteger();
    private final AtomicReference<MetadataImage> pendingImage = new AtomicReference<>();
    private final Object admission = new Object();
    /** Set (under {@link #admission}) when the driver drains its inbox for the last time. */
    private boolean drained;
    private final Thread thread;

    // Driver thread only.
    private long nextRequestId;
    private final Map<Long, CompletableFuture<ProduceResult>> produces = new HashMap<>();
    private final Map<Long, CompletableFuture<ReplicaFetchResponse>> fetches = new HashMap<>();
    private final List<PartitionChangeProposal> proposals = new ArrayList<>();
    private long statsDueAtMs;
    private long checkpointDueAtMs;

    private volatile ReplicationStats stats = ReplicationStats.EMPTY;
    private volatile boolean running = true;

    /**
     * @param alterPartition sends an AlterPartition to the active controller ({@link ControllerApi#alterPartition})
     * @param brokerEpoch this broker's epoch, or -1 until the controller registered it
     * @param requestTimeoutMs how long a fetch answer may take beyond its long-poll wait, and an AlterPartition
     */
    public ReplicaDriver(int brokerId, ReplicationConfig config, LogStore logs, ReplicaTransport transport,
            Function<ControllerApi.AlterPartitionRequest, CompletableFuture<AlterPartitionReply>> alterPartition,
            Clock clock, LongSupplier brokerEpoch, long requestTimeoutMs,
            int maxQueuedRequests) {
        this.brokerId = brokerId;
        this.transport = Objects.requireNonNull(transport, "transport");
        this.alterPartition = Objects.requireNonNull(alterPartition, "alterPartition");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.brokerEpoch = Objects.requireNonNull(brokerEpoch, "brokerEpoch");
        if (requestTimeoutMs <= 0 || maxQueuedRequests <= 0) {
            throw new IllegalArgumentException("request timeout and queue bound must be > 0: " + requestTimeoutMs + ", "
                    + maxQueuedRequests);
        }
        this.requestTimeoutMs = requestTimeoutMs;
        this.maxQueuedRequests = maxQueuedRequests;
        this.logs = Objects.requireNonNull(logs, "logs");
        this.manager = new ReplicaManager(brokerId, config, logs, new Output());
        this.thread = new Thread(this::run, "kraftlet-replica-" + brokerId);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    // ------------------------------------------------------------------ inputs from any thread

    @Override
    public void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
        if (pendingImage.getAndSet(newImage) == null) {
            inbox.add(() -> { });
        }
    }

    @Override
    public CompletableFuture<ProduceResult> produce(ProduceRequest request) {
        CompletableFuture<ProduceResult> future = new CompletableFuture<>();
        String refusal = admit();
        if (refusal == null && !enqueueRequest(new ProduceCommand(() -> {
            long requestId = ++nextRequestId;
            produces.put(requestId, future);
            manager.produce(requestId, request, clock.nowMs());
        }))) {
            refusal = shuttingDown();
        }
        if (refusal != null) {
            future.complete(ProduceResult.failed(running ? ReplicationError.THROTTLING_QUOTA_EXCEEDED
                    : ReplicationError.NOT_LEADER_OR_FOLLOWER, refusal));
        }
        return future;
    }

    @Override
    public CompletableFuture<ReplicaFetchResponse> fetch(ReplicaFetchRequest request) {
        CompletableFuture<ReplicaFetchResponse> future = new CompletableFuture<>();
        String refusal = admit();
        if (refusal == null && !enqueueRequest(() -> {
            long requestId = ++nextRequestId;
            fetches.put(requestId, future);
            manager.handleFetchRequest(requestId, request, clock.nowMs());
        })) {
            refusal = shuttingDown();
        }
        if (refusal != null) {
            future.completeExceptionally(new IllegalStateException(refusal));
        }
        return future;
    }

    @Override
    public CompletableFuture<ReadResult> read(TopicPartition topicPartition, long offset, int maxBytes) {
        CompletableFuture<ReadResult> future = new CompletableFuture<>();
        String refusal = admit();
        if (refusal == null && !enqueueRequest(() -> future.complete(manager.read(topicPartition, offset, maxBytes)))) {
            refusal = shuttingDown();
        }
        if (refusal != null) {
            future.complete(ReadResult.failed(running ? ReplicationError.THROTTLING_QUOTA_EXCEEDED
                    : ReplicationError.NOT_LEADER_OR_FOLLOWER, -1, -1, refusal));
        }
        return future;
    }

    /** Null when a client or follower request may be queued, else why not. */
    private String admit() {
        if (!running) {
            return shuttingDown();
        }
        if (queuedRequests.incrementAndGet() > maxQueuedRequests) {
            queuedRequests.decrementAndGet();
            return "broker " + brokerId + " has " + maxQueuedRequests + " requests queued; retry after a back-off";
        }
        return null;
    }

    private String shuttingDown() {
        return "broker " + brokerId + " is shutting down";
    }

    /** Queues an admitted request; false (and the slot given back) once the driver has stopped taking input. */
    private boolean enqueueRequest(Runnable request) {
        Runnable counted = () -> {
            queuedRequests.decrementAndGet();
            request.run();
        };
        if (enqueue(request instanceof ProduceCommand ? new ProduceCommand(counted) : counted)) {
            return true;
        }
        queuedRequests.decrementAndGet();
        return false;
    }

    /**
     * Queues a command unless the driver stopped taking input; a command queued here always runs
     * (the driver drains the inbox when it stops), so no future is left behind.
     */
    private boolean enqueue(Runnable command) {
        synchronized (admission) {
            if (drained) {
                return false;
            }
            inbox.add(command);
            return true;
        }
    }

    /** The replication state as of the last refresh (at most a fraction of a second old). */
    public ReplicationStats stats() {
        return stats;
    }

    // ------------------------------------------------------------------ the driver thread

    private void run() {
        try {
            while (running) {
                long now = clock.nowMs();
                if (manager.brokerEpoch() < 0 && brokerEpoch.getAsLong() >= 0) {
                    manager.setBrokerEpoch(brokerEpoch.getAsLong(), now);
                }
                long waitMs = Math.max(0, Math.min(manager.nextWakeupMs() - now, MAX_IDLE_MS));
                Runnable command = inbox.poll(waitMs, TimeUnit.MILLISECONDS);
                int handled = 0;
                // Produces of the turn run first and share one flush per log (group commit); every other
                // command would flush on its own. A command taken off the inbox always runs, even when
                // closing: its future waits on it.
                List<Runnable> afterFlush = new ArrayList<>();
                while (command != null) {
                    if (command instanceof ProduceCommand) {
                        runCommand(command);
                    } else {
                        afterFlush.add(command);
                    }
                    command = ++handled < MAX_COMMANDS_PER_TURN && running ? inbox.poll() : null;
                }
                runCommand(() -> manager.flush(clock.nowMs()));
                afterFlush.forEach(this::runCommand);
                MetadataImage image = pendingImage.getAndSet(null);
                now = clock.nowMs();
                if (image != null) {
                    runCommand(() -> manager.applyImage(image, clock.nowMs()));
                }
                runCommand(() -> manager.flush(clock.nowMs()));
                if (now >= manager.nextWakeupMs()) {
                    runCommand(() -> manager.tick(clock.nowMs()));
                }
                sendProposals();
                // Only once the replicas exist: they start from the old checkpoint, which must not be
                // overwritten before they read it.
                if (manager.isReady() && now >= checkpointDueAtMs) {
                    runCommand(() -> logs.checkpointHighWatermarks(manager.highWatermarks()));
                    checkpointDueAtMs = now + HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS;
                }
                if (now >= statsDueAtMs) {
                    stats = manager.stats();
                    statsDueAtMs = now + STATS_INTERVAL_MS;
                }
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } finally {
            failPending();
        }
    }

    private void runCommand(Runnable command) {
        try {
            command.run();
        } catch (RuntimeException bug) {
            // The manager refuses misuse with exceptions; one bad command must not stop the broker.
            log.error("broker {}: replication command failed", brokerId, bug);
        }
    }

    private void sendProposals() {
        if (proposals.isEmpty()) {
            return;
        }
        List<PartitionChangeProposal> batch = List.copyOf(proposals);
        proposals.clear();
        alterPartition.apply(new ControllerApi.AlterPartitionRequest(brokerId, manager.brokerEpoch(), batch))
                .orTimeout(requestTimeoutMs, TimeUnit.MILLISECONDS)
                .whenComplete((reply, failure) -> enqueue(() -> onAlterPartitionReply(batch, reply, failure)));
    }

    private void onAlterPartitionReply(List<PartitionChangeProposal> batch, AlterPartitionReply reply,
            Throwable failure) {
        long now = clock.nowMs();
        if (failure != null || !reply.error().isSuccess()) {
            String why = failure != null ? String.valueOf(failure) : reply.error().toString();
            log.info("broker {}: AlterPartition for {} partitions failed, will retry: {}", brokerId, batch.size(), why);
            batch.forEach(proposal -> manager.handleAlterPartitionFailure(proposal, now));
            return;
        }
        Map<ReplicaManager.PartitionKey, PartitionChangeResult> results = new HashMap<>();
        for (PartitionChangeResult result : reply.partitions()) {
            results.put(new ReplicaManager.PartitionKey(result.topicId(), result.partition()), result);
        }
        for (PartitionChangeProposal proposal : batch) {
            PartitionChangeResult result = results.get(new ReplicaManager.PartitionKey(proposal.topicId(),
                    proposal.partition()));
            if (result == null) {
                manager.handleAlterPartitionFailure(proposal, now);
            } else {
                if (!result.error().isSuccess()) {
                    log.info("broker {}: AlterPartition of {}-{} refused: {}", brokerId, proposal.topicId(),
                            proposal.partition(), result.error());
                }
                manager.handleAlterPartitionResponse(proposal, result, now);
            }
        }
    }

    private void failPending() {
        synchronized (admission) {
            drained = true;
        }
        // Requests that were queued run first, so acks 0/1 appends are answered truthfully.
        for (Runnable command = inbox.poll(); command != null; command = inbox.poll()) {
            runCommand(command);
        }
        runCommand(() -> manager.flush(clock.nowMs()));
        if (manager.isReady()) {
            runCommand(() -> logs.checkpointHighWatermarks(manager.highWatermarks()));
        }
        for (CompletableFuture<ProduceResult> future : produces.values()) {
            future.complete(ProduceResult.failed(ReplicationError.NOT_LEADER_OR_FOLLOWER, "broker " + brokerId
                    + " is shutting down"));
        }
        produces.clear();
        for (CompletableFuture<ReplicaFetchResponse> future : fetches.values()) {
            future.completeExceptionally(new IllegalStateException("broker " + brokerId + " is shutting down"));
        }
        fetches.clear();
    }

    /** Whether the driver thread has ended (after {@link #close()}). */
    public boolean isStopped() {
        return !thread.isAlive();
    }

    /** Stops the thread; waiting requests are answered (produces NOT_LEADER_OR_FOLLOWER). Idempotent. */
    @Override
    public void close() {
        running = false;
        inbox.add(() -> { });
        if (Thread.currentThread() != thread) {
            try {
                thread.join(10_000);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        transport.close();
    }

    /** A client's produce: run before the turn's other commands so that the turn's appends share a flush. */
    private record ProduceCommand(Runnable body) implements Runnable {
        @Override
        public void run() {
            body.run();
        }
    }

    /** Performs the manager's effects; runs on the driver thread, inside manager calls. */
    private final class Output implements ReplicaOutput {
        @Override
        public void produceCompleted(long requestId, ProduceResult result) {
            CompletableFuture<ProduceResult> future = produces.remove(requestId);
            if (future != null) {
                future.complete(result);
            }
        }

        @Override
        public void fetchCompleted(long requestId, ReplicaFetchResponse response) {
            CompletableFuture<ReplicaFetchResponse> future = fetches.remove(requestId);
            if (future != null) {
                future.complete(response);
            }
        }

        @Override
        public void sendFetch(int leaderId, long fetchId, ReplicaFetchRequest request) {
            BrokerRegistration leader = manager.image().cluster().broker(leaderId);
            CompletableFuture<ReplicaFetchResponse> answer;
            try {
                answer = leader == null
                        ? CompletableFuture.failedFuture(new IllegalStateException("broker " + leaderId + " is not registered"))
                        : transport.fetch(leader, request, request.maxWaitMs() + requestTimeoutMs);
            } catch (RuntimeException cannotSend) {
                // A fetch that cannot even be sent (bad TLS files, a bad address) fails like a lost one,
                // so the fetcher backs off and tries again instead of waiting for an answer forever.
                answer = CompletableFuture.failedFuture(cannotSend);
            }
            answer.whenComplete((response, failure) -> enqueue(() -> {
                if (failure != null) {
                    log.debug("broker {}: fetch from broker {} failed: {}", brokerId, leaderId, failure.toString());
                    manager.handleFetchFailure(leaderId, fetchId, clock.nowMs());
                } else {
                    manager.handleFetchResponse(leaderId, fetchId, response, clock.nowMs());
                }
            }));
        }

        @Override
        public void sendAlterPartition(PartitionChangeProposal proposal) {
            proposals.add(proposal);
        }

        @Override
        public void uncleanTruncation(TopicPartition partition, long truncatedTo, long highWatermarkBefore) {
            log.error("broker {}: {} truncated to offset {} below its high watermark {} after an unclean leader "
                    + "election: offsets [{}, {}) that were committed are lost", brokerId, partition, truncatedTo,
                    highWatermarkBefore, truncatedTo, highWatermarkBefore);
        }

        @Override
        public void uncleanLeadership(TopicPartition partition, int leaderEpoch, long logEndOffset) {
            log.warn("broker {}: leads {} in epoch {} after an unclean leader election; its log (ending at {}) is now "
                    + "the truth and records other replicas held beyond it are lost", brokerId, partition, leaderEpoch,
                    logEndOffset);
        }

        @Override
        public void partitionFailed(TopicPartition partition, String reason) {
            log.error("broker {}: the replica of {} is offline on this broker: {}", brokerId, partition, reason);
        }
    }
}

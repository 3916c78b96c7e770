package io.kraftlet.runtime;

import io.kraftlet.log.QuorumStateStore;
import io.kraftlet.log.RaftLog;
import io.kraftlet.raft.AppendResult;
import io.kraftlet.raft.ListenerEvent;
import io.kraftlet.raft.Outbound;
import io.kraftlet.raft.QuorumDescription;
import io.kraftlet.raft.RaftEffects;
import io.kraftlet.raft.RaftListener;
import io.kraftlet.raft.RaftNode;
import io.kraftlet.raft.message.RaftRequest;
import io.kraftlet.raft.message.RaftResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns a node's {@link RaftNode}. Every input (a message from the
 * transport, an append, a listener registration) is queued to it; it feeds them to the core
 * and carries out each step's effects in the order the core requires: persist the election
 * state, flush the log (then report the flush to the core), send messages, deliver to
 * listeners and complete appends, and wake the core when its timer is due.
 *
 * <p>Threading: the public methods may be called from any thread and never block; they
 * enqueue. The inbox is bounded ({@code inboxCapacity}): when it is full an append fails at
 * once with {@link AppendFailedException} (BACK_PRESSURE) and an inbound request is dropped
 * (the peer sends again). Listeners are called on the driver thread.
 */
public final class RaftDriver implements RaftTransport.InboundHandler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RaftDriver.class);
    /** Inputs taken in one round before the timer is looked at again. */
    private static final int MAX_INPUTS_PER_ROUND = 256;
    /** Steps driven by one input (each flush can lead to one more step) before yielding. */
    private static final int MAX_STEPS_PER_INPUT = 64;

    private sealed interface Input {
    }

    private record InboundRequest(int source, RaftRequest request, CompletableFuture<RaftResponse> answer)
            implements Input {
    }

    private record InboundResponse(int source, RaftResponse response) implements Input {
    }

    private record Append(List<byte[]> records, CompletableFuture<Long> committed, long submittedMs, long bytes)
            implements Input {
    }

    private record Register(RaftListener listener, CompletableFuture<Void> done) implements Input {
    }

    private record Describe(CompletableFuture<QuorumDescription> answer) implements Input {
    }

    private record CreateSnapshot(long endOffset, byte[] data, CompletableFuture<Void> done) implements Input {
    }

    private record Shutdown(CompletableFuture<Void> done) implements Input {
    }

    /** Wakes the driver thread so it notices it must stop. */
    private record Wake() implements Input {
    }

    private record PendingAppend(CompletableFuture<Long> committed, long submittedMs, int records) {
    }

    private record PendingAnswer(CompletableFuture<RaftResponse> answer, long receivedMs) {
    }

    private final RaftNode core;
    private final RaftLog raftLog;
    private final QuorumStateStore stateStore;
    private final RaftTransport transport;
    private final Clock clock;
    private final RaftMetrics metrics;
    private final long requestTimeoutMs;
    private final long shutdownGraceMs;
    private final BlockingQueue<Input> inbox;
    private final Thread thread;

    // Owned by the driver thread.
    private final Map<Integer, RaftListener> listeners = new HashMap<>();
    private final Map<Long, PendingAppend> appends = new HashMap<>();
    private final Map<Long, PendingAnswer> answers = new HashMap<>();
    private long nextRequestId = 1;
    private long wakeupAtMs;
    private long shutdownDeadlineMs = Long.MAX_VALUE;
    private CompletableFuture<Void> shutdownDone;

    private volatile boolean running = true;
    private volatile Throwable failure;
    /** The leader as of the last step, for answers given off the driver thread. */
    private volatile io.kraftlet.raft.LeaderAndEpoch publishedLeader = io.kraftlet.raft.LeaderAndEpoch.UNKNOWN;
    /** Bytes of appends waiting in the inbox: bounded by {@code maxQueuedAppendBytes}. */
    private final java.util.concurrent.atomic.AtomicLong queuedAppendBytes = new java.util.concurrent.atomic.AtomicLong();
    private final long maxQueuedAppendBytes;
    /** Effects left over when one input's chain of steps hit its bound; performed first next round. */
    private RaftEffects carriedOver;
    /** Last time a refusal by a peer was logged, per peer, to keep that warning rate-limited. */
    private final Map<Integer, Long> lastRefusalLogMs = new HashMap<>();
    private static final long REFUSAL_LOG_INTERVAL_MS = 10_000;

    /**
     * @param core the node's core, not yet used by anybody else
     * @param raftLog the log the core was built over (the driver flushes it)
     * @param stateStore where the election state is persisted
     * @param transport started by {@link #start()} with this driver as its handler
     * @param clock the time source passed to the core
     * @param metrics meters to update after each step
     * @param inboxCapacity bound of the input queue
     * @param shutdownGraceMs how long a graceful close waits for voters to acknowledge a resignation
     */
    public RaftDriver(RaftNode core, RaftLog raftLog, QuorumStateStore stateStore, RaftTransport transport, Clock clock,
            RaftMetrics metrics, int inboxCapacity, long shutdownGraceMs, long requestTimeoutMs) {
        this.core = core;
        this.raftLog = raftLog;
        this.stateStore = stateStore;
        this.transport = transport;
        this.clock = clock;
        this.metrics = metrics;
        this.inbox = new ArrayBlockingQueue<>(inboxCapacity);
        this.shutdownGraceMs = shutdownGraceMs;
        this.requestTimeoutMs = requestTimeoutMs;
        this.maxQueuedAppendBytes = 8L * core.config().accumulatorMaxBytes();
        this.thread = new Thread(this::run, "kraftlet-raft-driver-" + core.nodeId());
        this.thread.setDaemon(false);
    }

    /** Starts the transport and the driver thread; if the transport cannot start, nothing runs. */
    public void start() {
        try {
            transport.start(this);
        } catch (RuntimeException failed) {
            running = false;
            throw failed;
        }
        thread.start();
    }

    // ---------------------------------------------------------------- any thread

    /** Appends records on the leader; completes with the last record's committed offset. */
    public CompletableFuture<Long> append(List<byte[]> records) {
        CompletableFuture<Long> committed = new CompletableFuture<>();
        long bytes = 0;
        for (byte[] record : records) {
            bytes += record.length;
        }
        if (queuedAppendBytes.addAndGet(bytes) > maxQueuedAppendBytes) {
            queuedAppendBytes.addAndGet(-bytes);
            committed.completeExceptionally(refusal(AppendResult.Status.BACK_PRESSURE,
                    "more than " + maxQueuedAppendBytes + " bytes of appends are waiting for the driver"));
        } else if (!offer(new Append(List.copyOf(records), committed, clock.nowMs(), bytes))) {
            queuedAppendBytes.addAndGet(-bytes);
            committed.completeExceptionally(notRunning().orElseGet(() -> refusal(AppendResult.Status.BACK_PRESSURE,
                    "the driver's input queue is full")));
        }
        return committed;
    }

    /** Registers a listener; it starts at the latest snapshot or offset 0. */
    public CompletableFuture<Void> register(RaftListener listener) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!offer(new Register(listener, done))) {
            done.completeExceptionally(unavailable());
        }
        return done;
    }

    /**
     * Stores the state machine's snapshot of everything below {@code endOffset} (a batch
     * boundary its listener reached, at or below the high watermark) and deletes the log below
     * the previous snapshot. May be called from a listener: it only enqueues.
     */
    public CompletableFuture<Void> createSnapshot(long endOffset, byte[] data) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!offer(new CreateSnapshot(endOffset, data.clone(), done))) {
            done.completeExceptionally(unavailable());
        }
        return done;
    }

    @Override
    public CompletableFuture<RaftResponse> handleRequest(int source, RaftRequest request) {
        CompletableFuture<RaftResponse> answer = new CompletableFuture<>();
        if (!offer(new InboundRequest(source, request, answer))) {
            answer.completeExceptionally(unavailable());
        }
        return answer;
    }

    @Override
    public void handleResponse(int source, RaftResponse response) {
        offer(new InboundResponse(source, response));
    }

    @Override
    public CompletableFuture<QuorumDescription> describeQuorum() {
        CompletableFuture<QuorumDescription> answer = new CompletableFuture<>();
        if (!offer(new Describe(answer))) {
            answer.completeExceptionally(unavailable());
        }
        return answer;
    }

    /**
     * Graceful stop: a leader resigns and tells the voters (waiting up to the shutdown grace for
     * their acknowledgement), the log is flushed, the transport closed. Idempotent; blocks until
     * the driver thread ended. Must not be called on the driver thread (from a listener).
     */
    @Override
    public void close() {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("close() was called on node " + core.nodeId()
                    + "'s driver thread (from a listener or a future callback); call it from another thread");
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (running && thread.isAlive() && inbox.offer(new Shutdown(done))) {
            done.completeOnTimeout(null, shutdownGraceMs + requestTimeoutMs, TimeUnit.MILLISECONDS).join();
        }
        running = false;
        inbox.offer(new Wake());
        try {
            // Not interrupted unless it does not stop: an interrupt closes the log's channels.
            thread.join(requestTimeoutMs);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(requestTimeoutMs);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        transport.close();
        metrics.close();
    }

    /** Why the driver stopped on its own, if it did (a bug or a storage failure). */
    public Throwable failure() {
        return failure;
    }

    public int nodeId() {
        return core.nodeId();
    }

    private boolean offer(Input input) {
        if (!running || !inbox.offer(input)) {
            return false;
        }
        if (!running) {
            failQueuedInputs(stopCause()); // the driver may have drained the inbox already
        }
        return true;
    }

    /** Why nothing more can be done, once the driver stopped. */
    private java.util.Optional<AppendFailedException> notRunning() {
        return running ? java.util.Optional.empty() : java.util.Optional.of(stopCause());
    }

    private RuntimeException unavailable() {
        return running ? new IllegalStateException("node " + core.nodeId() + "'s driver is overloaded: its input queue is full")
                : stopCause();
    }

    private AppendFailedException stopCause() {
        Throwable cause = failure;
        AppendFailedException stopped = refusal(cause == null ? AppendResult.Status.NOT_LEADER
                : AppendResult.Status.LEADERSHIP_LOST, cause == null ? "node " + core.nodeId() + " is shut down"
                : "node " + core.nodeId() + " stopped after a failure: " + cause);
        if (cause != null) {
            stopped.initCause(cause);
        }
        return stopped;
    }

    // ---------------------------------------------------------------- driver thread

    private void run() {
        try {
            perform(core.tick(clock.nowMs()));
            while (running) {
                long waitMs = carriedOver != null ? 0 : Math.min(wakeupAtMs, shutdownDeadlineMs) - clock.nowMs();
                if (carriedOver != null) {
                    RaftEffects effects = carriedOver;
                    carriedOver = null;
                    perform(effects);
                    waitMs = 0;
                }
                Input input = waitMs > 0 ? inbox.poll(waitMs, TimeUnit.MILLISECONDS) : inbox.poll();
                for (int taken = 0; input != null && taken < MAX_INPUTS_PER_ROUND; taken++) {
                    handle(input);
                    input = inbox.poll();
                }
                if (input != null) {
                    handle(input);
                }
                long now = clock.nowMs();
                if (now >= wakeupAtMs) {
                    perform(core.tick(now));
                }
                expireAnswers(now);
                if (shutdownDone != null && (core.readyToStop() || now >= shutdownDeadlineMs)) {
                    break;
                }
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error fatal) {
            failure = fatal;
            log.error("node {}: the Raft driver stopped: {}", core.nodeId(), fatal.toString(), fatal);
        } finally {
            running = false;
            stop();
        }
    }

    private void handle(Input input) {
        long now = clock.nowMs();
        if (input instanceof InboundRequest request) {
            answers.put(answerKey(request.source(), request.request().correlationId()),
                    new PendingAnswer(request.answer(), now));
            perform(core.handleMessage(request.source(), request.request(), now));
        } else if (input instanceof InboundResponse response) {
            warnOnRefusal(response.source(), response.response(), now);
            perform(core.handleMessage(response.source(), response.response(), now));
        } else if (input instanceof Append append) {
            queuedAppendBytes.addAndGet(-append.bytes());
            long requestId = nextRequestId++;
            appends.put(requestId, new PendingAppend(append.committed(), append.submittedMs(), append.records().size()));
            perform(core.append(requestId, append.records(), now));
        } else if (input instanceof Register register) {
            int listenerId = listeners.size();
            listeners.put(listenerId, register.listener());
            perform(core.registerListener(listenerId, now));
            register.done().complete(null);
        } else if (input instanceof CreateSnapshot snapshot) {
            try {
                perform(core.createSnapshot(snapshot.endOffset(), snapshot.data(), now));
                snapshot.done().complete(null);
            } catch (IllegalArgumentException refused) {
                snapshot.done().completeExceptionally(refused);
            }
        } else if (input instanceof Describe describe) {
            describe.answer().complete(core.describe());
        } else if (input instanceof Shutdown shutdown) {
            shutdownDone = shutdown.done();
            shutdownDeadlineMs = now + shutdownGraceMs;
            perform(core.shutdown(now));
        }
    }

    /** A peer refusing us (another cluster, or a voter set that lacks us) is a configuration error. */
    private void warnOnRefusal(int source, RaftResponse response, long nowMs) {
        io.kraftlet.raft.message.Errors error = response.error();
        if (error != io.kraftlet.raft.message.Errors.INCONSISTENT_CLUSTER_ID
                && error != io.kraftlet.raft.message.Errors.INCONSISTENT_VOTER_SET) {
            return;
        }
        Long last = lastRefusalLogMs.get(source);
        if (last == null || nowMs - last >= REFUSAL_LOG_INTERVAL_MS) {
            lastRefusalLogMs.put(source, nowMs);
            log.warn("node {}: node {} refuses our requests with {}: check cluster.id and controller.quorum.voters on both",
                    core.nodeId(), source, error);
        }
    }

    /** Carries out effects in the required order; a completed flush is fed back at once. */
    private void perform(RaftEffects effects) {
        for (int step = 0; effects != null && step < MAX_STEPS_PER_INPUT; step++) {
            effects.electionState().ifPresent(stateStore::write);
            long flushedTo = -1;
            if (effects.flush()) {
                flushedTo = raftLog.flush();
            }
            for (Outbound outbound : effects.messages()) {
                send(outbound);
            }
            for (ListenerEvent event : effects.listenerEvents()) {
                deliver(event);
            }
            for (AppendResult result : effects.appendResults()) {
                complete(result);
            }
            wakeupAtMs = effects.wakeupAtMs();
            metrics.update(core, clock.nowMs());
            publishedLeader = core.leaderAndEpoch();
            effects = flushedTo >= 0 ? core.handleFlushed(flushedTo, clock.nowMs()) : null;
        }
        carriedOver = effects; // more to do: performed first in the next round, after one look at the inbox
    }

    private void send(Outbound outbound) {
        if (outbound.message() instanceof RaftRequest request) {
            transport.send(outbound.destination(), request);
            return;
        }
        PendingAnswer pending = answers.remove(answerKey(outbound.destination(), outbound.message().correlationId()));
        if (pending != null) {
            pending.answer().complete((RaftResponse) outbound.message());
        }
    }

    private void deliver(ListenerEvent event) {
        RaftListener listener = listeners.get(event.listenerId());
        if (event instanceof ListenerEvent.Commit commit) {
            listener.handleCommit(commit.batch());
        } else if (event instanceof ListenerEvent.LoadSnapshot load) {
            listener.handleLoadSnapshot(load.snapshot());
        } else if (event instanceof ListenerEvent.LeaderChange change) {
            listener.handleLeaderChange(change.leader());
        }
    }

    private void complete(AppendResult result) {
        PendingAppend pending = appends.remove(result.requestId());
        if (pending == null) {
            return;
        }
        if (result.status() == AppendResult.Status.COMMITTED) {
            metrics.recordCommit(clock.nowMs() - pending.submittedMs(), pending.records());
            pending.committed().complete(result.lastOffset());
        } else {
            pending.committed().completeExceptionally(new AppendFailedException(result));
        }
    }

    /** Inbound requests the core never answered (superseded fetches) are given up. */
    private void expireAnswers(long nowMs) {
        Iterator<PendingAnswer> iterator = answers.values().iterator();
        while (iterator.hasNext()) {
            PendingAnswer pending = iterator.next();
            if (nowMs - pending.receivedMs() > requestTimeoutMs) {
                pending.answer().cancel(false);
                iterator.remove();
            }
        }
    }

    private void stop() {
        if (failure == null) {
            try {
                raftLog.flush();
            } catch (RuntimeException flushFailure) {
                log.warn("node {}: final flush failed: {}", core.nodeId(), flushFailure.toString());
            }
        } else {
            // After a failure nothing more is written: a retried fsync may lie (see FileRaftLog).
            transport.close();
        }
        // Appends in flight may or may not have committed; after a failure say so.
        AppendFailedException stopped = stopCause();
        appends.values().forEach(pending -> pending.committed().completeExceptionally(stopped));
        appends.clear();
        answers.values().forEach(pending -> pending.answer().completeExceptionally(stopped));
        answers.clear();
        failQueuedInputs(stopped);
        if (shutdownDone != null) {
            shutdownDone.complete(null);
        }
    }

    /** Completes every queued input exceptionally: nothing will handle it any more. */
    private void failQueuedInputs(AppendFailedException stopped) {
        Input input;
        while ((input = inbox.poll()) != null) {
            if (input instanceof Append append) {
                queuedAppendBytes.addAndGet(-append.bytes());
                append.committed().completeExceptionally(stopped);
            } else if (input instanceof InboundRequest request) {
                request.answer().completeExceptionally(stopped);
            } else if (input instanceof Register register) {
                register.done().completeExceptionally(stopped);
            } else if (input instanceof Describe describe) {
                describe.answer().completeExceptionally(stopped);
            } else if (input instanceof CreateSnapshot snapshot) {
                snapshot.done().completeExceptionally(stopped);
            } else if (input instanceof Shutdown shutdown) {
                shutdown.done().complete(null);
            }
        }
    }

    private AppendFailedException refusal(AppendResult.Status status, String why) {
        return new AppendFailedException(new AppendResult(-1, status, -1, publishedLeader), why);
    }

    private static long answerKey(int source, long correlationId) {
        return (correlationId << 16) ^ (source & 0xffff);
    }
}

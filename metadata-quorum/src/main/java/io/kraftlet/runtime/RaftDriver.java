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

    private record Append(List<byte[]> records, CompletableFuture<Long> committed, long submittedMs) implements Input {
    }

    private record Register(RaftListener listener, CompletableFuture<Void> done) implements Input {
    }

    private record Describe(CompletableFuture<QuorumDescription> answer) implements Input {
    }

    private record CreateSnapshot(long endOffset, byte[] data, CompletableFuture<Void> done) implements Input {
    }

    private record Shutdown(CompletableFuture<Void> done) implements Input {
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
        this.thread = new Thread(this::run, "kraftlet-raft-driver-" + core.nodeId());
        this.thread.setDaemon(false);
    }

    /** Starts the transport and the driver thread. */
    public void start() {
        transport.start(this);
        thread.start();
    }

    // ---------------------------------------------------------------- any thread

    /** Appends records on the leader; completes with the last record's committed offset. */
    public CompletableFuture<Long> append(List<byte[]> records) {
        CompletableFuture<Long> committed = new CompletableFuture<>();
        if (!offer(new Append(List.copyOf(records), committed, clock.nowMs()))) {
            committed.completeExceptionally(refusal(AppendResult.Status.BACK_PRESSURE,
                    "the driver's input queue is full"));
        }
        return committed;
    }

    /** Registers a listener; it starts at the latest snapshot or offset 0. */
    public CompletableFuture<Void> register(RaftListener listener) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!offer(new Register(listener, done))) {
            done.completeExceptionally(new IllegalStateException("the driver's input queue is full"));
        }
        return done;
    }

    /**
     * Stores the state machine's snapshot of everything below {@code endOffset} (a batch
     * boundary its listener reached, at or below the high watermark) and deletes the log prefix
     * it covers. May be called from a listener: it only enqueues.
     */
    public CompletableFuture<Void> createSnapshot(long endOffset, byte[] data) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!offer(new CreateSnapshot(endOffset, data.clone(), done))) {
            done.completeExceptionally(new IllegalStateException("the driver's input queue is full"));
        }
        return done;
    }

    @Override
    public CompletableFuture<RaftResponse> handleRequest(int source, RaftRequest request) {
        CompletableFuture<RaftResponse> answer = new CompletableFuture<>();
        if (!offer(new InboundRequest(source, request, answer))) {
            answer.completeExceptionally(new IllegalStateException("node " + core.nodeId() + " is overloaded"));
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
            answer.completeExceptionally(new IllegalStateException("node " + core.nodeId() + " is overloaded"));
        }
        return answer;
    }

    /**
     * Graceful stop: a leader resigns and tells the voters (waiting up to the shutdown grace for
     * their acknowledgement), the log is flushed, the transport closed. Idempotent; blocks until
     * the driver thread ended.
     */
    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (running && offer(new Shutdown(done))) {
            done.orTimeout(shutdownGraceMs + requestTimeoutMs, TimeUnit.MILLISECONDS).exceptionally(e -> null).join();
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(shutdownGraceMs + requestTimeoutMs);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        transport.close();
    }

    /** Why the driver stopped on its own, if it did (a bug or a storage failure). */
    public Throwable failure() {
        return failure;
    }

    public int nodeId() {
        return core.nodeId();
    }

    private boolean offer(Input input) {
        return running && inbox.offer(input);
    }

    // ---------------------------------------------------------------- driver thread

    private void run() {
        try {
            perform(core.tick(clock.nowMs()));
            while (running) {
                long waitMs = Math.min(wakeupAtMs, shutdownDeadlineMs) - clock.nowMs();
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
            perform(core.handleMessage(response.source(), response.response(), now));
        } else if (input instanceof Append append) {
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
            effects = flushedTo >= 0 ? core.handleFlushed(flushedTo, clock.nowMs()) : null;
        }
        if (effects != null) {
            wakeupAtMs = clock.nowMs(); // more to do: come back at once, after other inputs
        }
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
        try {
            raftLog.flush();
        } catch (RuntimeException flushFailure) {
            log.warn("node {}: final flush failed: {}", core.nodeId(), flushFailure.toString());
        }
        AppendFailedException closed = refusal(AppendResult.Status.NOT_LEADER, "the node is shut down");
        appends.values().forEach(pending -> pending.committed().completeExceptionally(closed));
        appends.clear();
        answers.values().forEach(pending -> pending.answer().cancel(false));
        answers.clear();
        for (Input input : inbox) {
            if (input instanceof Append append) {
                append.committed().completeExceptionally(closed);
            }
        }
        inbox.clear();
        if (shutdownDone != null) {
            shutdownDone.complete(null);
        }
    }

    private AppendFailedException refusal(AppendResult.Status status, String why) {
        return new AppendFailedException(new AppendResult(-1, status, -1, core.leaderAndEpoch()), why);
    }

    private static long answerKey(int source, long correlationId) {
        return (correlationId << 16) ^ (source & 0xffff);
    }
}

package io.kraftlet.replication;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;

/**
 * The acks=all produce requests of one partition that wait for the HW to cover their batch.
 * Each entry holds its required offset (the leader's LEO right after the append: the HW must
 * reach it) and its deadline. Inputs complete entries; each returns the answers to send, in
 * arrival order (which, within one partition, is offset order):
 * <ul>
 *   <li>{@link #onHighWatermark}: NONE for every entry the HW covers;
 *   <li>{@link #onIsrShrunkBelowMin}: NOT_ENOUGH_REPLICAS_AFTER_APPEND for all;
 *   <li>{@link #expire}: REQUEST_TIMED_OUT for every entry past its deadline;
 *   <li>{@link #failAll}: one error for all (e.g. NOT_LEADER_OR_FOLLOWER when leadership moves).
 * </ul>
 * Bounded by {@code maxWaiting} (STYLE #9): check {@link #hasRoom()} before the append, since a
 * request refused after its append could not be answered truthfully.
 *
 * <p>Pure; not thread-safe; owned by one driver thread.
 */
public final class ProducePurgatory {
    private final int maxWaiting;
    /** In arrival order; required offsets never decrease along it (appends are in offset order). */
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();

    /** A waiting acks=all request. */
    public record Waiting(long requestId, long requiredOffset, long deadlineMs) {
    }

    /** The answer for one request. */
    public record Completion(long requestId, ReplicationError error) {
    }

    public ProducePurgatory(int maxWaiting) {
        if (maxWaiting < 1) {
            throw new IllegalArgumentException("maxWaiting must be at least 1: " + maxWaiting);
        }
        this.maxWaiting = maxWaiting;
    }

    public boolean hasRoom() {
        return waiting.size() < maxWaiting;
    }

    /**
     * Parks a request until the HW reaches {@code requiredOffset} or {@code deadlineMs} passes.
     *
     * @throws IllegalStateException when {@code maxWaiting} requests already wait
     * @throws IllegalArgumentException for a duplicate request id or a required offset below an
     *     earlier one
     */
    public void add(long requestId, long requiredOffset, long deadlineMs) {
        if (!hasRoom()) {
            throw new IllegalStateException("produce purgatory full: " + waiting.size() + " acks=all requests wait (max "
                    + maxWaiting + "); check hasRoom() before appending");
        }
        Waiting last = waiting.peekLast();
        if (last != null && requiredOffset < last.requiredOffset()) {
            throw new IllegalArgumentException("required offset " + requiredOffset + " below the previous "
                    + last.requiredOffset() + ": appends are in offset order");
        }
        if (waiting.stream().anyMatch(entry -> entry.requestId() == requestId)) {
            throw new IllegalArgumentException("request " + requestId + " already waits");
        }
        waiting.addLast(new Waiting(requestId, requiredOffset, deadlineMs));
    }

    /** Completes, with NONE, every request whose batch the HW {@code highWatermark} covers. */
    public List<Completion> onHighWatermark(long highWatermark) {
        List<Completion> done = new ArrayList<>();
        while (!waiting.isEmpty() && waiting.peekFirst().requiredOffset() <= highWatermark) {
            done.add(new Completion(waiting.pollFirst().requestId(), ReplicationError.NONE));
        }
        return done;
    }

    /** The committed ISR fell below min.insync.replicas: the HW is held, so no waiting request can succeed. */
    public List<Completion> onIsrShrunkBelowMin() {
        return failAll(ReplicationError.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
    }

    /** Completes, with REQUEST_TIMED_OUT, every request whose deadline is at or before {@code nowMs}. */
    public List<Completion> expire(long nowMs) {
        List<Completion> done = new ArrayList<>();
        for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
            Waiting entry = it.next();
            if (entry.deadlineMs() <= nowMs) {
                it.remove();
                done.add(new Completion(entry.requestId(), ReplicationError.REQUEST_TIMED_OUT));
            }
        }
        return done;
    }

    /** Completes every waiting request with {@code error}. */
    public List<Completion> failAll(ReplicationError error) {
        if (error == ReplicationError.NONE) {
            throw new IllegalArgumentException("failAll needs an error");
        }
        List<Completion> done = new ArrayList<>(waiting.size());
        while (!waiting.isEmpty()) {
            done.add(new Completion(waiting.pollFirst().requestId(), error));
        }
        return done;
    }

    /** The earliest deadline, for the driver's next wake-up; empty when nothing waits. */
    public OptionalLong nextDeadlineMs() {
        return waiting.stream().mapToLong(Waiting::deadlineMs).min();
    }

    public int size() {
        return waiting.size();
    }
}

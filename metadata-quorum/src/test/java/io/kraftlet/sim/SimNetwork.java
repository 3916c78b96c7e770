package io.kraftlet.sim;

import io.kraftlet.raft.message.RaftMessage;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * The simulated network: every message gets a random delay (so messages overtake each other),
 * may be dropped or duplicated, and is lost if its link is cut when it would arrive or if the
 * receiver restarted since it was sent (its connection is gone).
 */
final class SimNetwork {
    private final Simulation sim;
    private final Random random;
    private final Set<Long> blockedLinks = new HashSet<>();
    private final Set<Integer> isolated = new HashSet<>();
    private int dropPerMille;
    private int duplicatePerMille;
    private int maxDelayMs = 15;
    private long sent;
    private long dropped;

    SimNetwork(Simulation sim, Random random) {
        this.sim = sim;
        this.random = random;
    }

    void send(int from, int to, RaftMessage message) {
        SimNode destination = sim.node(to);
        if (destination == null) {
            return; // no such node (an answer to a forged sender)
        }
        sent++;
        if (random.nextInt(1000) < dropPerMille) {
            dropped++;
            return;
        }
        int copies = random.nextInt(1000) < duplicatePerMille ? 2 : 1;
        int incarnation = destination.incarnation;
        for (int i = 0; i < copies; i++) {
            long at = sim.nowMs() + 1 + random.nextInt(maxDelayMs);
            sim.schedule(at, destination, () -> deliver(from, destination, incarnation, message));
        }
    }

    private void deliver(int from, SimNode destination, int incarnation, RaftMessage message) {
        if (!linkUp(from, destination.id) || !destination.up() || destination.incarnation != incarnation) {
            dropped++;
            return;
        }
        destination.apply(destination.core.handleMessage(from, message, sim.nowMs()));
    }

    boolean linkUp(int from, int to) {
        return !isolated.contains(from) && !isolated.contains(to) && !blockedLinks.contains(link(from, to));
    }

    void block(int a, int b, boolean bothWays) {
        if (a == b) {
            return;
        }
        blockedLinks.add(link(a, b));
        if (bothWays) {
            blockedLinks.add(link(b, a));
        }
    }

    void isolate(int node) {
        isolated.add(node);
    }

    void heal() {
        blockedLinks.clear();
        isolated.clear();
    }

    void setDropPerMille(int perMille) {
        dropPerMille = perMille;
    }

    void setDuplicatePerMille(int perMille) {
        duplicatePerMille = perMille;
    }

    void setMaxDelayMs(int delayMs) {
        maxDelayMs = delayMs;
    }

    long sent() {
        return sent;
    }

    long dropped() {
        return dropped;
    }

    private static long link(int from, int to) {
        return ((long) from << 32) | (to & 0xffffffffL);
    }
}

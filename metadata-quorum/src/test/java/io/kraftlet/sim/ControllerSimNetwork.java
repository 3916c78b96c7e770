package io.kraftlet.sim;

import io.kraftlet.raft.message.RaftMessage;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * The controller simulation's network. It carries Raft messages between controllers and
 * brokers (the brokers' metadata fetches) and the controller RPCs of brokers and the admin
 * client. Every message gets a random delay (so messages overtake each other), may be
 * dropped, and is lost if its link is cut when it would arrive or if the receiver restarted
 * since it was sent. Only Raft messages are duplicated: a controller RPC travels on one
 * connection, and a lost one is retried by its sender as a new request after a timeout.
 */
final class ControllerSimNetwork {
    /** A controller RPC; {@code requestId} is unique in the run and names the answer. */
    record RpcRequest(long requestId, Object body) {
    }

    /** The answer to {@link RpcRequest}: a response, or a failure (NOT_CONTROLLER). */
    record RpcReply(long requestId, Object response, RuntimeException failure) {
    }

    /** Something the network delivers to: a node, or the admin client. */
    interface Endpoint {
        int id();

        boolean up();

        int incarnation();

        /** The event-loop owner of deliveries (held while it is paused), or null. */
        MetadataSimNode pausable();

        void receive(int from, Object message);
    }

    private final ControllerSimulation sim;
    private final Random random;
    /** Cut links (from, to) and isolated nodes, each with how many cuts hold it (cuts overlap). */
    private final Map<Long, Integer> blockedLinks = new HashMap<>();
    private final Map<Integer, Integer> isolated = new HashMap<>();
    private int dropPerMille;
    private int duplicatePerMille;
    private int maxDelayMs = ControllerSimulation.DEFAULT_MAX_DELAY_MS;
    private long sent;
    private long dropped;

    ControllerSimNetwork(ControllerSimulation sim, Random random) {
        this.sim = sim;
        this.random = random;
    }

    void send(int from, int to, Object message) {
        Endpoint destination = sim.endpoint(to);
        if (destination == null) {
            return; // no such node
        }
        sent++;
        if (random.nextInt(1000) < dropPerMille) {
            dropped++;
            return;
        }
        int copies = message instanceof RaftMessage && random.nextInt(1000) < duplicatePerMille ? 2 : 1;
        int incarnation = destination.incarnation();
        for (int i = 0; i < copies; i++) {
            long at = sim.nowMs() + 1 + random.nextInt(maxDelayMs);
            sim.schedule(at, destination.pausable(), () -> deliver(from, destination, incarnation, message));
        }
    }

    private void deliver(int from, Endpoint destination, int incarnation, Object message) {
        if (!linkUp(from, destination.id()) || !destination.up() || destination.incarnation() != incarnation) {
            dropped++;
            return;
        }
        destination.receive(from, message);
    }

    boolean linkUp(int from, int to) {
        return !isolated.containsKey(from) && !isolated.containsKey(to) && !blockedLinks.containsKey(link(from, to));
    }

    /** Cuts the link a to b (and b to a when {@code bothWays}) until {@link #unblock} or {@link #heal}. */
    void block(int a, int b, boolean bothWays) {
        if (a == b) {
            return;
        }
        blockedLinks.merge(link(a, b), 1, Integer::sum);
        if (bothWays) {
            blockedLinks.merge(link(b, a), 1, Integer::sum);
        }
    }

    /** Ends one {@link #block} of the same link(s); other cuts of them stay. */
    void unblock(int a, int b, boolean bothWays) {
        if (a == b) {
            return;
        }
        release(blockedLinks, link(a, b));
        if (bothWays) {
            release(blockedLinks, link(b, a));
        }
    }

    void isolate(int node) {
        isolated.merge(node, 1, Integer::sum);
    }

    void unisolate(int node) {
        release(isolated, node);
    }

    /** Every link works again. A cut that ends later finds nothing to undo. */
    void heal() {
        blockedLinks.clear();
        isolated.clear();
    }

    private static <K> void release(Map<K, Integer> cuts, K key) {
        cuts.computeIfPresent(key, (k, count) -> count == 1 ? null : count - 1);
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

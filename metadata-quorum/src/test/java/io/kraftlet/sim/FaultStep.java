package io.kraftlet.sim;

/**
 * One fault (or repair) injected at simulated time {@code atMs}. {@code node} and {@code peer}
 * are indexes into the cluster's nodes (taken modulo its size); {@code amount} is the kind's
 * parameter (a duration in ms, or a probability in per mille).
 */
public record FaultStep(long atMs, Kind kind, int node, int peer, int amount) {
    public enum Kind {
        /** Power cut: the node stops; its unflushed log tail is lost. */
        CRASH,
        /** A crashed node starts again from its durable state. */
        RESTART,
        /** Graceful stop (a leader resigns first), then a restart after {@code amount} ms. */
        SHUTDOWN,
        /** The process stops for {@code amount} ms (GC pause, SIGSTOP); messages wait. */
        PAUSE,
        /** Messages between node and peer are dropped both ways. */
        PARTITION,
        /** Messages from node to peer are dropped; the other direction works. */
        ONE_WAY,
        /** The node can reach nobody and nobody can reach it. */
        ISOLATE,
        /** Every link works again. */
        HEAL,
        /** Each message is dropped with probability {@code amount} per mille. */
        DROP,
        /** Each message is delivered twice with probability {@code amount} per mille. */
        DUPLICATE,
        /** Message delay becomes up to {@code amount} ms, so messages also overtake each other. */
        DELAY,
        /** Messages from another cluster and from a non-voter posing as a candidate arrive. */
        FOREIGN
    }

    /** Compact form used in replay strings: {@code atMs:KIND:node:peer:amount}. */
    public String encode() {
        return atMs + ":" + kind + ":" + node + ":" + peer + ":" + amount;
    }

    public static FaultStep decode(String text) {
        String[] parts = text.split(":");
        if (parts.length != 5) {
            throw new IllegalArgumentException("fault step '" + text + "' is not atMs:KIND:node:peer:amount");
        }
        return new FaultStep(Long.parseLong(parts[0]), Kind.valueOf(parts[1]), Integer.parseInt(parts[2]),
                Integer.parseInt(parts[3]), Integer.parseInt(parts[4]));
    }
}

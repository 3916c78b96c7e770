package io.kraftlet.examples.bench;

/**
 * The shape of one controller benchmark run.
 *
 * @param brokers brokers registered with the controller (lightweight agents of the bench process)
 * @param partitions partitions created, in topics of at most {@link #PARTITIONS_PER_TOPIC_MAX}
 * @param replicationFactor replicas of each partition
 */
public record ControllerBenchOptions(int brokers, int partitions, int replicationFactor) {
    /** Broker ids are 1..brokers; the controllers' ids start above. */
    static final int BROKERS_MAX = 1000;
    /** Bound on the run, far above the benchmarked 100,000: each controller holds every partition in its heap. */
    static final int PARTITIONS_MAX = 2_000_000;
    /** The largest topic the bench creates, so one topic's records fit in one controller append. */
    static final int PARTITIONS_PER_TOPIC_MAX = 1000;

    /**
     * Checks the options, throwing {@link IllegalArgumentException} with one line that names the
     * first bad option and says what is allowed.
     */
    public ControllerBenchOptions validate() {
        between("--brokers", brokers, 1, BROKERS_MAX);
        between("--partitions", partitions, 1, PARTITIONS_MAX);
        between("--replication-factor", replicationFactor, 1, brokers);
        return this;
    }

    /** Topics the run creates: {@code ceil(partitions / 1000)}. */
    int topics() {
        return (partitions + PARTITIONS_PER_TOPIC_MAX - 1) / PARTITIONS_PER_TOPIC_MAX;
    }

    private static void between(String option, int value, int min, int max) {
        if (value < min || value > max) {
            String limit = option.equals("--replication-factor") ? " (at most --brokers)" : "";
            throw new IllegalArgumentException(option + " must be between " + min + " and " + max + limit + ", got "
                    + value);
        }
    }
}

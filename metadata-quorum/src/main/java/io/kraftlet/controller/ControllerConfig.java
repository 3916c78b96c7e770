package io.kraftlet.controller;

/**
 * Controller settings, with Kafka's names and defaults.
 *
 * @param brokerSessionTimeoutMs {@code broker.session.timeout.ms}: a broker without a heartbeat
 *     for this long is fenced
 * @param brokerHeartbeatIntervalMs {@code broker.heartbeat.interval.ms}: how often brokers send one
 * @param autoLeaderRebalanceEnable {@code auto.leader.rebalance.enable}
 * @param leaderImbalanceCheckIntervalMs {@code leader.imbalance.check.interval.seconds} in ms
 * @param maxIdleIntervalMs {@code metadata.max.idle.interval.ms}: an idle active controller
 *     writes a NoOp record this often (0 disables)
 * @param defaultNumPartitions {@code num.partitions}
 * @param defaultReplicationFactor {@code default.replication.factor}
 * @param defaultMinInsyncReplicas {@code min.insync.replicas} for topics that do not set it
 * @param defaultUncleanLeaderElectionEnable {@code unclean.leader.election.enable} default
 * @param maxAppendBytes the largest append the controller makes (the Raft batch limit): a
 *     topic's records must fit in one
 * @param maxInFlightAppendBytes bytes of appended but uncommitted records the controller allows
 *     itself before it answers THROTTLING_QUOTA_EXCEEDED
 * @param maxElectionsPerRebalance partitions moved back to their preferred leader per automatic pass
 */
public record ControllerConfig(int brokerSessionTimeoutMs, int brokerHeartbeatIntervalMs,
        boolean autoLeaderRebalanceEnable, long leaderImbalanceCheckIntervalMs, int maxIdleIntervalMs,
        int defaultNumPartitions, int defaultReplicationFactor, int defaultMinInsyncReplicas,
        boolean defaultUncleanLeaderElectionEnable, int maxAppendBytes, int maxInFlightAppendBytes,
        int maxElectionsPerRebalance) {

    public static final ControllerConfig DEFAULT = new ControllerConfig(9000, 2000, true, 300_000, 500, 1, 1, 1,
            false, 1 << 20, 4 << 20, 1000);

    public ControllerConfig {
        positive("broker.session.timeout.ms", brokerSessionTimeoutMs);
        positive("broker.heartbeat.interval.ms", brokerHeartbeatIntervalMs);
        if (brokerHeartbeatIntervalMs >= brokerSessionTimeoutMs) {
            throw new IllegalArgumentException("broker.heartbeat.interval.ms (" + brokerHeartbeatIntervalMs
                    + ") must be less than broker.session.timeout.ms (" + brokerSessionTimeoutMs + ")");
        }
        positive("leader.imbalance.check.interval.seconds", leaderImbalanceCheckIntervalMs);
        if (maxIdleIntervalMs < 0) {
            throw new IllegalArgumentException("metadata.max.idle.interval.ms must be >= 0, got " + maxIdleIntervalMs);
        }
        positive("num.partitions", defaultNumPartitions);
        positive("default.replication.factor", defaultReplicationFactor);
        positive("min.insync.replicas", defaultMinInsyncReplicas);
        positive("controller max append bytes", maxAppendBytes);
        if (maxInFlightAppendBytes < maxAppendBytes) {
            throw new IllegalArgumentException("controller in-flight append bytes (" + maxInFlightAppendBytes
                    + ") must be at least the max append bytes (" + maxAppendBytes + ")");
        }
        positive("controller max elections per rebalance", maxElectionsPerRebalance);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + value);
        }
    }

    public ControllerConfig withSessionTimeout(int sessionTimeoutMs, int heartbeatIntervalMs) {
        return new ControllerConfig(sessionTimeoutMs, heartbeatIntervalMs, autoLeaderRebalanceEnable,
                leaderImbalanceCheckIntervalMs, maxIdleIntervalMs, defaultNumPartitions, defaultReplicationFactor,
                defaultMinInsyncReplicas, defaultUncleanLeaderElectionEnable, maxAppendBytes, maxInFlightAppendBytes,
                maxElectionsPerRebalance);
    }

    public ControllerConfig withRebalance(boolean enable, long checkIntervalMs) {
        return new ControllerConfig(brokerSessionTimeoutMs, brokerHeartbeatIntervalMs, enable, checkIntervalMs,
                maxIdleIntervalMs, defaultNumPartitions, defaultReplicationFactor, defaultMinInsyncReplicas,
                defaultUncleanLeaderElectionEnable, maxAppendBytes, maxInFlightAppendBytes, maxElectionsPerRebalance);
    }

    public ControllerConfig withAppendLimits(int appendBytes, int inFlightBytes) {
        return new ControllerConfig(brokerSessionTimeoutMs, brokerHeartbeatIntervalMs, autoLeaderRebalanceEnable,
                leaderImbalanceCheckIntervalMs, maxIdleIntervalMs, defaultNumPartitions, defaultReplicationFactor,
                defaultMinInsyncReplicas, defaultUncleanLeaderElectionEnable, appendBytes, inFlightBytes,
                maxElectionsPerRebalance);
    }

    public ControllerConfig withTopicDefaults(int numPartitions, int replicationFactor, int minInsyncReplicas,
            boolean uncleanLeaderElectionEnable) {
        return new ControllerConfig(brokerSessionTimeoutMs, brokerHeartbeatIntervalMs, autoLeaderRebalanceEnable,
                leaderImbalanceCheckIntervalMs, maxIdleIntervalMs, numPartitions, replicationFactor, minInsyncReplicas,
                uncleanLeaderElectionEnable, maxAppendBytes, maxInFlightAppendBytes, maxElectionsPerRebalance);
    }
}

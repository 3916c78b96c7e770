package io.kraftlet.replication.runtime;

import io.kraftlet.replication.ReplicationStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The replication meters of DESIGN §8, with Kafka's names under {@code kraftlet.replication.}:
 * UnderReplicatedPartitions, UnderMinIsrPartitionCount, AtMinIsrPartitionCount,
 * IsrShrinksPerSec and IsrExpandsPerSec (counters; their rate is the per-second figure),
 * plus LeaderCount, OfflineReplicaCount, UncleanLeadershipsTotal and UncleanTruncatedOffsets
 * (the loss after unclean elections, DESIGN §6: reported, never silent).
 *
 * <p>Values come from the {@link ReplicationStats} the driver publishes after each turn, so a
 * scrape never touches the driver's state.
 */
public final class ReplicationMetrics implements AutoCloseable {
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    public ReplicationMetrics(MeterRegistry registry, int nodeId, ReplicaDriver driver) {
        this.registry = registry;
        String node = String.valueOf(nodeId);
        gauge("UnderReplicatedPartitions", "led partitions whose ISR is smaller than their replica set", node, driver,
                ReplicationStats::underReplicatedPartitions);
        gauge("UnderMinIsrPartitionCount", "led partitions whose ISR is below min.insync.replicas", node, driver,
                ReplicationStats::underMinIsrPartitionCount);
        gauge("AtMinIsrPartitionCount", "led partitions whose ISR is exactly min.insync.replicas", node, driver,
                ReplicationStats::atMinIsrPartitionCount);
        gauge("LeaderCount", "partitions this broker leads", node, driver, ReplicationStats::leaderCount);
        gauge("OfflineReplicaCount", "replicas that failed on this broker", node, driver,
                ReplicationStats::offlinePartitionCount);
        counter("IsrShrinksPerSec", "ISR shrinks committed by this broker as leader", node, driver,
                ReplicationStats::isrShrinks);
        counter("IsrExpandsPerSec", "ISR expansions committed by this broker as leader", node, driver,
                ReplicationStats::isrExpands);
        counter("UncleanLeadershipsTotal", "leaderships this broker took after an unclean election", node, driver,
                ReplicationStats::uncleanLeaderships);
        counter("UncleanTruncatedOffsets", "committed offsets this broker dropped after unclean elections", node,
                driver, ReplicationStats::uncleanTruncatedOffsets);
    }

    private void gauge(String name, String description, String node, ReplicaDriver driver,
            ToDoubleFunction<ReplicationStats> value) {
        meters.add(Gauge.builder("kraftlet.replication." + name, driver, d -> value.applyAsDouble(d.stats()))
                .tag("node", node).description(description).register(registry));
    }

    private void counter(String name, String description, String node, ReplicaDriver driver,
            ToDoubleFunction<ReplicationStats> value) {
        meters.add(FunctionCounter.builder("kraftlet.replication." + name, driver, d -> value.applyAsDouble(d.stats()))
                .tag("node", node).description(description).register(registry));
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
    }
}

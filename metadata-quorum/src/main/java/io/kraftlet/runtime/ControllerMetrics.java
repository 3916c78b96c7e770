package io.kraftlet.runtime;

import io.kraftlet.controller.ReplicationControlManager;
import io.kraftlet.image.BrokerRegistration;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * The controller meters of DESIGN §8, with Kafka's names under {@code kraftlet.controller.}:
 * ActiveControllerCount (1 on the active controller), ActiveBrokerCount, FencedBrokerCount,
 * OfflinePartitionsCount, PreferredReplicaImbalanceCount, UncleanLeaderElectionsPerSec (a
 * counter; its rate is the per-second figure) and TimedOutBrokerHeartbeatCount.
 *
 * <p>Every value is read from the controller's published state when scraped; partition counts
 * walk the committed image, so they cost one pass over the partitions per scrape.
 */
public final class ControllerMetrics implements AutoCloseable {
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    public ControllerMetrics(MeterRegistry registry, int nodeId, ControllerDriver controller) {
        this.registry = registry;
        String node = String.valueOf(nodeId);
        meters.add(Gauge.builder("kraftlet.controller.ActiveControllerCount", controller, c -> c.isActive() ? 1 : 0)
                .tag("node", node).description("1 on the active controller, else 0").register(registry));
        meters.add(Gauge.builder("kraftlet.controller.ActiveBrokerCount", controller,
                        c -> c.image().cluster().brokers().values().stream().filter(b -> !b.fenced()).count())
                .tag("node", node).description("registered, unfenced brokers").register(registry));
        meters.add(Gauge.builder("kraftlet.controller.FencedBrokerCount", controller,
                        c -> c.image().cluster().brokers().values().stream().filter(BrokerRegistration::fenced).count())
                .tag("node", node).description("registered, fenced brokers").register(registry));
        meters.add(Gauge.builder("kraftlet.controller.OfflinePartitionsCount", controller,
                        c -> ReplicationControlManager.offlinePartitions(c.image()))
                .tag("node", node).description("partitions without a leader").register(registry));
        meters.add(Gauge.builder("kraftlet.controller.PreferredReplicaImbalanceCount", controller,
                        c -> ReplicationControlManager.preferredReplicaImbalance(c.image()))
                .tag("node", node).description("partitions not led by their preferred replica").register(registry));
        meters.add(FunctionCounter.builder("kraftlet.controller.UncleanLeaderElectionsPerSec", controller,
                        ControllerDriver::uncleanElections)
                .tag("node", node).description("unclean leader elections decided by this controller").register(registry));
        meters.add(FunctionCounter.builder("kraftlet.controller.TimedOutBrokerHeartbeatCount", controller,
                        ControllerDriver::timedOutHeartbeats)
                .tag("node", node).description("brokers fenced because their session expired").register(registry));
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
    }
}

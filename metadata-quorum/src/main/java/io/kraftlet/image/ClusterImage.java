package io.kraftlet.image;

import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/** The registered brokers by id. Immutable. */
public record ClusterImage(NavigableMap<Integer, BrokerRegistration> brokers) {
    public static final ClusterImage EMPTY = new ClusterImage(new TreeMap<>());

    public ClusterImage {
        brokers = Collections.unmodifiableNavigableMap(new TreeMap<>(brokers));
    }

    /** The broker, or null if it is not registered. */
    public BrokerRegistration broker(int id) {
        return brokers.get(id);
    }

    /** Registered, unfenced and not shutting down: may lead and be in an ISR. */
    public boolean isActive(int id) {
        BrokerRegistration broker = brokers.get(id);
        return broker != null && broker.isActive();
    }

    /** Ids of unfenced brokers (shutting-down ones included), ascending: the live brokers. */
    public List<Integer> unfencedBrokerIds() {
        return brokers.values().stream().filter(broker -> !broker.fenced()).map(BrokerRegistration::id).toList();
    }

    /** Ids of brokers that may take new replicas and leadership, ascending. */
    public List<Integer> activeBrokerIds() {
        return brokers.values().stream().filter(BrokerRegistration::isActive).map(BrokerRegistration::id).toList();
    }
}

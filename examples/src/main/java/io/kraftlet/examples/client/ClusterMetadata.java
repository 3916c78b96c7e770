package io.kraftlet.examples.client;

import io.kraftlet.metadata.Endpoint;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * What one broker answered to a Metadata request, as the client keeps it: the cluster id, the
 * active controller, the registered brokers and the topics asked for. Immutable; a client
 * replaces it whole when it refreshes.
 *
 * @param brokerId the broker that answered
 * @param controllerId the active controller as that broker knew it, or -1
 * @param brokers the registered brokers by id
 * @param topics the topics by name
 */
public record ClusterMetadata(String clusterId, int brokerId, int controllerId, Map<Integer, Broker> brokers,
        Map<String, Topic> topics) {
    public ClusterMetadata {
        Objects.requireNonNull(clusterId, "clusterId");
        brokers = Map.copyOf(brokers);
        topics = Map.copyOf(topics);
    }

    /** The topic, if the answering broker's image had it. */
    public Optional<Topic> topic(String name) {
        return Optional.ofNullable(topics.get(name));
    }

    /** Where to reach the leader of a partition: its broker's first advertised listener, if any. */
    public Optional<Endpoint> leaderEndpoint(String topic, int partition) {
        return topic(topic)
                .filter(t -> partition >= 0 && partition < t.partitions().size())
                .map(t -> t.partitions().get(partition).leader())
                .map(brokers::get)
                .filter(broker -> !broker.listeners().isEmpty())
                .map(broker -> broker.listeners().get(0));
    }

    /**
     * One registered broker.
     *
     * @param listeners its advertised listeners, in registration order
     * @param rack its broker.rack, or empty
     */
    public record Broker(int id, List<Endpoint> listeners, String rack, boolean fenced) {
        public Broker {
            listeners = List.copyOf(listeners);
            Objects.requireNonNull(rack, "rack");
        }
    }

    /**
     * One topic: its partitions by id (index i holds partition i) and its own config overrides.
     */
    public record Topic(String name, UUID id, List<Partition> partitions, Map<String, String> configs) {
        public Topic {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(id, "id");
            partitions = List.copyOf(partitions);
            configs = Map.copyOf(configs);
            for (int i = 0; i < partitions.size(); i++) {
                if (partitions.get(i).partition() != i) {
                    throw new IllegalArgumentException("topic " + name + ": partition " + i + " is missing");
                }
            }
        }
    }

    /**
     * One partition, as in Kafka's metadata: leader (-1 for none), leader epoch, replicas, ISR,
     * ELR and last known ELR.
     */
    public record Partition(int partition, int leader, int leaderEpoch, List<Integer> replicas, List<Integer> isr,
            List<Integer> elr, List<Integer> lastKnownElr) {
        public Partition {
            replicas = List.copyOf(replicas);
            isr = List.copyOf(isr);
            elr = List.copyOf(elr);
            lastKnownElr = List.copyOf(lastKnownElr);
        }
    }
}

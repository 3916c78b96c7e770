package io.kraftlet.examples.admin;

import io.kraftlet.controller.ConfigurationControlManager;
import io.kraftlet.controller.ControllerApi.PartitionDescription;
import io.kraftlet.controller.ControllerApi.TopicDescription;
import io.kraftlet.metadata.Uuids;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The text of {@code topics --describe}, laid out as Kafka's {@code kafka-topics --describe}: a
 * topic line ({@code Topic: T<TAB>TopicId: ...<TAB>PartitionCount: N<TAB>ReplicationFactor: R<TAB>Configs: k=v,...})
 * followed by one tab-indented line per partition ({@code <TAB>Topic: T<TAB>Partition: P<TAB>Leader: L<TAB>Replicas: ...
 * <TAB>Isr: ...<TAB>Elr: ...<TAB>LastKnownElr: ...}). Lists are comma-joined without spaces, an
 * empty list is nothing at all, and a partition without a leader shows {@code none}.
 *
 * <p>With a filter ({@code --under-replicated-partitions} and friends) only the matching
 * partition lines are printed, without topic lines, again as Kafka does. Pure: the caller
 * fetched the descriptions and the live brokers.
 */
final class TopicDescriptionFormat {
    /** Kafka's default {@code min.insync.replicas}, used when a topic does not override it. */
    static final int DEFAULT_MIN_INSYNC_REPLICAS = 1;

    /** Which partitions {@code --describe} prints. */
    enum Filter {
        /** Every partition, each topic introduced by its topic line. */
        ALL,
        /** Partitions whose ISR is smaller than their replica set. */
        UNDER_REPLICATED,
        /** Partitions with no leader or an ISR smaller than {@code min.insync.replicas}. */
        UNDER_MIN_ISR,
        /** Partitions whose ISR is exactly {@code min.insync.replicas}. */
        AT_MIN_ISR,
        /** Partitions with no leader, or a leader that is not a live broker. */
        UNAVAILABLE
    }

    private TopicDescriptionFormat() {
    }

    /**
     * The whole output for these topics (in the order given), one line per printed row, each
     * ending with a newline.
     *
     * @param liveBrokers the unfenced brokers, for {@link Filter#UNAVAILABLE}
     */
    static String describe(List<TopicDescription> topics, Filter filter, Set<Integer> liveBrokers) {
        StringBuilder out = new StringBuilder();
        for (TopicDescription topic : topics) {
            if (filter == Filter.ALL) {
                out.append(topicLine(topic)).append('\n');
            }
            for (PartitionDescription partition : topic.partitions()) {
                if (matches(filter, partition, minInsyncReplicas(topic), liveBrokers)) {
                    out.append(partitionLine(topic.name(), partition)).append('\n');
                }
            }
        }
        return out.toString();
    }

    /** {@code Topic: T<TAB>TopicId: ...<TAB>PartitionCount: N<TAB>ReplicationFactor: R<TAB>Configs: ...}. */
    static String topicLine(TopicDescription topic) {
        int replicationFactor = topic.partitions().isEmpty() ? 0 : topic.partitions().get(0).replicas().size();
        String configs = new TreeMap<>(topic.configs()).entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue()).collect(Collectors.joining(","));
        return "Topic: " + topic.name()
                + (topic.topicId() == null ? "" : "\tTopicId: " + Uuids.toKafkaString(topic.topicId()))
                + "\tPartitionCount: " + topic.partitions().size()
                + "\tReplicationFactor: " + replicationFactor
                + "\tConfigs: " + configs;
    }

    /** {@code <TAB>Topic: T<TAB>Partition: P<TAB>Leader: L<TAB>Replicas: ...<TAB>Isr: ...<TAB>Elr: ...<TAB>LastKnownElr: ...}. */
    static String partitionLine(String topic, PartitionDescription partition) {
        return "\tTopic: " + topic
                + "\tPartition: " + partition.partition()
                + "\tLeader: " + (hasLeader(partition) ? String.valueOf(partition.leader()) : "none")
                + "\tReplicas: " + ids(partition.replicas())
                + "\tIsr: " + ids(partition.isr())
                + "\tElr: " + ids(partition.elr())
                + "\tLastKnownElr: " + ids(partition.lastKnownElr());
    }

    static boolean matches(Filter filter, PartitionDescription partition, int minInsyncReplicas,
            Set<Integer> liveBrokers) {
        switch (filter) {
            case ALL:
                return true;
            case UNDER_REPLICATED:
                return partition.isr().size() < partition.replicas().size();
            case UNDER_MIN_ISR:
                return !hasLeader(partition) || partition.isr().size() < minInsyncReplicas;
            case AT_MIN_ISR:
                return partition.isr().size() == minInsyncReplicas;
            case UNAVAILABLE:
                return !hasLeader(partition) || !liveBrokers.contains(partition.leader());
            default:
                throw new IllegalArgumentException("unknown filter " + filter);
        }
    }

    /**
     * The topic's own {@code min.insync.replicas}, else Kafka's default: a cluster-wide default
     * set in the controllers' configuration is not visible to a client.
     */
    static int minInsyncReplicas(TopicDescription topic) {
        Map<String, String> configs = topic.configs();
        String value = configs.get(ConfigurationControlManager.MIN_INSYNC_REPLICAS);
        if (value == null) {
            return DEFAULT_MIN_INSYNC_REPLICAS;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException notANumber) {
            return DEFAULT_MIN_INSYNC_REPLICAS;
        }
    }

    private static boolean hasLeader(PartitionDescription partition) {
        return partition.leader() >= 0;
    }

    private static String ids(List<Integer> ids) {
        return ids == null ? "" : ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}

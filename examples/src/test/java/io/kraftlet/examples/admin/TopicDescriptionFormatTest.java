package io.kraftlet.examples.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kraftlet.controller.ApiError;
import io.kraftlet.controller.ControllerApi.PartitionDescription;
import io.kraftlet.controller.ControllerApi.TopicDescription;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.Uuids;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The exact text of {@code topics --describe}: Kafka's tabs, lists, {@code none}, and the partition filters. */
class TopicDescriptionFormatTest {
    private static final UUID TOPIC_ID = new UUID(0x1234_5678_9abc_def0L, 0x0fed_cba9_8765_4321L);

    private static PartitionDescription partition(int id, int leader, List<Integer> replicas, List<Integer> isr,
            List<Integer> elr, List<Integer> lastKnownElr) {
        return new PartitionDescription(id, leader, 3, 5, replicas, isr, elr, lastKnownElr,
                LeaderRecoveryState.RECOVERED);
    }

    private static TopicDescription topic(Map<String, String> configs, PartitionDescription... partitions) {
        return new TopicDescription("topic-p3r3", TOPIC_ID, ApiError.NONE, List.of(partitions), configs);
    }

    private final TopicDescription healthyAndDegraded = topic(Map.of("min.insync.replicas", "2",
            "unclean.leader.election.enable", "false"),
            partition(0, 2, List.of(2, 3, 1), List.of(2, 1, 3), List.of(), List.of()),
            partition(1, 3, List.of(3, 1, 2), List.of(3), List.of(1), List.of()),
            partition(2, -1, List.of(1, 2, 3), List.of(), List.of(), List.of(1)));

    @Test
    void describePrintsKafkasTopicLineThenOneTabIndentedLinePerPartition() {
        String expected = "Topic: topic-p3r3\tTopicId: " + Uuids.toKafkaString(TOPIC_ID)
                + "\tPartitionCount: 3\tReplicationFactor: 3"
                + "\tConfigs: min.insync.replicas=2,unclean.leader.election.enable=false\n"
                + "\tTopic: topic-p3r3\tPartition: 0\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,1,3\tElr: \tLastKnownElr: \n"
                + "\tTopic: topic-p3r3\tPartition: 1\tLeader: 3\tReplicas: 3,1,2\tIsr: 3\tElr: 1\tLastKnownElr: \n"
                + "\tTopic: topic-p3r3\tPartition: 2\tLeader: none\tReplicas: 1,2,3\tIsr: \tElr: \tLastKnownElr: 1\n";

        assertEquals(expected, TopicDescriptionFormat.describe(List.of(healthyAndDegraded),
                TopicDescriptionFormat.Filter.ALL, Set.of(1, 2, 3)));
    }

    @Test
    void aTopicWithoutOverridesHasAnEmptyConfigsColumn() {
        TopicDescription plain = topic(Map.of(), partition(0, 1, List.of(1), List.of(1), List.of(), List.of()));

        assertEquals("Topic: topic-p3r3\tTopicId: " + Uuids.toKafkaString(TOPIC_ID)
                + "\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: ", TopicDescriptionFormat.topicLine(plain));
    }

    @Test
    void filtersPrintOnlyMatchingPartitionLinesAndNoTopicLine() {
        assertEquals(List.of("1", "2"), partitionsPrinted(TopicDescriptionFormat.Filter.UNDER_REPLICATED, Set.of(1, 2, 3)));
        // min.insync.replicas=2: partition 1 has one ISR member, partition 2 no leader.
        assertEquals(List.of("1", "2"), partitionsPrinted(TopicDescriptionFormat.Filter.UNDER_MIN_ISR, Set.of(1, 2, 3)));
        assertEquals(List.of(), partitionsPrinted(TopicDescriptionFormat.Filter.AT_MIN_ISR, Set.of(1, 2, 3)));
        assertEquals(List.of("2"), partitionsPrinted(TopicDescriptionFormat.Filter.UNAVAILABLE, Set.of(1, 2, 3)));
        // A leader that is not a live broker makes its partition unavailable too.
        assertEquals(List.of("0", "2"), partitionsPrinted(TopicDescriptionFormat.Filter.UNAVAILABLE, Set.of(1, 3)));
    }

    @Test
    void withoutAnOverrideMinInsyncReplicasIsKafkasDefaultOfOne() {
        TopicDescription plain = topic(Map.of(), partition(0, 1, List.of(1, 2), List.of(1), List.of(), List.of()));

        assertEquals(1, TopicDescriptionFormat.minInsyncReplicas(plain));
        assertEquals("", TopicDescriptionFormat.describe(List.of(plain), TopicDescriptionFormat.Filter.UNDER_MIN_ISR,
                Set.of(1, 2)));
    }

    private List<String> partitionsPrinted(TopicDescriptionFormat.Filter filter, Set<Integer> liveBrokers) {
        String text = TopicDescriptionFormat.describe(List.of(healthyAndDegraded), filter, liveBrokers);
        return text.lines().map(line -> {
            assertEquals('\t', line.charAt(0), text);
            return line.split("\t")[2].substring("Partition: ".length());
        }).toList();
    }
}

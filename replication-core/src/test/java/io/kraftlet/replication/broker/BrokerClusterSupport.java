package io.kraftlet.replication.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.image.TopicImage;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.raft.Batch;
import io.kraftlet.replication.ReadResult;
import io.kraftlet.replication.ReplicationError;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What the in-JVM cluster tests of {@link KraftletBroker} share besides metadata-quorum's
 * {@code ClusterTestSupport} (ports, waiting): looking at partitions and reading one back.
 */
final class BrokerClusterSupport {
    private BrokerClusterSupport() {
    }

    /** Whether {@code topic} exists in {@code image} and every partition passes {@code test}. */
    static boolean everyPartition(MetadataImage image, String topic, Predicate<PartitionRegistration> test) {
        TopicImage found = image.topics().topic(topic);
        return found != null && found.partitions().stream().allMatch(test);
    }

    /** Every committed record of {@code tp}, by offset, read from its leader {@code leader}. */
    static Map<Long, String> readAll(KraftletBroker leader, TopicPartition tp) throws Exception {
        Map<Long, String> values = new TreeMap<>();
        long offset = 0;
        while (true) {
            ReadResult result = leader.read(tp, offset, 1 << 20).get(20, TimeUnit.SECONDS);
            assertEquals(ReplicationError.NONE, result.error(), result.message());
            if (result.batches().isEmpty()) {
                return values;
            }
            for (Batch batch : result.batches()) {
                for (int i = 0; i < batch.records().size(); i++) {
                    values.put(batch.baseOffset() + i, new String(batch.records().get(i), StandardCharsets.UTF_8));
                }
                offset = batch.endOffset();
            }
        }
    }

    static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}

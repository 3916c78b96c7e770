package io.kraftlet.image;

import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The cluster's metadata after replaying the log up to (excluding) {@code endOffset}: brokers,
 * topics with their partitions, and configurations. Immutable; {@link MetadataDelta} makes the
 * next version and shares every unchanged part.
 */
public record MetadataImage(long endOffset, ClusterImage cluster, TopicsImage topics, ConfigurationsImage configs) {
    public static final MetadataImage EMPTY = new MetadataImage(0, ClusterImage.EMPTY, TopicsImage.EMPTY,
            ConfigurationsImage.EMPTY);

    /**
     * The image as records, such that replaying them on {@link #EMPTY} gives this image again
     * (at the same end offset): what a snapshot holds.
     */
    public List<MetadataRecord> toRecords() {
        List<MetadataRecord> records = new ArrayList<>();
        for (BrokerRegistration broker : cluster.brokers().values()) {
            records.add(broker.toRecord());
        }
        topics.byName().values().stream().sorted(Comparator.comparing(TopicImage::name))
                .forEach(topic -> records.addAll(topic.toRecords()));
        configs.resources().entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<ConfigResource, Map<String, String>> e) -> e.getKey().type())
                        .thenComparing(e -> e.getKey().name()))
                .forEach(entry -> entry.getValue().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .forEach(value -> records.add(new MetadataRecord.Config(entry.getKey(), value.getKey(),
                                value.getValue()))));
        return records;
    }

    /** The image rebuilt from {@link #toRecords()} output, ending at {@code endOffset}. */
    public static MetadataImage fromRecords(List<MetadataRecord> records, long endOffset) {
        MetadataDelta delta = new MetadataDelta(EMPTY);
        for (MetadataRecord record : records) {
            delta.replay(record, -1);
        }
        return delta.apply(endOffset);
    }
}

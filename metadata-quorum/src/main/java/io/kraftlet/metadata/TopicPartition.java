package io.kraftlet.metadata;

import java.util.Objects;

/** A partition named by topic name and partition id. */
public record TopicPartition(String topic, int partition) {
    public TopicPartition {
        Objects.requireNonNull(topic, "topic");
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}

package io.kraftlet.image;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Every topic by id and by name. Immutable; a new version shares every unchanged
 * {@link TopicImage}.
 */
public final class TopicsImage {
    public static final TopicsImage EMPTY = new TopicsImage(Map.of(), Map.of());

    private final Map<UUID, TopicImage> byId;
    private final Map<String, TopicImage> byName;

    TopicsImage(Map<UUID, TopicImage> byId, Map<String, TopicImage> byName) {
        this.byId = Collections.unmodifiableMap(byId);
        this.byName = Collections.unmodifiableMap(byName);
    }

    public TopicImage topic(UUID id) {
        return byId.get(id);
    }

    public TopicImage topic(String name) {
        return byName.get(name);
    }

    public Map<UUID, TopicImage> byId() {
        return byId;
    }

    public Map<String, TopicImage> byName() {
        return byName;
    }

    public int partitionCount() {
        int count = 0;
        for (TopicImage topic : byId.values()) {
            count += topic.partitionCount();
        }
        return count;
    }

    static TopicsImage of(Map<UUID, TopicImage> byId) {
        Map<String, TopicImage> byName = new HashMap<>(byId.size() * 2);
        for (TopicImage topic : byId.values()) {
            byName.put(topic.name(), topic);
        }
        return new TopicsImage(byId, byName);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TopicsImage that && byId.equals(that.byId);
    }

    @Override
    public int hashCode() {
        return byId.hashCode();
    }

    @Override
    public String toString() {
        return "Topics(" + byName.keySet() + ")";
    }
}

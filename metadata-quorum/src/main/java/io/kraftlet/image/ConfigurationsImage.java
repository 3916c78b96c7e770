package io.kraftlet.image;

import io.kraftlet.metadata.ConfigResource;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Configuration values that were set, per resource (topics and the cluster defaults). */
public record ConfigurationsImage(Map<ConfigResource, Map<String, String>> resources) {
    public static final ConfigurationsImage EMPTY = new ConfigurationsImage(Map.of());

    public ConfigurationsImage {
        Map<ConfigResource, Map<String, String>> copy = new HashMap<>();
        resources.forEach((resource, values) -> {
            if (!values.isEmpty()) {
                copy.put(resource, Map.copyOf(values));
            }
        });
        resources = Collections.unmodifiableMap(copy);
    }

    /** Values set on this resource (not inherited ones). */
    public Map<String, String> valuesOf(ConfigResource resource) {
        return resources.getOrDefault(resource, Map.of());
    }

    /** The topic's value, else the cluster default set in the log, else empty. */
    public Optional<String> topicValue(String topic, String name) {
        String value = valuesOf(ConfigResource.topic(topic)).get(name);
        if (value == null) {
            value = valuesOf(ConfigResource.CLUSTER_DEFAULTS).get(name);
        }
        return Optional.ofNullable(value);
    }
}

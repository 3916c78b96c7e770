package io.kraftlet.metadata;

import java.util.Objects;

/**
 * What a configuration applies to: a topic by name, or the cluster-wide broker defaults
 * (type BROKER with the empty name), as in Kafka's ConfigResource.
 */
public record ConfigResource(Type type, String name) {
    public enum Type {
        TOPIC,
        BROKER
    }

    /** The cluster-wide defaults every topic inherits unless it overrides them. */
    public static final ConfigResource CLUSTER_DEFAULTS = new ConfigResource(Type.BROKER, "");

    public ConfigResource {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
    }

    public static ConfigResource topic(String name) {
        return new ConfigResource(Type.TOPIC, name);
    }
}

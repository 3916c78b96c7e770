package io.kraftlet.controller;

import io.kraftlet.image.MetadataImage;
import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Topic and cluster-default configurations: validates changes and writes them as Config
 * records; answers the effective {@code min.insync.replicas} and
 * {@code unclean.leader.election.enable} of a topic (topic value, else cluster default in the
 * log, else the controller's static default). Stateless: it reads the image it is given.
 */
public final class ConfigurationControlManager {
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
    /** The configuration keys a topic (or the cluster defaults) may set. */
    public static final Set<String> TOPIC_CONFIGS = Set.of(MIN_INSYNC_REPLICAS, UNCLEAN_LEADER_ELECTION_ENABLE);

    private final ControllerConfig config;

    public ConfigurationControlManager(ControllerConfig config) {
        this.config = config;
    }

    public int minInsyncReplicas(MetadataImage image, String topic) {
        return image.configs().topicValue(topic, MIN_INSYNC_REPLICAS).map(Integer::parseInt)
                .orElse(config.defaultMinInsyncReplicas());
    }

    public boolean uncleanLeaderElectionEnabled(MetadataImage image, String topic) {
        return image.configs().topicValue(topic, UNCLEAN_LEADER_ELECTION_ENABLE).map(Boolean::parseBoolean)
                .orElse(config.defaultUncleanLeaderElectionEnable());
    }

    /** Checks one key and value; returns the error naming what is wrong, or NONE. */
    public static ApiError validate(String name, String value) {
        if (!TOPIC_CONFIGS.contains(name)) {
            return ApiError.of(ControllerError.INVALID_CONFIG, "unknown configuration " + name
                    + "; supported: " + String.join(", ", TOPIC_CONFIGS.stream().sorted().toList()));
        }
        if (value == null) {
            return ApiError.NONE;
        }
        if (name.equals(MIN_INSYNC_REPLICAS)) {
            try {
                if (Integer.parseInt(value.trim()) >= 1) {
                    return ApiError.NONE;
                }
            } catch (NumberFormatException notANumber) {
                // Reported below.
            }
            return ApiError.of(ControllerError.INVALID_CONFIG, MIN_INSYNC_REPLICAS + " must be an integer >= 1, got '"
                    + value + "'");
        }
        if (!value.trim().equalsIgnoreCase("true") && !value.trim().equalsIgnoreCase("false")) {
            return ApiError.of(ControllerError.INVALID_CONFIG, name + " must be true or false, got '" + value + "'");
        }
        return ApiError.NONE;
    }

    /** Config records for a new topic's settings; the caller validated them. */
    static List<MetadataRecord> topicConfigRecords(String topic, Map<String, String> values) {
        List<MetadataRecord> records = new ArrayList<>();
        new java.util.TreeMap<>(values).forEach((name, value) ->
                records.add(new MetadataRecord.Config(ConfigResource.topic(topic), name, normalize(name, value))));
        return records;
    }

    /** The first invalid entry of a new topic's settings, or NONE. */
    static ApiError validateAll(Map<String, String> values) {
        for (Map.Entry<String, String> entry : new java.util.TreeMap<>(values).entrySet()) {
            ApiError error = validate(entry.getKey(), entry.getValue());
            if (!error.isSuccess()) {
                return error;
            }
        }
        return ApiError.NONE;
    }

    private static String normalize(String name, String value) {
        return value == null ? null : name.equals(UNCLEAN_LEADER_ELECTION_ENABLE) ? value.trim().toLowerCase()
                : value.trim();
    }

    /**
     * Validates changes per resource: a topic must exist, the cluster defaults are
     * {@link ConfigResource#CLUSTER_DEFAULTS}, every key must be known and every value valid.
     * A resource with any invalid change gets no record at all.
     */
    public ControllerResult<ControllerApi.AlterConfigsReply> alterConfigs(MetadataImage image,
            ControllerApi.AlterConfigsRequest request) {
        Map<ConfigResource, List<ControllerApi.ConfigChange>> byResource = new LinkedHashMap<>();
        for (ControllerApi.ConfigChange change : request.changes()) {
            byResource.computeIfAbsent(change.resource(), k -> new ArrayList<>()).add(change);
        }
        List<MetadataRecord> records = new ArrayList<>();
        List<ControllerApi.ConfigResult> results = new ArrayList<>();
        byResource.forEach((resource, changes) -> {
            ApiError error = validateResource(image, resource);
            for (int i = 0; i < changes.size() && error.isSuccess(); i++) {
                error = validate(changes.get(i).name(), changes.get(i).value());
            }
            results.add(new ControllerApi.ConfigResult(resource, error));
            if (error.isSuccess() && !request.validateOnly()) {
                for (ControllerApi.ConfigChange change : changes) {
                    records.add(new MetadataRecord.Config(resource, change.name(),
                            normalize(change.name(), change.value())));
                }
            }
        });
        return ControllerResult.of(records, new ControllerApi.AlterConfigsReply(results));
    }

    private static ApiError validateResource(MetadataImage image, ConfigResource resource) {
        if (resource.type() == ConfigResource.Type.TOPIC) {
            return image.topics().topic(resource.name()) != null ? ApiError.NONE
                    : ApiError.of(ControllerError.UNKNOWN_TOPIC_OR_PARTITION, "topic " + resource.name()
                            + " does not exist");
        }
        return resource.equals(ConfigResource.CLUSTER_DEFAULTS) ? ApiError.NONE
                : ApiError.of(ControllerError.INVALID_REQUEST, "only the cluster defaults (BROKER with an empty name) "
                        + "can be configured, not broker '" + resource.name() + "'");
    }
}

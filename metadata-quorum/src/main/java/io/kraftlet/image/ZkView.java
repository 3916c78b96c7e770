package io.kraftlet.image;

import io.kraftlet.controller.ApiError;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.metadata.Uuids;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * The read-only, ZooKeeper-shaped view of a metadata image (DESIGN §3), so the paths and JSON of
 * the ZooKeeper era still answer:
 * <ul>
 *   <li>{@code /controller} → {@code {"version":1,"brokerid":N,"timestamp":"ms"}}</li>
 *   <li>{@code /brokers/ids} → children: live (unfenced) broker ids; {@code /brokers/ids/N} → the
 *       broker's registration JSON</li>
 *   <li>{@code /brokers/topics} → children: topic names; {@code /brokers/topics/T} →
 *       {@code {"partitions":{"0":[2,3,1],...},"topic_id":"...","version":3}}</li>
 *   <li>{@code /brokers/topics/T/partitions/P/state} →
 *       {@code {"controller_epoch":E,"leader":L,"version":1,"leader_epoch":LE,"isr":[...]}}</li>
 * </ul>
 * Pure: computed from the image and the controller as the caller knows it.
 */
public final class ZkView {
    private ZkView() {
    }

    /**
     * @param controllerId the active controller, -1 if none
     * @param controllerEpoch the metadata quorum's epoch (the controller epoch)
     * @param controllerSinceMs when the active controller took over (its clock), -1 if unknown
     */
    public static ControllerApi.ZkNode read(String path, MetadataImage image, int controllerId, int controllerEpoch,
            long controllerSinceMs) {
        if (!path.startsWith("/")) {
            return missing(path, "a path starts with '/'");
        }
        String normalized = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String[] parts = normalized.equals("/") ? new String[0] : normalized.substring(1).split("/", -1);
        if (parts.length == 0) {
            return node(normalized, "", List.of("brokers", "controller", "controller_epoch"));
        }
        switch (parts[0]) {
            case "controller":
                if (parts.length == 1) {
                    return controllerId < 0 ? missing(path, "no active controller")
                            : node(normalized, "{\"version\":1,\"brokerid\":" + controllerId + ",\"timestamp\":\""
                                    + controllerSinceMs + "\"}", List.of());
                }
                break;
            case "controller_epoch":
                if (parts.length == 1) {
                    return node(normalized, String.valueOf(controllerEpoch), List.of());
                }
                break;
            case "brokers":
                return brokers(path, normalized, parts, image, controllerEpoch);
            default:
                break;
        }
        return missing(path, null);
    }

    private static ControllerApi.ZkNode brokers(String path, String normalized, String[] parts, MetadataImage image,
            int controllerEpoch) {
        if (parts.length == 1) {
            return node(normalized, "", List.of("ids", "topics"));
        }
        if (parts[1].equals("ids")) {
            if (parts.length == 2) {
                List<String> ids = image.cluster().unfencedBrokerIds().stream().map(String::valueOf).toList();
                return node(normalized, "", ids);
            }
            if (parts.length == 3) {
                BrokerRegistration broker = parseInt(parts[2]) == null ? null : image.cluster().broker(parseInt(parts[2]));
                return broker == null || broker.fenced() ? missing(path, null)
                        : node(normalized, brokerJson(broker), List.of());
            }
            return missing(path, null);
        }
        if (!parts[1].equals("topics")) {
            return missing(path, null);
        }
        if (parts.length == 2) {
            return node(normalized, "", image.topics().byName().keySet().stream().sorted().toList());
        }
        TopicImage topic = image.topics().topic(parts[2]);
        if (topic == null) {
            return missing(path, null);
        }
        if (parts.length == 3) {
            return node(normalized, topicJson(topic), List.of("partitions"));
        }
        if (!parts[3].equals("partitions")) {
            return missing(path, null);
        }
        if (parts.length == 4) {
            List<String> ids = new ArrayList<>();
            for (int p = 0; p < topic.partitionCount(); p++) {
                ids.add(String.valueOf(p));
            }
            return node(normalized, "", ids);
        }
        Integer partitionId = parseInt(parts[4]);
        PartitionRegistration partition = partitionId == null ? null : topic.partition(partitionId);
        if (partition == null) {
            return missing(path, null);
        }
        if (parts.length == 5) {
            return node(normalized, "", List.of("state"));
        }
        if (parts.length == 6 && parts[5].equals("state")) {
            return node(normalized, "{\"controller_epoch\":" + controllerEpoch + ",\"leader\":" + partition.leader()
                    + ",\"version\":1,\"leader_epoch\":" + partition.leaderEpoch() + ",\"isr\":"
                    + ints(partition.isr()) + "}", List.of());
        }
        return missing(path, null);
    }

    static String topicJson(TopicImage topic) {
        StringJoiner partitions = new StringJoiner(",", "{", "}");
        for (int p = 0; p < topic.partitionCount(); p++) {
            partitions.add("\"" + p + "\":" + ints(topic.partition(p).replicas()));
        }
        return "{\"partitions\":" + partitions + ",\"topic_id\":\"" + Uuids.toKafkaString(topic.id())
                + "\",\"version\":3}";
    }

    static String brokerJson(BrokerRegistration broker) {
        StringJoiner endpoints = new StringJoiner(",", "[", "]");
        StringJoiner protocols = new StringJoiner(",", "{", "}");
        for (Endpoint endpoint : broker.listeners()) {
            endpoints.add("\"" + endpoint.name() + "://" + endpoint.host() + ":" + endpoint.port() + "\"");
            protocols.add("\"" + endpoint.name() + "\":\"PLAINTEXT\"");
        }
        Endpoint first = broker.listeners().isEmpty() ? new Endpoint("", "", 0) : broker.listeners().get(0);
        String rack = broker.rack().isEmpty() ? "" : ",\"rack\":\"" + broker.rack() + "\"";
        return "{\"listener_security_protocol_map\":" + protocols + ",\"endpoints\":" + endpoints
                + ",\"jmx_port\":-1,\"features\":{},\"host\":\"" + first.host() + "\",\"port\":" + first.port()
                + rack + ",\"version\":5,\"epoch\":" + broker.epoch() + "}";
    }

    private static String ints(List<Integer> values) {
        StringJoiner joiner = new StringJoiner(",", "[", "]");
        values.forEach(value -> joiner.add(String.valueOf(value)));
        return joiner.toString();
    }

    private static Integer parseInt(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }

    private static ControllerApi.ZkNode node(String path, String data, List<String> children) {
        return new ControllerApi.ZkNode(ApiError.NONE, path, data, children);
    }

    private static ControllerApi.ZkNode missing(String path, String why) {
        return new ControllerApi.ZkNode(ApiError.of(ControllerError.UNKNOWN_TOPIC_OR_PARTITION,
                "Node does not exist: " + path + (why == null ? "" : " (" + why + ")")), path, "", List.of());
    }
}

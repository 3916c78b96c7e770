package io.kraftlet.examples.admin;

import io.kraftlet.controller.ApiError;
import io.kraftlet.controller.ConfigurationControlManager;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.image.BrokerRegistration;
import io.kraftlet.metadata.ConfigResource;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kraftlet topics}: creates, lists, describes, alters and deletes topics, with the options
 * and output of Kafka's {@code kafka-topics}. Every request goes to the controller, through any
 * broker listed in {@code --bootstrap-server}.
 *
 * <p>Unlike Kafka, {@code --topic} names one topic exactly (no regular expressions), and
 * {@code --alter} changes configurations ({@code --config}, {@code --delete-config}): kraftlet
 * cannot add partitions to a topic.
 */
@Command(name = "topics", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Creates, lists, describes, alters and deletes topics, as kafka-topics does.",
        footer = {"", "Examples:",
                "  kraftlet topics --bootstrap-server 127.0.0.1:9092 --create --topic topic-p3r3 --partitions 3"
                        + " --replication-factor 3 --config min.insync.replicas=2",
                "  kraftlet topics --bootstrap-server 127.0.0.1:9092 --describe --topic topic-p3r3",
                "  kraftlet topics --bootstrap-server 127.0.0.1:9092 --alter --topic topic-p3r3"
                        + " --config unclean.leader.election.enable=true"})
public final class TopicsCommand implements Callable<Integer> {
    /** Kafka's bound on a replication factor (it is a short on Kafka's wire). */
    static final int REPLICATION_FACTOR_MAX = Short.MAX_VALUE;

    @Spec
    private CommandSpec spec;

    @Mixin
    private AdminOptions admin;

    @Option(names = "--create", description = "Create a new topic.")
    private boolean create;

    @Option(names = "--list", description = "List all available topics.")
    private boolean list;

    @Option(names = "--describe", description = "List details for the given topic, or every topic.")
    private boolean describe;

    @Option(names = "--alter", description = "Alter the configuration of a topic (--config, --delete-config).")
    private boolean alter;

    @Option(names = "--delete", description = "Delete a topic.")
    private boolean delete;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "The topic to create, alter, describe or delete.")
    private String topic;

    @Option(names = "--partitions", paramLabel = "N",
            description = "The number of partitions of the topic being created (default: the cluster's).")
    private Integer partitions;

    @Option(names = "--replication-factor", paramLabel = "R",
            description = "The replication factor of each partition of the topic being created (default: the cluster's).")
    private Integer replicationFactor;

    @Option(names = "--config", paramLabel = "KEY=VALUE",
            description = {"A topic configuration override, for --create or --alter; repeatable. Keys: "
                    + "min.insync.replicas, unclean.leader.election.enable."})
    private List<String> configs = new ArrayList<>();

    @Option(names = "--delete-config", paramLabel = "KEY",
            description = "A configuration override to remove, with --alter; repeatable.")
    private List<String> deleteConfigs = new ArrayList<>();

    @Option(names = "--under-replicated-partitions",
            description = "With --describe: only partitions whose ISR is smaller than their replica set.")
    private boolean underReplicated;

    @Option(names = "--under-min-isr-partitions",
            description = "With --describe: only partitions whose ISR is smaller than min.insync.replicas.")
    private boolean underMinIsr;

    @Option(names = "--at-min-isr-partitions",
            description = "With --describe: only partitions whose ISR is exactly min.insync.replicas.")
    private boolean atMinIsr;

    @Option(names = "--unavailable-partitions",
            description = "With --describe: only partitions without a leader, or whose leader is not a live broker.")
    private boolean unavailable;

    @Option(names = "--if-exists", description = "With --alter, --describe or --delete: do nothing if the topic is missing.")
    private boolean ifExists;

    @Option(names = "--if-not-exists", description = "With --create: do nothing if the topic exists already.")
    private boolean ifNotExists;

    @Override
    public Integer call() {
        checkOptions();
        Map<String, String> parsedConfigs = parseConfigs();
        try (AdminConnection connection = admin.connect(spec)) {
            PrintWriter out = spec.commandLine().getOut();
            if (create) {
                create(connection, parsedConfigs, out);
            } else if (list) {
                list(connection, out);
            } else if (describe) {
                describe(connection, out);
            } else if (alter) {
                alter(connection, parsedConfigs);
            } else {
                delete(connection);
            }
            out.flush();
        }
        return 0;
    }

    private void checkOptions() {
        int actions = (create ? 1 : 0) + (list ? 1 : 0) + (describe ? 1 : 0) + (alter ? 1 : 0) + (delete ? 1 : 0);
        if (actions != 1) {
            throw bad("Command must include exactly one action: --list, --describe, --create, --alter or --delete");
        }
        admin.servers(spec);
        admin.timeoutMs(spec);
        if ((create || alter || delete) && (topic == null || topic.isBlank())) {
            throw bad("Missing required argument \"[topic]\"");
        }
        int filters = (underReplicated ? 1 : 0) + (underMinIsr ? 1 : 0) + (atMinIsr ? 1 : 0) + (unavailable ? 1 : 0);
        if (filters > 0 && !describe) {
            throw bad("--under-replicated-partitions, --under-min-isr-partitions, --at-min-isr-partitions and"
                    + " --unavailable-partitions are only valid with --describe");
        }
        if (filters > 1) {
            throw bad("Only one of --under-replicated-partitions, --under-min-isr-partitions, --at-min-isr-partitions"
                    + " or --unavailable-partitions may be given");
        }
        if (alter && partitions != null) {
            throw bad("--partitions is not supported with --alter: kraftlet cannot add partitions to a topic");
        }
        if (!create && (partitions != null || replicationFactor != null)) {
            throw bad("--partitions and --replication-factor are only valid with --create");
        }
        if (create && partitions != null && partitions < 1) {
            throw bad("The partitions must be greater than 0, got " + partitions);
        }
        if (create && replicationFactor != null && (replicationFactor < 1 || replicationFactor > REPLICATION_FACTOR_MAX)) {
            throw bad("The replication factor must be between 1 and " + REPLICATION_FACTOR_MAX + " inclusive, got "
                    + replicationFactor);
        }
        if (!create && !alter && !configs.isEmpty()) {
            throw bad("--config is only valid with --create or --alter");
        }
        if (!alter && !deleteConfigs.isEmpty()) {
            throw bad("--delete-config is only valid with --alter");
        }
        if (alter && configs.isEmpty() && deleteConfigs.isEmpty()) {
            throw bad("--alter needs at least one --config or --delete-config");
        }
        if (ifExists && !(alter || describe || delete)) {
            throw bad("--if-exists is only valid with --alter, --describe or --delete");
        }
        if (ifNotExists && !create) {
            throw bad("--if-not-exists is only valid with --create");
        }
    }

    /** {@code --config k=v} pairs, each checked against the keys and values topics accept. */
    private Map<String, String> parseConfigs() {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String config : configs) {
            int equals = config.indexOf('=');
            if (equals <= 0) {
                throw bad("Invalid topic config '" + config + "': configs must be in the format \"key=val\"");
            }
            String key = config.substring(0, equals).trim();
            String value = config.substring(equals + 1).trim();
            checkConfig(key, value);
            parsed.put(key, value);
        }
        for (String key : deleteConfigs) {
            checkConfig(key.trim(), null);
        }
        return parsed;
    }

    private void checkConfig(String key, String value) {
        ApiError error = ConfigurationControlManager.validate(key, value);
        if (!error.isSuccess()) {
            throw bad("--config: " + error.message());
        }
    }

    private void create(AdminConnection connection, Map<String, String> parsedConfigs, PrintWriter out) {
        ControllerApi.NewTopic newTopic = new ControllerApi.NewTopic(topic, partitions == null ? -1 : partitions,
                replicationFactor == null ? -1 : replicationFactor, Map.of(), parsedConfigs);
        ControllerApi.CreateTopicsReply reply = connection.await(connection.client()
                .createTopics(new ControllerApi.CreateTopicsRequest(List.of(newTopic), false)));
        ApiError error = reply.topics().isEmpty()
                ? ApiError.of(ControllerError.UNKNOWN_SERVER_ERROR, "the controller answered for no topic")
                : reply.topics().get(0).error();
        if (error.error() == ControllerError.TOPIC_ALREADY_EXISTS && ifNotExists) {
            return;
        }
        if (!error.isSuccess()) {
            throw new IllegalStateException("cannot create topic " + topic + ": " + error);
        }
        out.println("Created topic " + topic + ".");
    }

    private void list(AdminConnection connection, PrintWriter out) {
        for (ControllerApi.TopicDescription description : describeTopics(connection, List.of())) {
            if (topic == null || topic.equals(description.name())) {
                out.println(description.name());
            }
        }
    }

    private void describe(AdminConnection connection, PrintWriter out) {
        List<ControllerApi.TopicDescription> topics = describeTopics(connection,
                topic == null ? List.of() : List.of(topic));
        Set<Integer> liveBrokers = Set.of();
        if (unavailable) {
            ControllerApi.DescribeClusterReply cluster = connection.await(connection.client().describeCluster());
            if (!cluster.error().isSuccess()) {
                throw new IllegalStateException("cannot describe the cluster: " + cluster.error());
            }
            liveBrokers = cluster.brokers().stream().filter(broker -> !broker.fenced())
                    .map(BrokerRegistration::id).collect(Collectors.toSet());
        }
        out.print(TopicDescriptionFormat.describe(topics, filter(), liveBrokers));
    }

    private TopicDescriptionFormat.Filter filter() {
        if (underReplicated) {
            return TopicDescriptionFormat.Filter.UNDER_REPLICATED;
        }
        if (underMinIsr) {
            return TopicDescriptionFormat.Filter.UNDER_MIN_ISR;
        }
        if (atMinIsr) {
            return TopicDescriptionFormat.Filter.AT_MIN_ISR;
        }
        return unavailable ? TopicDescriptionFormat.Filter.UNAVAILABLE : TopicDescriptionFormat.Filter.ALL;
    }

    /** The topics, all when {@code names} is empty; a named topic that is missing fails as Kafka's does. */
    private List<ControllerApi.TopicDescription> describeTopics(AdminConnection connection, List<String> names) {
        ControllerApi.DescribeTopicsReply reply = connection.await(connection.client().describeTopics(names));
        List<ControllerApi.TopicDescription> found = new ArrayList<>();
        for (ControllerApi.TopicDescription description : reply.topics()) {
            if (description.error().error() == ControllerError.UNKNOWN_TOPIC_OR_PARTITION) {
                if (!ifExists) {
                    throw missingTopic(description.name());
                }
            } else if (!description.error().isSuccess()) {
                throw new IllegalStateException("cannot describe topic " + description.name() + ": "
                        + description.error());
            } else {
                found.add(description);
            }
        }
        return found;
    }

    private void alter(AdminConnection connection, Map<String, String> parsedConfigs) {
        List<ControllerApi.ConfigChange> changes = new ArrayList<>();
        ConfigResource resource = ConfigResource.topic(topic);
        parsedConfigs.forEach((key, value) -> changes.add(new ControllerApi.ConfigChange(resource, key, value)));
        deleteConfigs.forEach(key -> changes.add(new ControllerApi.ConfigChange(resource, key.trim(), null)));
        ControllerApi.AlterConfigsReply reply = connection.await(connection.client()
                .alterConfigs(new ControllerApi.AlterConfigsRequest(changes, false)));
        for (ControllerApi.ConfigResult result : reply.resources()) {
            failUnlessDone(result.error(), "alter the configuration of");
        }
        spec.commandLine().getOut().println("Completed updating config for topic " + topic + ".");
    }

    private void delete(AdminConnection connection) {
        ControllerApi.DeleteTopicsReply reply = connection.await(connection.client()
                .deleteTopics(new ControllerApi.DeleteTopicsRequest(List.of(topic))));
        for (ControllerApi.DeletedTopic deleted : reply.topics()) {
            failUnlessDone(deleted.error(), "delete");
        }
    }

    private void failUnlessDone(ApiError error, String action) {
        if (error.error() == ControllerError.UNKNOWN_TOPIC_OR_PARTITION) {
            if (ifExists) {
                return;
            }
            throw missingTopic(topic);
        }
        if (!error.isSuccess()) {
            throw new IllegalStateException("cannot " + action + " topic " + topic + ": " + error);
        }
    }

    /** Kafka's words for a named topic that is not there. */
    static IllegalArgumentException missingTopic(String name) {
        return new IllegalArgumentException("Topic '" + name + "' does not exist as expected");
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}

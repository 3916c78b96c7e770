package io.kraftlet.controller;

import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.image.TopicImage;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.MetadataRecord;
import io.kraftlet.metadata.TopicPartition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntPredicate;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;

/**
 * Topics and partitions: creation with Kafka's round-robin placement, deletion, AlterPartition
 * from partition leaders, leader elections (ONLINE, PREFERRED, UNCLEAN), and the partition
 * changes that follow a broker's fencing, shutdown, return or unclean restart.
 *
 * <p>Decides only: every method reads the image it is given and returns records; nothing here
 * changes until the records are replayed. The seeded {@link Random} (topic ids, placement start)
 * is the only other input.
 */
public final class ReplicationControlManager {
    /** Kafka's limit on topic name length. */
    public static final int MAX_TOPIC_NAME_LENGTH = 249;
    private static final Pattern LEGAL_TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]+");

    private final ControllerConfig config;
    private final ConfigurationControlManager configs;
    private final Random random;
    private final ToIntFunction<MetadataRecord> sizer;
    /** Deliberate bugs for the simulation's planted-bug tests; always empty in production. */
    private final Set<ControllerPlantedBug> plantedBugs;

    public ReplicationControlManager(ControllerConfig config, ConfigurationControlManager configs, Random random,
            ToIntFunction<MetadataRecord> sizer) {
        this(config, configs, random, sizer, Set.of());
    }

    /** Test-only: with deliberate bugs switched on (see {@link ControllerPlantedBug}). */
    public ReplicationControlManager(ControllerConfig config, ConfigurationControlManager configs, Random random,
            ToIntFunction<MetadataRecord> sizer, Set<ControllerPlantedBug> plantedBugs) {
        this.config = config;
        this.configs = configs;
        this.random = random;
        this.sizer = sizer;
        this.plantedBugs = plantedBugs.isEmpty() ? EnumSet.noneOf(ControllerPlantedBug.class) : EnumSet.copyOf(plantedBugs);
    }

    /** Every partition change is worked out by a builder made here, so planted bugs (tests only) reach it. */
    private PartitionChangeBuilder changeBuilder(PartitionRegistration partition, UUID topicId, int partitionId,
            IntPredicate isActive, int minIsr, boolean uncleanAllowed) {
        return new PartitionChangeBuilder(partition, topicId, partitionId, isActive, minIsr, uncleanAllowed)
                .plantBugsForTesting(plantedBugs);
    }

    // ---------------------------------------------------------------- topics

    public ControllerResult<ControllerApi.CreateTopicsReply> createTopics(MetadataImage image,
            ControllerApi.CreateTopicsRequest request) {
        List<MetadataRecord> records = new ArrayList<>();
        List<ControllerApi.CreatedTopic> results = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ControllerApi.NewTopic topic : request.topics()) {
            ApiError error = validateNewTopic(image, topic, seen);
            seen.add(topic.name());
            if (!error.isSuccess()) {
                results.add(new ControllerApi.CreatedTopic(topic.name(), null, error, -1, -1));
                continue;
            }
            List<List<Integer>> assignment;
            try {
                assignment = topic.assignment().isEmpty() ? placeReplicas(image, topic) : explicitAssignment(image, topic);
            } catch (InvalidTopicException invalid) {
                results.add(new ControllerApi.CreatedTopic(topic.name(), null, invalid.error, -1, -1));
                continue;
            }
            UUID topicId = new UUID(random.nextLong(), random.nextLong());
            List<MetadataRecord> topicRecords = topicRecords(image, topic, topicId, assignment);
            int bytes = topicRecords.stream().mapToInt(sizer).sum();
            if (bytes > config.maxAppendBytes()) {
                results.add(new ControllerApi.CreatedTopic(topic.name(), null, ApiError.of(ControllerError.INVALID_PARTITIONS,
                        "topic " + topic.name() + " with " + assignment.size() + " partitions needs " + bytes
                                + " bytes of metadata records; at most " + config.maxAppendBytes()
                                + " fit in one metadata batch: use fewer partitions per topic"), -1, -1));
                continue;
            }
            if (!request.validateOnly()) {
                records.addAll(topicRecords);
            }
            results.add(new ControllerApi.CreatedTopic(topic.name(), request.validateOnly() ? null : topicId,
                    ApiError.NONE, assignment.size(), assignment.get(0).size()));
        }
        return ControllerResult.of(records, new ControllerApi.CreateTopicsReply(results));
    }

    /**
     * Which records may start a new append: a new topic's Partition and Config records stay with
     * its Topic record; every other record (AlterConfigs' Config records included) stands alone.
     */
    public static boolean[] atomicGroupStarts(List<MetadataRecord> records) {
        boolean[] starts = new boolean[records.size()];
        boolean inNewTopic = false;
        for (int i = 0; i < records.size(); i++) {
            MetadataRecord record = records.get(i);
            boolean joins = i > 0 && (record instanceof MetadataRecord.Partition
                    || record instanceof MetadataRecord.Config && inNewTopic);
            starts[i] = !joins;
            inNewTopic = record instanceof MetadataRecord.Topic || joins && inNewTopic;
        }
        return starts;
    }

    private static final class InvalidTopicException extends Exception {
        final ApiError error;

        InvalidTopicException(ControllerError code, String message) {
            super(message, null, false, false);
            this.error = ApiError.of(code, message);
        }
    }

    static ApiError validateTopicName(String name) {
        if (name.isEmpty()) {
            return ApiError.of(ControllerError.INVALID_TOPIC_EXCEPTION, "topic name is empty");
        }
        if (name.equals(".") || name.equals("..")) {
            return ApiError.of(ControllerError.INVALID_TOPIC_EXCEPTION, "topic name cannot be '.' or '..'");
        }
        if (name.length() > MAX_TOPIC_NAME_LENGTH) {
            return ApiError.of(ControllerError.INVALID_TOPIC_EXCEPTION, "topic name is " + name.length()
                    + " characters long; the limit is " + MAX_TOPIC_NAME_LENGTH);
        }
        if (!LEGAL_TOPIC_NAME.matcher(name).matches()) {
            return ApiError.of(ControllerError.INVALID_TOPIC_EXCEPTION, "topic name '" + name
                    + "' has illegal characters; use ASCII letters, digits, '.', '_' and '-'");
        }
        return ApiError.NONE;
    }

    private ApiError validateNewTopic(MetadataImage image, ControllerApi.NewTopic topic, Set<String> seen) {
        ApiError nameError = validateTopicName(topic.name());
        if (!nameError.isSuccess()) {
            return nameError;
        }
        if (seen.contains(topic.name())) {
            return ApiError.of(ControllerError.INVALID_REQUEST, "topic " + topic.name() + " appears twice in the request");
        }
        if (image.topics().topic(topic.name()) != null) {
            return ApiError.of(ControllerError.TOPIC_ALREADY_EXISTS, "topic " + topic.name() + " already exists");
        }
        return ConfigurationControlManager.validateAll(topic.configs());
    }

    private List<List<Integer>> placeReplicas(MetadataImage image, ControllerApi.NewTopic topic)
            throws InvalidTopicException {
        int partitions = topic.numPartitions() == -1 ? config.defaultNumPartitions() : topic.numPartitions();
        int replicationFactor = topic.replicationFactor() == -1 ? config.defaultReplicationFactor()
                : topic.replicationFactor();
        if (partitions <= 0) {
            throw new InvalidTopicException(ControllerError.INVALID_PARTITIONS, "number of partitions must be > 0, got "
                    + topic.numPartitions() + " for topic " + topic.name());
        }
        if (replicationFactor <= 0) {
            throw new InvalidTopicException(ControllerError.INVALID_REPLICATION_FACTOR, "replication factor must be > 0, got "
                    + topic.replicationFactor() + " for topic " + topic.name());
        }
        List<Integer> brokers = image.cluster().activeBrokerIds();
        if (replicationFactor > brokers.size()) {
            throw new InvalidTopicException(ControllerError.INVALID_REPLICATION_FACTOR, "replication factor "
                    + replicationFactor + " of topic " + topic.name() + " is larger than the " + brokers.size()
                    + " available (registered, unfenced) brokers " + brokers);
        }
        return roundRobin(brokers, partitions, replicationFactor, random.nextInt(brokers.size()),
                random.nextInt(brokers.size()));
    }

    /**
     * Kafka's rack-unaware placement: the first replica of partition p goes to broker
     * (start + p) mod n; the others follow at a shift that grows every n partitions, so
     * leadership and followers spread evenly.
     */
    static List<List<Integer>> roundRobin(List<Integer> brokers, int partitions, int replicationFactor, int start,
            int initialShift) {
        int n = brokers.size();
        List<List<Integer>> assignment = new ArrayList<>(partitions);
        int shift = initialShift;
        for (int p = 0; p < partitions; p++) {
            if (p > 0 && p % n == 0) {
                shift++;
            }
            int first = (p + start) % n;
            List<Integer> replicas = new ArrayList<>(replicationFactor);
            replicas.add(brokers.get(first));
            for (int j = 0; j < replicationFactor - 1; j++) {
                int offset = 1 + (shift + j) % (n - 1);
                replicas.add(brokers.get((first + offset) % n));
            }
            assignment.add(List.copyOf(replicas));
        }
        return assignment;
    }

    private List<List<Integer>> explicitAssignment(MetadataImage image, ControllerApi.NewTopic topic)
            throws InvalidTopicException {
        Map<Integer, List<Integer>> given = topic.assignment();
        if (topic.numPartitions() != -1 && topic.numPartitions() != given.size()
                || topic.replicationFactor() != -1) {
            throw new InvalidTopicException(ControllerError.INVALID_REQUEST, "topic " + topic.name()
                    + ": give either an assignment or a partition count and replication factor, not both");
        }
        List<List<Integer>> assignment = new ArrayList<>();
        for (int p = 0; p < given.size(); p++) {
            List<Integer> replicas = given.get(p);
            if (replicas == null) {
                throw new InvalidTopicException(ControllerError.INVALID_REPLICA_ASSIGNMENT, "topic " + topic.name()
                        + ": partitions must be numbered 0.." + (given.size() - 1) + "; partition " + p + " is missing");
            }
            if (replicas.isEmpty() || new HashSet<>(replicas).size() != replicas.size()) {
                throw new InvalidTopicException(ControllerError.INVALID_REPLICA_ASSIGNMENT, "topic " + topic.name()
                        + " partition " + p + ": replicas " + replicas + " must be non-empty and distinct");
            }
            if (!assignment.isEmpty() && assignment.get(0).size() != replicas.size()) {
                throw new InvalidTopicException(ControllerError.INVALID_REPLICA_ASSIGNMENT, "topic " + topic.name()
                        + ": every partition needs the same number of replicas; partition " + p + " has "
                        + replicas.size() + ", partition 0 has " + assignment.get(0).size());
            }
            for (int broker : replicas) {
                if (image.cluster().broker(broker) == null) {
                    throw new InvalidTopicException(ControllerError.INVALID_REPLICA_ASSIGNMENT, "topic " + topic.name()
                            + " partition " + p + ": broker " + broker + " is not registered");
                }
            }
            if (replicas.stream().noneMatch(image.cluster()::isActive)) {
                throw new InvalidTopicException(ControllerError.INVALID_REPLICA_ASSIGNMENT, "topic " + topic.name()
                        + " partition " + p + ": every broker of " + replicas + " is fenced or shutting down");
            }
            assignment.add(List.copyOf(replicas));
        }
        if (assignment.isEmpty()) {
            throw new InvalidTopicException(ControllerError.INVALID_REPLICA_ASSIGNMENT, "topic " + topic.name()
                    + ": the assignment has no partitions");
        }
        return assignment;
    }

    private static List<MetadataRecord> topicRecords(MetadataImage image, ControllerApi.NewTopic topic, UUID topicId,
            List<List<Integer>> assignment) {
        List<MetadataRecord> records = new ArrayList<>(assignment.size() + 1 + topic.configs().size());
        records.add(new MetadataRecord.Topic(topic.name(), topicId));
        for (int p = 0; p < assignment.size(); p++) {
            List<Integer> replicas = assignment.get(p);
            List<Integer> isr = replicas.stream().filter(image.cluster()::isActive).toList();
            records.add(new MetadataRecord.Partition(topicId, p, replicas, isr, List.of(), List.of(), isr.get(0),
                    LeaderRecoveryState.RECOVERED, 0, 0));
        }
        records.addAll(ConfigurationControlManager.topicConfigRecords(topic.name(), topic.configs()));
        return records;
    }

    public ControllerResult<ControllerApi.DeleteTopicsReply> deleteTopics(MetadataImage image,
            ControllerApi.DeleteTopicsRequest request) {
        List<MetadataRecord> records = new ArrayList<>();
        List<ControllerApi.DeletedTopic> results = new ArrayList<>();
        Set<UUID> removed = new HashSet<>();
        for (String name : request.names()) {
            TopicImage topic = image.topics().topic(name);
            if (topic == null) {
                results.add(new ControllerApi.DeletedTopic(name, ApiError.of(ControllerError.UNKNOWN_TOPIC_OR_PARTITION,
                        "topic " + name + " does not exist")));
            } else {
                if (removed.add(topic.id())) {
                    records.add(new MetadataRecord.RemoveTopic(topic.id()));
                }
                results.add(new ControllerApi.DeletedTopic(name, ApiError.NONE));
            }
        }
        return ControllerResult.of(records, new ControllerApi.DeleteTopicsReply(results));
    }

    // ---------------------------------------------------------------- AlterPartition

    /** A leader's ISR proposals, checked in the order of DESIGN §3. */
    public ControllerResult<ControllerApi.AlterPartitionReply> alterPartition(MetadataImage image,
            ControllerApi.AlterPartitionRequest request) {
        var sender = image.cluster().broker(request.brokerId());
        if (sender == null) {
            return ControllerResult.answer(new ControllerApi.AlterPartitionReply(ApiError.of(
                    ControllerError.BROKER_ID_NOT_REGISTERED, "broker " + request.brokerId() + " is not registered"),
                    List.of()));
        }
        if (sender.epoch() != request.brokerEpoch()) {
            return ControllerResult.answer(new ControllerApi.AlterPartitionReply(ApiError.of(
                    ControllerError.STALE_BROKER_EPOCH, "broker " + request.brokerId() + " sent epoch "
                            + request.brokerEpoch() + " but is registered with epoch " + sender.epoch()), List.of()));
        }
        List<MetadataRecord> records = new ArrayList<>();
        List<ControllerApi.PartitionChangeResult> results = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ControllerApi.PartitionChangeProposal proposal : request.partitions()) {
            TopicImage topic = image.topics().topic(proposal.topicId());
            PartitionRegistration partition = topic == null ? null : topic.partition(proposal.partition());
            ApiError error = !seen.add(proposal.topicId() + "-" + proposal.partition())
                    ? ApiError.of(ControllerError.INVALID_REQUEST, "partition " + proposal.partition() + " of topic "
                            + proposal.topicId() + " appears twice in the request")
                    : AlterPartitionChecks.check(image, request, proposal, topic, partition);
            if (!error.isSuccess()) {
                results.add(partition == null
                        ? new ControllerApi.PartitionChangeResult(proposal.topicId(), proposal.partition(), error,
                                MetadataRecord.NO_LEADER, -1, List.of(), -1, LeaderRecoveryState.RECOVERED)
                        : resultOf(proposal.topicId(), proposal.partition(), error, partition));
                continue;
            }
            List<Integer> newIsr = proposal.newIsr().stream().map(ControllerApi.BrokerState::brokerId).toList();
            PartitionChangeBuilder builder = changeBuilder(partition, topic.id(), proposal.partition(),
                    image.cluster()::isActive, configs.minInsyncReplicas(image, topic.name()), false)
                    .targetIsr(newIsr)
                    .targetLeaderRecoveryState(proposal.leaderRecoveryState());
            Optional<MetadataRecord.PartitionChange> change = builder.build();
            PartitionRegistration after = partition;
            if (change.isPresent()) {
                records.add(change.get());
                after = partition.merge(change.get());
            }
            results.add(resultOf(proposal.topicId(), proposal.partition(), ApiError.NONE, after));
        }
        return ControllerResult.of(records, new ControllerApi.AlterPartitionReply(ApiError.NONE, results));
    }

    private static ControllerApi.PartitionChangeResult resultOf(UUID topicId, int partitionId, ApiError error,
            PartitionRegistration partition) {
        return new ControllerApi.PartitionChangeResult(topicId, partitionId, error, partition.leader(),
                partition.leaderEpoch(), partition.isr(), partition.partitionEpoch(), partition.leaderRecoveryState());
    }

    // ---------------------------------------------------------------- elections

    public ControllerResult<ControllerApi.ElectLeadersReply> electLeaders(MetadataImage image,
            ControllerApi.ElectLeadersRequest request) {
        List<MetadataRecord> records = new ArrayList<>();
        List<ControllerApi.ElectionResult> results = new ArrayList<>();
        boolean all = request.partitions().isEmpty();
        List<TopicPartition> targets = all ? allPartitions(image) : request.partitions();
        Set<TopicPartition> seen = new HashSet<>();
        for (TopicPartition target : targets) {
            if (!seen.add(target)) {
                continue;
            }
            TopicImage topic = image.topics().topic(target.topic());
            PartitionRegistration partition = topic == null ? null : topic.partition(target.partition());
            if (partition == null) {
                results.add(new ControllerApi.ElectionResult(target, ApiError.of(ControllerError.UNKNOWN_TOPIC_OR_PARTITION,
                        "partition " + target + " does not exist"), MetadataRecord.NO_LEADER));
                continue;
            }
            ApiError error = request.type() == ElectionType.PREFERRED
                    ? electPreferred(image, topic, target, partition, records)
                    : electUnclean(image, topic, target, partition, records);
            if (all && error.error() == ControllerError.ELECTION_NOT_NEEDED) {
                continue;
            }
            PartitionRegistration after = records.isEmpty() || !error.isSuccess() ? partition
                    : partition.merge((MetadataRecord.PartitionChange) records.get(records.size() - 1));
            results.add(new ControllerApi.ElectionResult(target, error, after.leader()));
        }
        return ControllerResult.of(records, new ControllerApi.ElectLeadersReply(ApiError.NONE, results));
    }

    private ApiError electPreferred(MetadataImage image, TopicImage topic, TopicPartition target,
            PartitionRegistration partition, List<MetadataRecord> records) {
        int preferred = partition.preferredLeader();
        if (partition.leader() == preferred) {
            return ApiError.of(ControllerError.ELECTION_NOT_NEEDED, target + " is already led by its preferred replica "
                    + preferred);
        }
        Optional<MetadataRecord.PartitionChange> change = changeBuilder(partition, topic.id(),
                target.partition(), image.cluster()::isActive, configs.minInsyncReplicas(image, topic.name()), false)
                .election(ElectionType.PREFERRED).build();
        if (change.isEmpty() || change.get().leader() == null) {
            String why = !partition.inIsr(preferred) ? "is not in the ISR " + partition.isr() : "is not alive";
            return ApiError.of(ControllerError.PREFERRED_LEADER_NOT_AVAILABLE, target + ": preferred replica "
                    + preferred + " " + why);
        }
        records.add(change.get());
        return ApiError.NONE;
    }

    private ApiError electUnclean(MetadataImage image, TopicImage topic, TopicPartition target,
            PartitionRegistration partition, List<MetadataRecord> records) {
        if (partition.hasLeader() && image.cluster().isActive(partition.leader())) {
            return ApiError.of(ControllerError.ELECTION_NOT_NEEDED, target + " has a live leader " + partition.leader());
        }
        boolean allowed = configs.uncleanLeaderElectionEnabled(image, topic.name());
        Optional<MetadataRecord.PartitionChange> change = changeBuilder(partition, topic.id(),
                target.partition(), image.cluster()::isActive, configs.minInsyncReplicas(image, topic.name()), allowed)
                .build();
        if (change.isEmpty() || change.get().leader() == null || change.get().leader() == MetadataRecord.NO_LEADER) {
            return ApiError.of(ControllerError.ELIGIBLE_LEADERS_NOT_AVAILABLE, target + ": no ISR or ELR member is alive"
                    + (allowed ? " and no replica of " + partition.replicas() + " is alive"
                            : " and " + ConfigurationControlManager.UNCLEAN_LEADER_ELECTION_ENABLE
                                    + " is false for topic " + topic.name()));
        }
        records.add(change.get());
        return ApiError.NONE;
    }

    private static List<TopicPartition> allPartitions(MetadataImage image) {
        List<TopicPartition> all = new ArrayList<>();
        for (TopicImage topic : sortedTopics(image)) {
            for (int p = 0; p < topic.partitionCount(); p++) {
                all.add(new TopicPartition(topic.name(), p));
            }
        }
        return all;
    }

    /** Preferred elections for partitions not led by replicas[0] where replicas[0] can lead; at most {@code limit}. */
    public List<MetadataRecord> rebalanceLeaders(MetadataImage image, int limit) {
        List<MetadataRecord> records = new ArrayList<>();
        for (TopicImage topic : sortedTopics(image)) {
            for (int p = 0; p < topic.partitionCount() && records.size() < limit; p++) {
                PartitionRegistration partition = topic.partition(p);
                if (partition.leader() != partition.preferredLeader()) {
                    changeBuilder(partition, topic.id(), p, image.cluster()::isActive,
                            configs.minInsyncReplicas(image, topic.name()), false)
                            .election(ElectionType.PREFERRED).build().ifPresent(records::add);
                }
            }
        }
        return records;
    }

    // ---------------------------------------------------------------- broker changes

    /**
     * Partition changes after the broker became unavailable (fenced or shutting down) and/or
     * restarted uncleanly: it leaves every ISR it is in (unless it is the last member), loses
     * leadership, and after an unclean restart leaves every ELR. {@code isActive} already
     * reflects the broker's new state.
     */
    public List<MetadataRecord> brokerChanges(MetadataImage image, int brokerId, boolean unavailable,
            boolean uncleanRestart, IntPredicate isActive) {
        List<MetadataRecord> records = new ArrayList<>();
        for (TopicImage topic : sortedTopics(image)) {
            boolean unclean = configs.uncleanLeaderElectionEnabled(image, topic.name());
            int minIsr = configs.minInsyncReplicas(image, topic.name());
            for (int p = 0; p < topic.partitionCount(); p++) {
                PartitionRegistration partition = topic.partition(p);
                if (!partition.isReplica(brokerId)) {
                    continue;
                }
                PartitionChangeBuilder builder = changeBuilder(partition, topic.id(), p, isActive, minIsr,
                        unclean);
                boolean leftInIsr = plantedBugs.contains(ControllerPlantedBug.FENCED_BROKER_LEFT_IN_ISR);
                if (unavailable && partition.inIsr(brokerId) && !leftInIsr) {
                    builder.targetIsr(partition.isr().stream().filter(id -> id != brokerId).toList());
                }
                if (uncleanRestart) {
                    builder.uncleanlyRestarted(brokerId);
                }
                builder.build().ifPresent(records::add);
            }
        }
        return records;
    }

    /** Elections for partitions without a leader that the broker (now active) can lead. */
    public List<MetadataRecord> brokerAvailable(MetadataImage image, int brokerId, IntPredicate isActive) {
        List<MetadataRecord> records = new ArrayList<>();
        for (TopicImage topic : sortedTopics(image)) {
            boolean unclean = configs.uncleanLeaderElectionEnabled(image, topic.name());
            int minIsr = configs.minInsyncReplicas(image, topic.name());
            for (int p = 0; p < topic.partitionCount(); p++) {
                PartitionRegistration partition = topic.partition(p);
                if (!partition.hasLeader() && partition.isReplica(brokerId)) {
                    changeBuilder(partition, topic.id(), p, isActive, minIsr, unclean).build()
                            .ifPresent(records::add);
                }
            }
        }
        return records;
    }

    /** Elections for the topic's leaderless partitions, after its unclean election setting was turned on. */
    public List<MetadataRecord> electOffline(MetadataImage image, String topicName, boolean uncleanAllowed) {
        List<MetadataRecord> records = new ArrayList<>();
        TopicImage topic = image.topics().topic(topicName);
        if (topic == null) {
            return records;
        }
        int minIsr = configs.minInsyncReplicas(image, topicName);
        for (int p = 0; p < topic.partitionCount(); p++) {
            PartitionRegistration partition = topic.partition(p);
            if (!partition.hasLeader()) {
                changeBuilder(partition, topic.id(), p, image.cluster()::isActive, minIsr, uncleanAllowed)
                        .build().ifPresent(records::add);
            }
        }
        return records;
    }

    /**
     * Partition changes that bring the image back in line with broker liveness: no inactive
     * broker leads or sits in an ISR (but as the kept last member), and every partition that
     * can have a leader gets one. Run when a controller becomes active, because a command's
     * records may span appends and only some may have committed before the previous active
     * controller lost its role (a FenceBroker without all of its partition changes).
     */
    public List<MetadataRecord> reconcile(MetadataImage image) {
        IntPredicate isActive = image.cluster()::isActive;
        List<MetadataRecord> records = new ArrayList<>();
        for (TopicImage topic : sortedTopics(image)) {
            boolean unclean = configs.uncleanLeaderElectionEnabled(image, topic.name());
            int minIsr = configs.minInsyncReplicas(image, topic.name());
            for (int p = 0; p < topic.partitionCount(); p++) {
                PartitionRegistration partition = topic.partition(p);
                boolean stale = !isActive.test(partition.leader())
                        || partition.isr().stream().anyMatch(id -> !isActive.test(id));
                if (stale) {
                    changeBuilder(partition, topic.id(), p, isActive, minIsr, unclean)
                            .targetIsr(partition.isr().stream().filter(isActive::test).toList())
                            .build().ifPresent(records::add);
                }
            }
        }
        return records;
    }

    // ---------------------------------------------------------------- gauges

    public static int offlinePartitions(MetadataImage image) {
        int count = 0;
        for (TopicImage topic : image.topics().byId().values()) {
            for (PartitionRegistration partition : topic.partitions()) {
                count += partition.hasLeader() ? 0 : 1;
            }
        }
        return count;
    }

    public static int preferredReplicaImbalance(MetadataImage image) {
        int count = 0;
        for (TopicImage topic : image.topics().byId().values()) {
            for (PartitionRegistration partition : topic.partitions()) {
                count += partition.leader() != partition.preferredLeader() ? 1 : 0;
            }
        }
        return count;
    }

    /** Topics by name, so that every decision walks partitions in the same order. */
    static List<TopicImage> sortedTopics(MetadataImage image) {
        List<TopicImage> topics = new ArrayList<>(image.topics().byId().values());
        topics.sort(Comparator.comparing(TopicImage::name));
        return topics;
    }
}

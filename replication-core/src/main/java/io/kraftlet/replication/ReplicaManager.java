package io.kraftlet.replication;

import io.kraftlet.controller.ControllerApi.PartitionChangeProposal;
import io.kraftlet.controller.ControllerApi.PartitionChangeResult;
import io.kraftlet.image.BrokerRegistration;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.image.TopicImage;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.MetadataRecord;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.raft.Batch;
import io.kraftlet.replication.log.LogAppendInfo;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The replication layer of one broker (DESIGN.md §4), as Kafka's {@code ReplicaManager}: it
 * follows the metadata image and makes this broker the leader, a follower, or neither of each
 * partition it holds a replica of; answers produce and read requests as leader; answers the
 * followers' fetches (parking them up to {@code replica.fetch.wait.max.ms} when there is nothing
 * new); fetches, as a follower, from each leader broker with one request for all its
 * partitions; and proposes ISR changes to the controller.
 *
 * <p><b>Rules</b> beyond those of {@link Partition}, {@link LeaderFetchHandler} and {@link FollowerPartition}:
 * <ul>
 *   <li>The broker acts on the image only once the image holds its own registration with its
 *       current broker epoch. A registration of a new incarnation moves every leadership of the
 *       previous one to a new leader epoch, so a restarted broker never serves an epoch it may
 *       have served before its crash with records it has since lost.
 *   <li>Durability: a replica's records count for the HW only once flushed. A leader appends,
 *       then {@link #flush} makes the appends durable before they count (one flush per log for
 *       all appends of a driver turn); a follower flushes what it fetched before it fetches again,
 *       and its next fetch offset is what the leader counts. So an acknowledged acks=all record
 *       survives the crash of every replica.
 *   <li>A truncation below the HW happens only after an unclean election (the leader is
 *       RECOVERING, or the topic allows unclean elections); it is reported through
 *       {@link ReplicaOutput#uncleanTruncation} and counted. Anything else refuses it and takes
 *       the replica offline on this broker.
 * </ul>
 *
 * <p>Every method other than {@link #produce} first flushes what earlier produces appended, so a
 * driver calls {@link #flush} once it has handed over a batch of produce requests.
 *
 * <p>Pure: no threads, no clock (time comes in as {@code nowMs}), effects go to the
 * {@link ReplicaOutput}; the logs are reached through {@link LogStore}. Not thread-safe.
 */
public final class ReplicaManager {
    /** A partition by topic id, ordered so that iteration (and so every effect) is deterministic. */
    public record PartitionKey(UUID topicId, int partition) implements Comparable<PartitionKey> {
        public PartitionKey {
            Objects.requireNonNull(topicId, "topicId");
        }

        @Override
        public int compareTo(PartitionKey other) {
            int byTopic = topicId.compareTo(other.topicId);
            return byTopic != 0 ? byTopic : Integer.compare(partition, other.partition);
        }
    }

    /** A read-only view of one replica, for meters, tools and simulation checkers. */
    public record ReplicaView(PartitionKey key, TopicPartition topicPartition, Role role, int leaderEpoch,
            long highWatermark, long logEndOffset, List<Integer> isr, List<Integer> maximalIsr, int minInsyncReplicas,
            boolean failed) {
    }

    /** The role a replica plays on this broker. */
    public enum Role { LEADER, FOLLOWER, NONE }

    private record PendingAppend(long requestId, PartitionKey key, int acks, long baseOffset, long requiredOffset,
            long deadlineMs) {
    }

    private record DelayedFetch(long requestId, ReplicaFetchRequest request, long deadlineMs) {
    }

    /** One fetcher per leader broker (Kafka's fetcher thread per source broker). */
    private static final class Fetcher {
        final Set<PartitionKey> partitions = new TreeSet<>();
        long inFlightFetchId = -1;
        long backoffUntilMs;
    }

    private final int brokerId;
    private final ReplicationConfig config;
    private final LogStore logs;
    private final ReplicaOutput output;
    private final Set<ReplicationPlantedBug> plantedBugs;

    private long brokerEpoch = -1;
    private MetadataImage image = MetadataImage.EMPTY;
    private boolean ready;
    private final Map<UUID, TopicImage> appliedTopics = new TreeMap<>();
    /** Replicas whose log could not even be opened here, with why; offline until restart. */
    private final Map<PartitionKey, String> unopenable = new TreeMap<>();
    private Object appliedConfigs;
    private final TreeMap<PartitionKey, HostedPartition> hosted = new TreeMap<>();
    private final TreeMap<Integer, Fetcher> fetchers = new TreeMap<>();
    private final LinkedHashMap<Long, DelayedFetch> delayedFetches = new LinkedHashMap<>();
    /** The parked fetches asking for each partition, so an append wakes only those (not a scan of all). */
    private final Map<PartitionKey, Set<Long>> fetchWatchers = new TreeMap<>();
    private final List<PendingAppend> unflushed = new ArrayList<>();
    private final Set<PartitionKey> dirty = new TreeSet<>();
    /** Base offsets of the acks=all requests waiting in purgatories, for their answers. */
    private final Map<Long, Long> baseOffsets = new TreeMap<>();
    private long nextFetchId;
    private long nextIsrCheckMs;
    private long isrShrinks;
    private long isrExpands;
    private long uncleanLeaderships;
    private long uncleanTruncatedOffsets;

    public ReplicaManager(int brokerId, ReplicationConfig config, LogStore logs, ReplicaOutput output) {
        this(brokerId, config, logs, output, Set.of());
    }

    /** With deliberate bugs, for ReplicationPlantedBugTest only. */
    public ReplicaManager(int brokerId, ReplicationConfig config, LogStore logs, ReplicaOutput output,
            Set<ReplicationPlantedBug> plantedBugs) {
        if (brokerId < 0) {
            throw new IllegalArgumentException("broker id must be >= 0, got " + brokerId);
        }
        this.brokerId = brokerId;
        this.config = Objects.requireNonNull(config, "config");
        this.logs = Objects.requireNonNull(logs, "logs");
        this.output = Objects.requireNonNull(output, "output");
        this.plantedBugs = plantedBugs.isEmpty() ? EnumSet.noneOf(ReplicationPlantedBug.class) : EnumSet.copyOf(plantedBugs);
    }

    // ------------------------------------------------------------------ metadata

    /** This broker's epoch, once the controller registered it. */
    public void setBrokerEpoch(long brokerEpoch, long nowMs) {
        flush(nowMs);
        if (brokerEpoch < 0 || (this.brokerEpoch >= 0 && brokerEpoch != this.brokerEpoch)) {
            throw new IllegalArgumentException("broker " + brokerId + " has epoch " + this.brokerEpoch + ", cannot take "
                    + brokerEpoch);
        }
        this.brokerEpoch = brokerEpoch;
        reconcile(nowMs);
    }

    /** A new metadata image: become leader, follower or neither of each partition; stop removed replicas. */
    public void applyImage(MetadataImage newImage, long nowMs) {
        flush(nowMs);
        this.image = Objects.requireNonNull(newImage, "newImage");
        reconcile(nowMs);
    }

    private void reconcile(long nowMs) {
        if (!ready) {
            BrokerRegistration self = image.cluster().broker(brokerId);
            ready = brokerEpoch >= 0 && self != null && self.epoch() == brokerEpoch;
            if (!ready) {
                return;
            }
        }
        boolean configsChanged = appliedConfigs != image.configs();
        appliedConfigs = image.configs();
        // Replicas that are gone first, so a topic re-created under the same name gets a fresh log.
        unopenable.keySet().removeIf(key -> registration(key) == null || !registration(key).isReplica(brokerId));
        for (PartitionKey key : new ArrayList<>(hosted.keySet())) {
            PartitionRegistration registration = registration(key);
            if (registration == null || !registration.isReplica(brokerId)) {
                stopReplica(key, nowMs);
            }
        }
        appliedTopics.keySet().retainAll(image.topics().byId().keySet());
        for (TopicImage topic : image.topics().byId().values()) {
            if (!configsChanged && appliedTopics.get(topic.id()) == topic) {
                continue; // unchanged (images share unchanged topics)
            }
            appliedTopics.put(topic.id(), topic);
            for (int p = 0; p < topic.partitionCount(); p++) {
                PartitionRegistration registration = topic.partition(p);
                if (registration.isReplica(brokerId)) {
                    PartitionKey key = new PartitionKey(topic.id(), p);
                    try {
                        applyRegistration(key, topic, registration, nowMs);
                    } catch (RuntimeException failure) {
                        // One replica that cannot take its role (its log cannot be opened, say) must not
                        // keep the rest of the image from being applied; it is reported and stays offline.
                        replicaFailed(key, new TopicPartition(topic.name(), p), failure, nowMs);
                    }
                }
            }
        }
        sendFetches(nowMs);
    }

    private void applyRegistration(PartitionKey key, TopicImage topic, PartitionRegistration registration, long nowMs) {
        HostedPartition partition = hosted.get(key);
        if (partition == null && unopenable.containsKey(key)) {
            return;
        }
        if (partition == null) {
            TopicPartition topicPartition = new TopicPartition(topic.name(), key.partition());
            partition = new HostedPartition(key, topicPartition, logs.getOrCreate(topicPartition, key.topicId()));
            // The HW this replica knew before a restart: it bounds a later truncation (NoTruncationBelowHW)
            // and lets a new leader serve reads at once.
            partition.highWatermark = Math.min(logs.checkpointedHighWatermark(topicPartition), partition.log.endOffset());
            hosted.put(key, partition);
        }
        if (partition.failure != null) {
            return;
        }
        int minIsr = minInsyncReplicas(topic.name());
        if (registration.leader() == brokerId) {
            if (partition.isLeader() && partition.leader.leaderEpoch() == registration.leaderEpoch()) {
                IsrState before = partition.leader.isrState();
                if (partition.leader.applyImage(registration) == ImageOutcome.APPLIED) {
                    countCommittedIsrChange(before, partition.leader.isrState().isr());
                }
                if (partition.leader.minInsyncReplicas() != minIsr) {
                    partition.leader.updateMinInsyncReplicas(minIsr);
                }
                afterLeaderStateChange(partition, nowMs);
            } else if (!partition.isLeader() || registration.leaderEpoch() > partition.leader.leaderEpoch()) {
                becomeLeader(partition, registration, minIsr, nowMs);
            }
        } else if (registration.leader() == MetadataRecord.NO_LEADER) {
            stopRole(partition, ReplicationError.NOT_LEADER_OR_FOLLOWER, nowMs);
        } else if (!partition.isFollower() || partition.leaderId != registration.leader()
                || partition.follower.leaderEpoch() != registration.leaderEpoch()) {
            becomeFollower(partition, topic, registration, nowMs);
        }
    }

    /**
     * The image committed this leader's pending ISR change before the controller's answer arrived
     * (the answer is then ignored as stale): count it here, or the shrink/expand meters miss it.
     */
    private void countCommittedIsrChange(IsrState before, List<Integer> isrNow) {
        if (before instanceof IsrState.PendingExpand expand && isrNow.contains(expand.adding())) {
            isrExpands++;
        } else if (before instanceof IsrState.PendingShrink shrink
                && shrink.removing().stream().noneMatch(isrNow::contains)) {
            isrShrinks++;
        }
    }

    private void becomeLeader(HostedPartition partition, PartitionRegistration registration, int minIsr, long nowMs) {
        long highWatermark = Math.min(partition.knownHighWatermark(), partition.log.endOffset());
        stopRole(partition, ReplicationError.NOT_LEADER_OR_FOLLOWER, nowMs);
        Partition leader = Partition.becomeLeader(partition.topicId(), partition.key.partition(), brokerId, brokerEpoch,
                registration, partition.log.endOffset(), highWatermark, minIsr, nowMs);
        leader.plantBugs(plantedBugs);
        leader.setExpansionEligibility(this::isIsrEligible);
        partition.leader = leader;
        partition.fetchHandler = new LeaderFetchHandler(partition.topicId(), partition.key.partition(), brokerId, leader,
                partition.log, config.replicaFetchResponseMaxBytes());
        if (plantedBugs.contains(ReplicationPlantedBug.HW_FROM_STALE_EPOCH_FETCH)) {
            partition.fetchHandler.plantStaleEpochBug();
        }
        partition.purgatory = new ProducePurgatory(config.maxWaitingProducesPerPartition());
        if (registration.leaderRecoveryState() == LeaderRecoveryState.RECOVERING) {
            uncleanLeaderships++;
            output.uncleanLeadership(partition.topicPartition, registration.leaderEpoch(), partition.log.endOffset());
        }
        afterLeaderStateChange(partition, nowMs);
    }

    private void becomeFollower(HostedPartition partition, TopicImage topic, PartitionRegistration registration,
            long nowMs) {
        long highWatermark = Math.min(partition.knownHighWatermark(), partition.log.endOffset());
        stopRole(partition, ReplicationError.NOT_LEADER_OR_FOLLOWER, nowMs);
        // Below the HW only after an unclean election: while the leader recovers, or (if this replica
        // missed the recovery) when the topic allows unclean elections at all.
        boolean uncleanPossible = registration.leaderRecoveryState() == LeaderRecoveryState.RECOVERING
                || uncleanLeaderElectionEnable(topic.name());
        partition.follower = new FollowerPartition(partition.topicId(), partition.key.partition(), brokerId, brokerEpoch,
                registration.leaderEpoch(), uncleanPossible ? LeaderRecoveryState.RECOVERING : LeaderRecoveryState.RECOVERED,
                partition.log, highWatermark, config.replicaFetchMaxBytes());
        partition.leaderId = registration.leader();
        partition.fetchBackoffUntilMs = 0;
        fetchers.computeIfAbsent(registration.leader(), id -> new Fetcher()).partitions.add(partition.key);
    }

    /** Ends the current role: waiting produces get {@code error}, the follower leaves its fetcher. */
    private void stopRole(HostedPartition partition, ReplicationError error, long nowMs) {
        partition.highWatermark = partition.knownHighWatermark();
        if (partition.isLeader()) {
            complete(partition.purgatory.failAll(error));
            partition.leader = null;
            partition.fetchHandler = null;
            partition.purgatory = null;
            partition.alterPartitionRetryAtMs = -1;
            completeDelayedFetches(partition.key, nowMs);
        }
        if (partition.isFollower()) {
            Fetcher fetcher = fetchers.get(partition.leaderId);
            if (fetcher != null) {
                fetcher.partitions.remove(partition.key);
            }
            partition.follower = null;
            partition.leaderId = -1;
        }
    }

    private void stopReplica(PartitionKey key, long nowMs) {
        HostedPartition partition = hosted.remove(key);
        stopRole(partition, ReplicationError.NOT_LEADER_OR_FOLLOWER, nowMs);
        logs.delete(partition.topicPartition);
    }

    // ------------------------------------------------------------------ produce and read

    /**
     * A client's write. Refusals are answered at once; an accepted batch is appended now and
     * answered by a later {@link #flush} (acks 0 and 1) or once the HW covers it (acks=all).
     */
    public void produce(long requestId, ProduceRequest request, long nowMs) {
        TopicPartition topicPartition = request.topicPartition();
        ReplicationError invalidAcks = ProduceAcks.validate(request.acks());
        if (invalidAcks != ReplicationError.NONE) {
            refuse(requestId, invalidAcks, "acks must be 0, 1 or -1 (all), got " + request.acks());
            return;
        }
        if (request.records().isEmpty()) {
            refuse(requestId, ReplicationError.INVALID_REQUEST, "a produce request to " + topicPartition + " holds no records");
            return;
        }
        if (request.timeoutMs() < 0) {
            refuse(requestId, ReplicationError.INVALID_REQUEST, "timeout must be >= 0 ms, got " + request.timeoutMs());
            return;
        }
        if (request.sizeInBytes() > config.messageMaxBytes()) {
            refuse(requestId, ReplicationError.RECORD_LIST_TOO_LARGE, "the records to " + topicPartition + " hold "
                    + request.sizeInBytes() + " bytes, more than message.max.bytes=" + config.messageMaxBytes());
            return;
        }
        HostedPartition partition = leaderOrRefusal(topicPartition, refusal -> refuse(requestId, refusal.error(),
                refusal.message()));
        if (partition == null) {
            return;
        }
        ReplicationError check = partition.leader.checkProduce(request.acks());
        if (check != ReplicationError.NONE) {
            refuse(requestId, check, "the ISR of " + topicPartition + " is " + partition.leader.isrState().isr()
                    + ", fewer than min.insync.replicas=" + partition.leader.minInsyncReplicas());
            return;
        }
        boolean waits = ProduceAcks.waitsForHighWatermark(request.acks());
        if (waits && partition.purgatory.size() + partition.unflushedAcksAll >= config.maxWaitingProducesPerPartition()) {
            refuse(requestId, ReplicationError.THROTTLING_QUOTA_EXCEEDED, config.maxWaitingProducesPerPartition()
                    + " acks=all requests already wait for the high watermark of " + topicPartition);
            return;
        }
        LogAppendInfo info;
        try {
            info = partition.log.appendAsLeader(partition.leader.leaderEpoch(), request.records(), nowMs);
        } catch (RuntimeException storageFailure) {
            failReplica(partition, "append failed: " + storageFailure, nowMs);
            refuse(requestId, ReplicationError.KAFKA_STORAGE_ERROR, "the log of " + topicPartition + " failed: "
                    + storageFailure.getMessage());
            return;
        }
        if (waits) {
            partition.unflushedAcksAll++;
        }
        unflushed.add(new PendingAppend(requestId, partition.key, request.acks(), info.firstOffset(),
                info.lastOffset() + 1, nowMs + request.timeoutMs()));
        dirty.add(partition.key);
    }

    /**
     * Makes the appends of earlier {@link #produce} calls durable, lets them count for the HW,
     * answers acks 0 and 1, and parks acks=all until the HW covers them.
     */
    public void flush(long nowMs) {
        if (dirty.isEmpty()) {
            return;
        }
        List<PartitionKey> flushed = new ArrayList<>(dirty);
        dirty.clear();
        List<PendingAppend> appends = new ArrayList<>(unflushed);
        unflushed.clear();
        Map<HostedPartition, RuntimeException> failed = new LinkedHashMap<>();
        for (PartitionKey key : flushed) {
            HostedPartition partition = hosted.get(key);
            if (partition == null || !partition.isLeader()) {
                continue; // failed since the append; its requests are refused below
            }
            try {
                partition.log.flush();
                partition.leader.updateLeaderLogEndOffset(partition.log.endOffset());
            } catch (RuntimeException storageFailure) {
                failed.put(partition, storageFailure);
            }
        }
        // Only once every other log of the turn is durable: failing a replica answers parked fetches.
        failed.forEach((partition, storageFailure) -> failReplica(partition, "flush failed: " + storageFailure, nowMs));
        for (PendingAppend append : appends) {
            HostedPartition partition = hosted.get(append.key());
            if (partition == null || !partition.isLeader()) {
                // Only a failed flush takes a leader's role between an append and its flush.
                String why = partition != null && partition.failure != null ? partition.failure : "the replica stopped";
                refuse(append.requestId(), ReplicationError.KAFKA_STORAGE_ERROR, "the log of "
                        + (partition != null ? partition.topicPartition : append.key())
                        + " failed before the records were durable: " + why);
            } else if (!ProduceAcks.waitsForHighWatermark(append.acks())
                    || plantedBugs.contains(ReplicationPlantedBug.ACK_BEFORE_HIGH_WATERMARK)) {
                output.produceCompleted(append.requestId(), ProduceResult.appended(append.baseOffset()));
                partition.unflushedAcksAll -= ProduceAcks.waitsForHighWatermark(append.acks()) ? 1 : 0;
            } else {
                partition.unflushedAcksAll--;
                partition.purgatory.add(append.requestId(), append.requiredOffset(), append.deadlineMs());
                baseOffsets.put(append.requestId(), append.baseOffset());
            }
        }
        for (PartitionKey key : flushed) {
            HostedPartition partition = hosted.get(key);
            if (partition != null && partition.isLeader()) {
                afterLeaderStateChange(partition, nowMs);
                completeDelayedFetches(key, nowMs);
            }
        }
    }

    /**
     * A client's read at the leader: whole batches from the one holding {@code offset} (so the
     * first batch may start before it), none reaching the HW, about {@code maxBytes} in all.
     */
    public ReadResult read(TopicPartition topicPartition, long offset, int maxBytes) {
        if (maxBytes < 0) {
            return ReadResult.failed(ReplicationError.INVALID_REQUEST, -1, -1, "maxBytes must be >= 0, got " + maxBytes);
        }
        ReadResult[] refused = new ReadResult[1];
        HostedPartition partition = leaderOrRefusal(topicPartition,
                refusal -> refused[0] = ReadResult.failed(refusal.error(), -1, -1, refusal.message()));
        if (partition == null) {
            return refused[0];
        }
        long highWatermark = partition.leader.highWatermark();
        long startOffset = partition.log.startOffset();
        if (offset < startOffset || offset > partition.log.endOffset()) {
            return ReadResult.failed(ReplicationError.OFFSET_OUT_OF_RANGE, highWatermark, startOffset, "offset " + offset
                    + " is outside the log [" + startOffset + ", " + partition.log.endOffset() + "] of " + topicPartition
                    + " (readable up to the high watermark " + highWatermark + ")");
        }
        if (offset >= highWatermark) {
            // Held but not committed yet (or a new leader's HW still catching up): nothing to read, no error,
            // as Kafka answers; the client polls again.
            return new ReadResult(ReplicationError.NONE, List.of(), highWatermark, startOffset, "");
        }
        try {
            List<Batch> batches = partition.log.read(partition.log.baseOffsetOf(offset), highWatermark, maxBytes);
            return new ReadResult(ReplicationError.NONE, batches, highWatermark, startOffset, "");
        } catch (RuntimeException storageFailure) {
            return ReadResult.failed(ReplicationError.KAFKA_STORAGE_ERROR, highWatermark, startOffset, "reading "
                    + topicPartition + " failed: " + storageFailure.getMessage());
        }
    }

    private record Refusal(ReplicationError error, String message) {
    }

    private HostedPartition leaderOrRefusal(TopicPartition topicPartition, java.util.function.Consumer<Refusal> refuse) {
        TopicImage topic = image.topics().topic(topicPartition.topic());
        if (topic == null || topicPartition.partition() < 0 || topicPartition.partition() >= topic.partitionCount()) {
            refuse.accept(new Refusal(ReplicationError.UNKNOWN_TOPIC_OR_PARTITION, "broker " + brokerId
                    + " knows no partition " + topicPartition));
            return null;
        }
        HostedPartition partition = hosted.get(new PartitionKey(topic.id(), topicPartition.partition()));
        if (partition != null && partition.failure != null) {
            refuse.accept(new Refusal(ReplicationError.KAFKA_STORAGE_ERROR, "the replica of " + topicPartition
                    + " on broker " + brokerId + " is offline: " + partition.failure));
            return null;
        }
        if (partition == null || !partition.isLeader()) {
            int leader = topic.partition(topicPartition.partition()).leader();
            refuse.accept(new Refusal(ReplicationError.NOT_LEADER_OR_FOLLOWER, "broker " + brokerId
                    + " does not lead " + topicPartition + " (leader in its metadata: "
                    + (leader == MetadataRecord.NO_LEADER ? "none" : leader) + ")"));
            return null;
        }
        return partition;
    }

    private void refuse(long requestId, ReplicationError error, String message) {
        output.produceCompleted(requestId, ProduceResult.failed(error, message));
    }

    // ------------------------------------------------------------------ leader side of fetch

    /** A follower's fetch: answered now if any partition has records or an error, else parked. */
    public void handleFetchRequest(long requestId, ReplicaFetchRequest request, long nowMs) {
        flush(nowMs);
        ReplicaFetchResponse response = readForFetch(request, nowMs);
        boolean anything = response.partitions().stream().map(ReplicaFetchResponse.PartitionData::response)
                .anyMatch(r -> r.error() != FetchError.NONE || r.divergingEpoch().isPresent() || !r.records().isEmpty());
        if (anything || request.maxWaitMs() == 0 || request.partitions().isEmpty()) {
            output.fetchCompleted(requestId, response);
        } else {
            delayedFetches.put(requestId, new DelayedFetch(requestId, request, nowMs + request.maxWaitMs()));
            for (FetchPartitionRequest fetch : request.partitions()) {
                fetchWatchers.computeIfAbsent(new PartitionKey(fetch.topicId(), fetch.partition()),
                        k -> new java.util.LinkedHashSet<>()).add(requestId);
            }
        }
    }

    private ReplicaFetchResponse readForFetch(ReplicaFetchRequest request, long nowMs) {
        List<ReplicaFetchResponse.PartitionData> answers = new ArrayList<>(request.partitions().size());
        long remaining = request.maxBytes();
        for (FetchPartitionRequest fetch : request.partitions()) {
            PartitionKey key = new PartitionKey(fetch.topicId(), fetch.partition());
            HostedPartition partition = hosted.get(key);
            FetchPartitionResponse answer;
            if (partition == null || !partition.isLeader()) {
                answer = FetchPartitionResponse.ofError(epochError(key, fetch.currentLeaderEpoch()));
            } else {
                FetchPartitionRequest bounded = new FetchPartitionRequest(fetch.topicId(), fetch.partition(),
                        fetch.replicaId(), fetch.replicaBrokerEpoch(), fetch.currentLeaderEpoch(), fetch.fetchOffset(),
                        fetch.lastFetchedEpoch(), (int) Math.max(0, Math.min(fetch.maxBytes(), remaining)));
                LeaderFetchHandler.Result result = partition.fetchHandler.handleFetchRequest(bounded, nowMs);
                answer = result.response();
                for (Batch batch : answer.records()) {
                    remaining -= batch.sizeInBytes();
                }
                result.isrProposal().ifPresent(proposal -> output.sendAlterPartition(proposal));
                if (result.highWatermarkAdvanced()) {
                    completeWaitingProduces(partition);
                }
            }
            answers.add(new ReplicaFetchResponse.PartitionData(fetch.topicId(), fetch.partition(), answer));
        }
        return new ReplicaFetchResponse(answers);
    }

    /** Why this broker does not answer a fetch for {@code key} as leader, judged by its image. */
    private FetchError epochError(PartitionKey key, int fetchLeaderEpoch) {
        PartitionRegistration registration = registration(key);
        if (registration == null) {
            return FetchError.NOT_LEADER_OR_FOLLOWER;
        }
        if (fetchLeaderEpoch < registration.leaderEpoch()) {
            return FetchError.FENCED_LEADER_EPOCH;
        }
        if (fetchLeaderEpoch > registration.leaderEpoch()) {
            return FetchError.UNKNOWN_LEADER_EPOCH;
        }
        return FetchError.NOT_LEADER_OR_FOLLOWER;
    }

    private void completeDelayedFetches(PartitionKey key, long nowMs) {
        Set<Long> watching = fetchWatchers.get(key);
        if (watching == null) {
            return;
        }
        List<DelayedFetch> due = new ArrayList<>(watching.size());
        for (long requestId : List.copyOf(watching)) {
            due.add(unpark(requestId));
        }
        for (DelayedFetch delayed : due) {
            output.fetchCompleted(delayed.requestId(), readForFetch(delayed.request(), nowMs));
        }
    }

    /** Removes a parked fetch and its watches. */
    private DelayedFetch unpark(long requestId) {
        DelayedFetch delayed = delayedFetches.remove(requestId);
        for (FetchPartitionRequest fetch : delayed.request().partitions()) {
            PartitionKey key = new PartitionKey(fetch.topicId(), fetch.partition());
            Set<Long> watching = fetchWatchers.get(key);
            watching.remove(requestId);
            if (watching.isEmpty()) {
                fetchWatchers.remove(key);
            }
        }
        return delayed;
    }

    // ------------------------------------------------------------------ follower side of fetch

    private void sendFetches(long nowMs) {
        if (!ready) {
            return;
        }
        for (Iterator<Map.Entry<Integer, Fetcher>> it = fetchers.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, Fetcher> entry = it.next();
            Fetcher fetcher = entry.getValue();
            if (fetcher.inFlightFetchId >= 0 || nowMs < fetcher.backoffUntilMs) {
                continue;
            }
            if (fetcher.partitions.isEmpty()) {
                it.remove();
                continue;
            }
            List<FetchPartitionRequest> requests = new ArrayList<>(fetcher.partitions.size());
            for (PartitionKey key : fetcher.partitions) {
                HostedPartition partition = hosted.get(key);
                if (nowMs >= partition.fetchBackoffUntilMs) {
                    requests.add(partition.follower.buildFetchRequest());
                }
            }
            if (requests.isEmpty()) {
                continue; // every partition backs off; nextWakeupMs covers the earliest
            }
            long fetchId = ++nextFetchId;
            fetcher.inFlightFetchId = fetchId;
            output.sendFetch(entry.getKey(), fetchId, new ReplicaFetchRequest(brokerId, brokerEpoch,
                    config.replicaFetchWaitMaxMs(), config.replicaFetchResponseMaxBytes(), requests));
        }
    }

    /** The leader's answer to fetch {@code fetchId}. */
    public void handleFetchResponse(int leaderId, long fetchId, ReplicaFetchResponse response, long nowMs) {
        flush(nowMs);
        Fetcher fetcher = fetchers.get(leaderId);
        if (fetcher == null || fetcher.inFlightFetchId != fetchId) {
            return;
        }
        fetcher.inFlightFetchId = -1;
        for (ReplicaFetchResponse.PartitionData data : response.partitions()) {
            HostedPartition partition = hosted.get(new PartitionKey(data.topicId(), data.partition()));
            if (partition == null || !partition.isFollower() || partition.leaderId != leaderId) {
                continue;
            }
            if (applyFetchedData(partition, data.response(), nowMs)) {
                // Only this partition waits (as Kafka's delayPartitions): the others keep fetching.
                partition.fetchBackoffUntilMs = nowMs + config.replicaFetchBackoffMs();
            }
        }
        sendFetches(nowMs);
    }

    /** Applies one partition's answer; returns whether this partition should back off. */
    private boolean applyFetchedData(HostedPartition partition, FetchPartitionResponse response, long nowMs) {
        long highWatermarkBefore = partition.follower.highWatermark();
        long endOffsetBefore = partition.log.endOffset();
        FollowerFetchOutcome outcome;
        try {
            try {
                outcome = partition.follower.handleFetchResponse(response);
            } finally {
                if (partition.log.endOffset() > endOffsetBefore) {
                    // The next fetch offset tells the leader these records are durable here: flush even
                    // when a later batch of the answer was refused.
                    partition.log.flush();
                }
            }
        } catch (IllegalArgumentException protocolViolation) {
            // The leader sent something that cannot follow this log; ask again after a pause.
            return true;
        } catch (RuntimeException failure) {
            failReplica(partition, failure.getMessage(), nowMs);
            return false;
        }
        if (outcome.kind() == FollowerFetchOutcome.Kind.TRUNCATED && outcome.lostAfterUncleanElection() > 0) {
            uncleanTruncatedOffsets += outcome.lostAfterUncleanElection();
            output.uncleanTruncation(partition.topicPartition, outcome.truncatedTo(), highWatermarkBefore);
        }
        return outcome.kind() == FollowerFetchOutcome.Kind.AWAITING_METADATA
                || outcome.kind() == FollowerFetchOutcome.Kind.OFFSET_OUT_OF_RANGE;
    }

    /** Fetch {@code fetchId} got no answer (transport failure or timeout): fetch again after a pause. */
    public void handleFetchFailure(int leaderId, long fetchId, long nowMs) {
        flush(nowMs);
        Fetcher fetcher = fetchers.get(leaderId);
        if (fetcher == null || fetcher.inFlightFetchId != fetchId) {
            return;
        }
        fetcher.inFlightFetchId = -1;
        fetcher.backoffUntilMs = nowMs + config.replicaFetchBackoffMs();
    }

    // ------------------------------------------------------------------ ISR changes

    /** The controller's answer to an AlterPartition carrying {@code proposal}. */
    public void handleAlterPartitionResponse(PartitionChangeProposal proposal, PartitionChangeResult result, long nowMs) {
        flush(nowMs);
        HostedPartition partition = hosted.get(new PartitionKey(proposal.topicId(), proposal.partition()));
        if (partition == null || !partition.isLeader()) {
            return;
        }
        IsrState before = partition.leader.isrState();
        AlterPartitionOutcome outcome = partition.leader.handleAlterPartitionResponse(proposal, result);
        switch (outcome) {
            case APPLIED -> {
                if (before instanceof IsrState.PendingShrink) {
                    isrShrinks++;
                } else if (before instanceof IsrState.PendingExpand) {
                    isrExpands++;
                }
                partition.alterPartitionRetryAtMs = -1;
                afterLeaderStateChange(partition, nowMs);
            }
            case RETRY -> partition.alterPartitionRetryAtMs = nowMs + config.alterPartitionRetryBackoffMs();
            case REVERTED -> {
                partition.alterPartitionRetryAtMs = -1;
                afterLeaderStateChange(partition, nowMs);
            }
            default -> {
                // IGNORED_STALE, AWAITING_METADATA: the image brings the newer state.
            }
        }
    }

    /** An AlterPartition carrying {@code proposal} got no answer: send it again after a pause. */
    public void handleAlterPartitionFailure(PartitionChangeProposal proposal, long nowMs) {
        flush(nowMs);
        HostedPartition partition = hosted.get(new PartitionKey(proposal.topicId(), proposal.partition()));
        if (partition != null && partition.isLeader()
                && partition.leader.inFlightProposal().filter(proposal::equals).isPresent()) {
            partition.alterPartitionRetryAtMs = nowMs + config.alterPartitionRetryBackoffMs();
        }
    }

    /**
     * After the leader's ISR, HW or LEO may have changed: answer the produces it settles, and
     * propose RECOVERED if the leader was elected uncleanly.
     */
    private void afterLeaderStateChange(HostedPartition partition, long nowMs) {
        if (partition.leader.isUnderMinIsr()
                && !plantedBugs.contains(ReplicationPlantedBug.HW_ADVANCE_UNDER_MIN_ISR)) {
            complete(partition.purgatory.onIsrShrunkBelowMin());
        } else {
            completeWaitingProduces(partition);
        }
        partition.leader.maybeCompleteRecovery().ifPresent(output::sendAlterPartition);
    }

    private void completeWaitingProduces(HostedPartition partition) {
        complete(partition.purgatory.onHighWatermark(partition.leader.highWatermark()));
    }

    private void complete(List<ProducePurgatory.Completion> completions) {
        for (ProducePurgatory.Completion completion : completions) {
            Long baseOffset = baseOffsets.remove(completion.requestId());
            long base = baseOffset == null ? -1L : baseOffset;
            ProduceResult result = completion.error() == ReplicationError.NONE ? ProduceResult.appended(base)
                    : new ProduceResult(completion.error(), base, describe(completion.error()));
            output.produceCompleted(completion.requestId(), result);
        }
    }

    private static String describe(ReplicationError error) {
        return switch (error) {
            case NOT_ENOUGH_REPLICAS_AFTER_APPEND -> "appended, but the ISR shrank below min.insync.replicas before "
                    + "every in-sync replica held the records";
            case REQUEST_TIMED_OUT -> "appended, but the high watermark did not reach the records within the timeout";
            case NOT_LEADER_OR_FOLLOWER -> "appended, but leadership moved before the records were committed";
            default -> error.name();
        };
    }

    // ------------------------------------------------------------------ time

    /** Expires parked fetches and produces, shrinks ISRs of lagging followers, retries AlterPartitions, fetches. */
    public void tick(long nowMs) {
        flush(nowMs);
        List<DelayedFetch> expired = new ArrayList<>();
        for (DelayedFetch delayed : List.copyOf(delayedFetches.values())) {
            if (delayed.deadlineMs() <= nowMs) {
                expired.add(unpark(delayed.requestId()));
            }
        }
        for (DelayedFetch delayed : expired) {
            output.fetchCompleted(delayed.requestId(), readForFetch(delayed.request(), nowMs));
        }
        boolean checkIsr = nowMs >= nextIsrCheckMs;
        if (checkIsr) {
            nextIsrCheckMs = nowMs + Math.max(1, config.replicaLagTimeMaxMs() / 2);
        }
        for (HostedPartition partition : hosted.values()) {
            if (!partition.isLeader()) {
                continue;
            }
            complete(partition.purgatory.expire(nowMs));
            if (partition.alterPartitionRetryAtMs >= 0 && nowMs >= partition.alterPartitionRetryAtMs) {
                partition.alterPartitionRetryAtMs = -1;
                partition.leader.inFlightProposal().ifPresent(output::sendAlterPartition);
            }
            if (checkIsr) {
                partition.leader.maybeShrinkIsr(nowMs, config.replicaLagTimeMaxMs()).ifPresent(output::sendAlterPartition);
            }
        }
        sendFetches(nowMs);
    }

    /** When {@link #tick} next has work; the driver may also tick earlier. */
    public long nextWakeupMs() {
        long next = nextIsrCheckMs;
        for (DelayedFetch delayed : delayedFetches.values()) {
            next = Math.min(next, delayed.deadlineMs());
        }
        for (HostedPartition partition : hosted.values()) {
            if (partition.isLeader()) {
                next = Math.min(next, partition.purgatory.nextDeadlineMs().orElse(Long.MAX_VALUE));
                if (partition.alterPartitionRetryAtMs >= 0) {
                    next = Math.min(next, partition.alterPartitionRetryAtMs);
                }
            }
        }
        for (Fetcher fetcher : fetchers.values()) {
            if (fetcher.inFlightFetchId < 0 && !fetcher.partitions.isEmpty()) {
                long earliestPartition = Long.MAX_VALUE;
                for (PartitionKey key : fetcher.partitions) {
                    earliestPartition = Math.min(earliestPartition, hosted.get(key).fetchBackoffUntilMs);
                }
                next = Math.min(next, Math.max(fetcher.backoffUntilMs, earliestPartition));
            }
        }
        return next;
    }

    // ------------------------------------------------------------------ failures and views

    private void replicaFailed(PartitionKey key, TopicPartition topicPartition, RuntimeException failure, long nowMs) {
        HostedPartition partition = hosted.get(key);
        String reason = "taking its role failed: " + failure;
        if (partition != null) {
            if (partition.failure == null) {
                failReplica(partition, reason, nowMs);
            }
        } else if (unopenable.put(key, reason) == null) {
            output.partitionFailed(topicPartition, reason);
        }
    }

    private void failReplica(HostedPartition partition, String reason, long nowMs) {
        stopRole(partition, ReplicationError.KAFKA_STORAGE_ERROR, nowMs);
        partition.failure = reason;
        output.partitionFailed(partition.topicPartition, reason);
    }

    /** A broker the controller would accept into an ISR now, by this broker's image. */
    private boolean isIsrEligible(int brokerId) {
        BrokerRegistration broker = image.cluster().broker(brokerId);
        return broker != null && broker.isActive();
    }

    private PartitionRegistration registration(PartitionKey key) {
        TopicImage topic = image.topics().topic(key.topicId());
        if (topic == null || key.partition() >= topic.partitionCount()) {
            return null;
        }
        return topic.partition(key.partition());
    }

    private int minInsyncReplicas(String topic) {
        return image.configs().topicValue(topic, "min.insync.replicas").map(value -> {
            try {
                int parsed = Integer.parseInt(value.trim());
                return parsed >= 1 ? parsed : config.minInsyncReplicas();
            } catch (NumberFormatException malformed) {
                return config.minInsyncReplicas();
            }
        }).orElse(config.minInsyncReplicas());
    }

    private boolean uncleanLeaderElectionEnable(String topic) {
        return image.configs().topicValue(topic, "unclean.leader.election.enable")
                .map(value -> value.trim().equalsIgnoreCase("true"))
                .orElse(config.uncleanLeaderElectionEnable());
    }

    /** The HW each replica here knows, for the checkpoint (failed replicas left out). */
    public Map<TopicPartition, Long> highWatermarks() {
        Map<TopicPartition, Long> marks = new LinkedHashMap<>();
        for (HostedPartition partition : hosted.values()) {
            if (partition.failure == null) {
                marks.put(partition.topicPartition, partition.knownHighWatermark());
            }
        }
        return marks;
    }

    /** The replicas hosted here, in key order. */
    public List<ReplicaView> replicas() {
        List<ReplicaView> views = new ArrayList<>(hosted.size());
        for (HostedPartition partition : hosted.values()) {
            views.add(view(partition));
        }
        return views;
    }

    public Optional<ReplicaView> replica(PartitionKey key) {
        return Optional.ofNullable(hosted.get(key)).map(ReplicaManager::view);
    }

    private static ReplicaView view(HostedPartition partition) {
        if (partition.isLeader()) {
            Partition leader = partition.leader;
            return new ReplicaView(partition.key, partition.topicPartition, Role.LEADER, leader.leaderEpoch(),
                    leader.highWatermark(), partition.log.endOffset(), leader.isrState().isr(),
                    leader.isrState().maximalIsr(), leader.minInsyncReplicas(), false);
        }
        if (partition.isFollower()) {
            return new ReplicaView(partition.key, partition.topicPartition, Role.FOLLOWER,
                    partition.follower.leaderEpoch(), partition.follower.highWatermark(), partition.log.endOffset(),
                    List.of(), List.of(), 0, false);
        }
        return new ReplicaView(partition.key, partition.topicPartition, Role.NONE, -1, partition.highWatermark,
                partition.log.endOffset(), List.of(), List.of(), 0, partition.failure != null);
    }

    public ReplicationStats stats() {
        int leaders = 0;
        int followers = 0;
        int underReplicated = 0;
        int underMinIsr = 0;
        int atMinIsr = 0;
        int offline = 0;
        for (HostedPartition partition : hosted.values()) {
            if (partition.failure != null) {
                offline++;
            } else if (partition.isFollower()) {
                followers++;
            } else if (partition.isLeader()) {
                leaders++;
                int isrSize = partition.leader.isrState().isr().size();
                underReplicated += isrSize < partition.leader.replicas().size() ? 1 : 0;
                underMinIsr += isrSize < partition.leader.minInsyncReplicas() ? 1 : 0;
                atMinIsr += isrSize == partition.leader.minInsyncReplicas() ? 1 : 0;
            }
        }
        offline += unopenable.size();
        return new ReplicationStats(leaders, followers, underReplicated, underMinIsr, atMinIsr, offline, isrShrinks,
                isrExpands, uncleanLeaderships, uncleanTruncatedOffsets);
    }

    public int brokerId() {
        return brokerId;
    }

    public long brokerEpoch() {
        return brokerEpoch;
    }

    /** Whether the image holds this broker's current registration, so it acts on partitions. */
    public boolean isReady() {
        return ready;
    }

    public MetadataImage image() {
        return image;
    }
}

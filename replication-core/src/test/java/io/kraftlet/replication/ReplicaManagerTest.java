package io.kraftlet.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.controller.ApiError;
import io.kraftlet.controller.ControllerApi.PartitionChangeProposal;
import io.kraftlet.controller.ControllerApi.PartitionChangeResult;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.MetadataRecord;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.raft.Batch;
import io.kraftlet.replication.log.MemoryPartitionLog;
import io.kraftlet.replication.log.PartitionLog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Scenario tests of {@link ReplicaManager}: three brokers' managers over memory logs, with the
 * messages between them delivered by hand, and images built from metadata records.
 */
class ReplicaManagerTest {
    private static final String TOPIC = "orders";
    private static final UUID TOPIC_ID = new UUID(7, 7);
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final ReplicaManager.PartitionKey KEY = new ReplicaManager.PartitionKey(TOPIC_ID, 0);
    private static final long PRODUCE_TIMEOUT_MS = 60_000;
    private static final ReplicationConfig CONFIG = ReplicationConfig.DEFAULT.withReplicaLagTimeMaxMs(10_000);

    /** What one manager asked for, in order. */
    private static final class Recorder implements ReplicaOutput {
        final Map<Long, ProduceResult> produced = new LinkedHashMap<>();
        final Map<Long, ReplicaFetchResponse> fetchAnswers = new LinkedHashMap<>();
        final List<Object[]> fetchesSent = new ArrayList<>();
        final List<PartitionChangeProposal> proposals = new ArrayList<>();
        final List<String> reports = new ArrayList<>();

        @Override
        public void produceCompleted(long requestId, ProduceResult result) {
            produced.put(requestId, result);
        }

        @Override
        public void fetchCompleted(long requestId, ReplicaFetchResponse response) {
            fetchAnswers.put(requestId, response);
        }

        @Override
        public void sendFetch(int leaderId, long fetchId, ReplicaFetchRequest request) {
            fetchesSent.add(new Object[] {leaderId, fetchId, request});
        }

        @Override
        public void sendAlterPartition(PartitionChangeProposal proposal) {
            proposals.add(proposal);
        }

        @Override
        public void uncleanTruncation(TopicPartition partition, long truncatedTo, long highWatermarkBefore) {
            reports.add("truncated " + partition + " to " + truncatedTo + " below HW " + highWatermarkBefore);
        }

        @Override
        public void uncleanLeadership(TopicPartition partition, int leaderEpoch, long logEndOffset) {
            reports.add("unclean leader of " + partition + " in epoch " + leaderEpoch);
        }
    }

    private static final class Store implements LogStore {
        final Map<TopicPartition, MemoryPartitionLog> logs = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        final List<TopicPartition> deleted = new ArrayList<>();

        @Override
        public PartitionLog getOrCreate(TopicPartition partition) {
            return logs.computeIfAbsent(partition, p -> new MemoryPartitionLog());
        }

        @Override
        public void delete(TopicPartition partition) {
            logs.remove(partition);
            deleted.add(partition);
        }
    }

    private static final class Broker {
        final int id;
        final Recorder out = new Recorder();
        final Store store = new Store();
        final ReplicaManager manager;

        Broker(int id) {
            this.id = id;
            this.manager = new ReplicaManager(id, CONFIG, store, out);
        }

        MemoryPartitionLog log() {
            return store.logs.get(TP);
        }
    }

    private final Map<Integer, Broker> brokers = new TreeMap<>();
    private long now = 1_000;
    private long nextRequestId = 1;

    ReplicaManagerTest() {
        for (int id = 1; id <= 3; id++) {
            brokers.put(id, new Broker(id));
        }
    }

    private static MetadataImage image(int leader, List<Integer> isr, int leaderEpoch, int partitionEpoch,
            LeaderRecoveryState recovery, Map<String, String> topicConfigs) {
        return image(leader, isr, leaderEpoch, partitionEpoch, recovery, topicConfigs, -1);
    }

    private static MetadataImage image(int leader, List<Integer> isr, int leaderEpoch, int partitionEpoch,
            LeaderRecoveryState recovery, Map<String, String> topicConfigs, int fencedBroker) {
        List<MetadataRecord> records = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            records.add(new MetadataRecord.RegisterBroker(id, 100 + id, new UUID(id, id),
                    List.of(new Endpoint("PLAINTEXT", "localhost", 9090 + id)), "", id == fencedBroker, false));
        }
        records.add(new MetadataRecord.Topic(TOPIC, TOPIC_ID));
        records.add(new MetadataRecord.Partition(TOPIC_ID, 0, List.of(1, 2, 3), isr, List.of(), List.of(), leader, recovery,
                leaderEpoch, partitionEpoch));
        topicConfigs.forEach((k, v) -> records.add(new MetadataRecord.Config(ConfigResource.topic(TOPIC), k, v)));
        return MetadataImage.fromRecords(records, records.size());
    }

    private void start(MetadataImage image) {
        for (Broker broker : brokers.values()) {
            broker.manager.setBrokerEpoch(100 + broker.id, now);
            broker.manager.applyImage(image, now);
        }
    }

    private void applyToAll(MetadataImage image) {
        brokers.values().forEach(b -> b.manager.applyImage(image, now));
    }

    /** Delivers every fetch sent so far from the given followers, and their answers, once. */
    private void fetchRound(int... followers) {
        for (int follower : followers) {
            Broker from = brokers.get(follower);
            List<Object[]> sent = new ArrayList<>(from.out.fetchesSent);
            from.out.fetchesSent.clear();
            for (Object[] fetch : sent) {
                Broker leader = brokers.get((Integer) fetch[0]);
                long requestId = nextRequestId++;
                leader.manager.handleFetchRequest(requestId, (ReplicaFetchRequest) fetch[2], now);
                ReplicaFetchResponse answer = leader.out.fetchAnswers.remove(requestId);
                if (answer != null) {
                    from.manager.handleFetchResponse((Integer) fetch[0], (Long) fetch[1], answer, now);
                } else {
                    // Parked at the leader: put it back so a later round (after a tick or append) delivers it.
                    parked.put(requestId, new Object[] {follower, fetch[0], fetch[1]});
                }
            }
        }
    }

    private final Map<Long, Object[]> parked = new LinkedHashMap<>();

    /** Delivers answers of parked fetches that the leaders have completed since. */
    private void deliverParked() {
        for (var it = parked.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            Object[] route = entry.getValue();
            Broker leader = brokers.get((Integer) route[1]);
            ReplicaFetchResponse answer = leader.out.fetchAnswers.remove(entry.getKey());
            if (answer != null) {
                it.remove();
                brokers.get((Integer) route[0]).manager.handleFetchResponse((Integer) route[1], (Long) route[2], answer, now);
            }
        }
    }

    private long produce(int brokerId, int acks, String... values) {
        long requestId = nextRequestId++;
        List<byte[]> records = new ArrayList<>();
        for (String value : values) {
            records.add(value.getBytes(StandardCharsets.UTF_8));
        }
        ReplicaManager manager = brokers.get(brokerId).manager;
        manager.produce(requestId, new ProduceRequest(TP, records, acks, PRODUCE_TIMEOUT_MS), now);
        manager.flush(now);
        return requestId;
    }

    private ProduceResult result(int brokerId, long requestId) {
        return brokers.get(brokerId).out.produced.get(requestId);
    }

    private static MetadataImage stableImage(Map<String, String> configs) {
        return image(1, List.of(1, 2, 3), 5, 10, LeaderRecoveryState.RECOVERED, configs);
    }

    @Test
    void rolesFollowTheImageAndFollowersFetchFromTheLeader() {
        start(stableImage(Map.of()));
        assertEquals(ReplicaManager.Role.LEADER, brokers.get(1).manager.replica(KEY).orElseThrow().role());
        assertEquals(ReplicaManager.Role.FOLLOWER, brokers.get(2).manager.replica(KEY).orElseThrow().role());
        assertEquals(1, brokers.get(2).out.fetchesSent.size());
        Object[] fetch = brokers.get(2).out.fetchesSent.get(0);
        assertEquals(1, fetch[0]);
        ReplicaFetchRequest request = (ReplicaFetchRequest) fetch[2];
        assertEquals(102, request.replicaBrokerEpoch());
        assertEquals(5, request.partitions().get(0).currentLeaderEpoch());
        assertEquals(CONFIG.replicaFetchWaitMaxMs(), request.maxWaitMs());
    }

    @Test
    void aBrokerActsOnlyOnceTheImageHoldsItsCurrentRegistration() {
        Broker broker = brokers.get(1);
        broker.manager.applyImage(stableImage(Map.of()), now);
        assertFalse(broker.manager.isReady());
        assertTrue(broker.manager.replicas().isEmpty());
        // An epoch of an earlier incarnation: the image still describes what that one led.
        Broker restarted = new Broker(1);
        restarted.manager.setBrokerEpoch(999, now);
        restarted.manager.applyImage(stableImage(Map.of()), now);
        assertFalse(restarted.manager.isReady());
        assertTrue(restarted.manager.replicas().isEmpty());
        broker.manager.setBrokerEpoch(101, now);
        assertTrue(broker.manager.isReady());
        assertEquals(ReplicaManager.Role.LEADER, broker.manager.replica(KEY).orElseThrow().role());
    }

    @Test
    void acksAllIsAnsweredOnceEveryIsrMemberHoldsTheRecords() {
        start(stableImage(Map.of("min.insync.replicas", "2")));
        fetchRound(2, 3); // followers report LEO 0; nothing to fetch yet, so the fetches park
        long acksAll = produce(1, ProduceAcks.ALL, "a", "b");
        assertTrue(result(1, acksAll) == null, "acks=all waits for the HW");
        deliverParked(); // the append completed the parked fetches with the records
        assertEquals(2, brokers.get(2).log().endOffset());
        assertTrue(result(1, acksAll) == null, "the leader has not seen the followers' new LEO yet");
        fetchRound(2, 3); // next fetches at offset 2 move the HW
        assertEquals(ProduceResult.appended(0), result(1, acksAll));
        assertEquals(2, brokers.get(1).manager.replica(KEY).orElseThrow().highWatermark());
    }

    @Test
    void acksOneAndZeroAreAnsweredOnceTheLeaderFlushed() {
        start(stableImage(Map.of()));
        long one = produce(1, ProduceAcks.LEADER, "x");
        long zero = produce(1, ProduceAcks.NONE, "y");
        assertEquals(ProduceResult.appended(0), result(1, one));
        assertEquals(ProduceResult.appended(1), result(1, zero));
        assertEquals(2, brokers.get(1).log().durableEndOffset());
    }

    @Test
    void produceRefusalsNameWhatWasWrong() {
        start(image(1, List.of(1), 5, 10, LeaderRecoveryState.RECOVERED, Map.of("min.insync.replicas", "2")));
        ProduceResult notEnough = result(1, produce(1, ProduceAcks.ALL, "x"));
        assertEquals(ReplicationError.NOT_ENOUGH_REPLICAS, notEnough.error());
        assertTrue(notEnough.message().contains("min.insync.replicas=2"), notEnough.message());
        assertEquals(0, brokers.get(1).log().endOffset(), "refused before the append");
        assertEquals(ReplicationError.NONE, result(1, produce(1, ProduceAcks.LEADER, "y")).error(),
                "acks=1 still works under min ISR");
        assertEquals(ReplicationError.INVALID_REQUIRED_ACKS, result(1, produce(1, 2, "x")).error());
        assertEquals(ReplicationError.NOT_LEADER_OR_FOLLOWER, result(2, produce(2, 1, "x")).error());
        assertEquals(ReplicationError.INVALID_REQUEST, result(1, produce(1, 1)).error());
        long unknown = nextRequestId++;
        brokers.get(1).manager.produce(unknown, new ProduceRequest(new TopicPartition("nope", 0),
                List.of(new byte[1]), 1, 1000), now);
        assertEquals(ReplicationError.UNKNOWN_TOPIC_OR_PARTITION, result(1, unknown).error());
        long big = nextRequestId++;
        brokers.get(1).manager.produce(big, new ProduceRequest(TP, List.of(new byte[CONFIG.messageMaxBytes() + 1]), 1,
                1000), now);
        assertEquals(ReplicationError.RECORD_LIST_TOO_LARGE, result(1, big).error());
    }

    @Test
    void readsStopAtTheHighWatermarkAndNameTheValidRange() {
        start(stableImage(Map.of()));
        fetchRound(2, 3);
        produce(1, ProduceAcks.LEADER, "a", "b", "c");
        ReadResult beforeReplication = brokers.get(1).manager.read(TP, 0, 1 << 20);
        assertEquals(ReplicationError.NONE, beforeReplication.error());
        assertTrue(beforeReplication.batches().isEmpty(), "nothing below the HW yet");
        deliverParked();
        fetchRound(2, 3);
        ReadResult inside = brokers.get(1).manager.read(TP, 1, 1 << 20);
        assertEquals(3, inside.highWatermark());
        assertEquals(1, inside.batches().size());
        Batch batch = inside.batches().get(0);
        assertEquals(0, batch.baseOffset(), "a read inside a batch gets the whole batch");
        ReadResult outside = brokers.get(1).manager.read(TP, 5, 100);
        assertEquals(ReplicationError.OFFSET_OUT_OF_RANGE, outside.error());
        assertTrue(outside.message().contains("[0, 3]") && outside.message().contains("high watermark 3"), outside.message());
        produce(1, ProduceAcks.LEADER, "d");
        ReadResult notCommitted = brokers.get(1).manager.read(TP, 3, 100);
        assertEquals(ReplicationError.NONE, notCommitted.error(), "held but above the HW: empty, as Kafka answers");
        assertTrue(notCommitted.batches().isEmpty());
        assertEquals(ReplicationError.NOT_LEADER_OR_FOLLOWER, brokers.get(2).manager.read(TP, 0, 100).error());
    }

    @Test
    void fetchesWithAnotherLeaderEpochAreRefused() {
        start(stableImage(Map.of()));
        ReplicaFetchRequest base = (ReplicaFetchRequest) brokers.get(2).out.fetchesSent.get(0)[2];
        FetchPartitionRequest p = base.partitions().get(0);
        for (int[] epochAndError : new int[][] {{4, FetchError.FENCED_LEADER_EPOCH.ordinal()},
                {6, FetchError.UNKNOWN_LEADER_EPOCH.ordinal()}}) {
            FetchPartitionRequest other = new FetchPartitionRequest(p.topicId(), p.partition(), p.replicaId(),
                    p.replicaBrokerEpoch(), epochAndError[0], 0, FetchPartitionRequest.NO_LAST_FETCHED_EPOCH, 1000);
            long requestId = nextRequestId++;
            brokers.get(1).manager.handleFetchRequest(requestId, new ReplicaFetchRequest(2, 102, 500, 1000,
                    List.of(other)), now);
            assertEquals(FetchError.values()[epochAndError[1]],
                    brokers.get(1).out.fetchAnswers.get(requestId).partitions().get(0).response().error());
        }
    }

    @Test
    void aParkedFetchIsAnsweredEmptyAtItsDeadline() {
        start(stableImage(Map.of()));
        fetchRound(2);
        assertEquals(1, parked.size());
        now += CONFIG.replicaFetchWaitMaxMs() - 1;
        brokers.get(1).manager.tick(now);
        deliverParked();
        assertEquals(1, parked.size(), "not before its deadline");
        now += 1;
        brokers.get(1).manager.tick(now);
        deliverParked();
        assertTrue(parked.isEmpty());
        assertEquals(1, brokers.get(2).out.fetchesSent.size(), "the follower fetches again at once");
    }

    @Test
    void aLaggingFollowerIsShrunkAndWaitingProducesFailWhenTheIsrFallsBelowMin() {
        start(stableImage(Map.of("min.insync.replicas", "3")));
        fetchRound(2, 3);
        long waiting = produce(1, ProduceAcks.ALL, "a");
        deliverParked();
        now += CONFIG.replicaLagTimeMaxMs() + 1;
        fetchRound(2); // broker 3 never fetches again
        brokers.get(1).manager.tick(now);
        List<PartitionChangeProposal> proposals = brokers.get(1).out.proposals;
        assertEquals(1, proposals.size());
        PartitionChangeProposal shrink = proposals.get(0);
        assertEquals(List.of(1, 2), shrink.newIsr().stream().map(b -> b.brokerId()).toList());
        assertTrue(result(1, waiting) == null, "the maximal ISR still holds broker 3 while the shrink is in flight");
        brokers.get(1).manager.handleAlterPartitionResponse(shrink, new PartitionChangeResult(TOPIC_ID, 0, ApiError.NONE,
                1, 5, List.of(1, 2), 11, LeaderRecoveryState.RECOVERED), now);
        assertEquals(ReplicationError.NOT_ENOUGH_REPLICAS_AFTER_APPEND, result(1, waiting).error());
        assertEquals(0, result(1, waiting).baseOffset(), "the records were appended");
        ReplicationStats stats = brokers.get(1).manager.stats();
        assertEquals(1, stats.isrShrinks());
        assertEquals(1, stats.underMinIsrPartitionCount());
        assertEquals(1, stats.underReplicatedPartitions());
    }

    @Test
    void aCaughtUpFollowerJoinsTheIsrOnlyWhileTheControllerWouldAcceptIt() {
        start(image(1, List.of(1, 2), 5, 10, LeaderRecoveryState.RECOVERED, Map.of(), 3));
        fetchRound(2, 3);
        assertTrue(brokers.get(1).out.proposals.isEmpty(), "fenced broker 3 is not proposed");
        applyToAll(image(1, List.of(1, 2), 5, 10, LeaderRecoveryState.RECOVERED, Map.of()));
        assertTrue(brokers.get(1).out.proposals.isEmpty());
        // Broker 3's fetch parked at the leader is answered at its deadline; that fetch now counts.
        now += CONFIG.replicaFetchWaitMaxMs();
        brokers.get(1).manager.tick(now);
        List<PartitionChangeProposal> proposals = brokers.get(1).out.proposals;
        assertEquals(1, proposals.size(), proposals.toString());
        assertEquals(List.of(1, 2, 3), proposals.get(0).newIsr().stream().map(b -> b.brokerId()).toList());
        assertEquals(103, proposals.get(0).newIsr().get(2).brokerEpoch(), "the follower's broker epoch from its fetch");
    }

    @Test
    void anIsrChangeTheImageCommitsBeforeTheControllersAnswerIsCountedOnce() {
        start(image(1, List.of(1, 2), 5, 10, LeaderRecoveryState.RECOVERED, Map.of()));
        fetchRound(2, 3);
        now += CONFIG.replicaFetchWaitMaxMs();
        brokers.get(1).manager.tick(now);
        List<PartitionChangeProposal> proposals = brokers.get(1).out.proposals;
        assertEquals(1, proposals.size(), proposals.toString());
        // The controller committed it; the image gets here first, so its answer is stale on arrival.
        applyToAll(image(1, List.of(1, 2, 3), 5, 11, LeaderRecoveryState.RECOVERED, Map.of()));
        brokers.get(1).manager.handleAlterPartitionResponse(proposals.get(0), new PartitionChangeResult(TOPIC_ID, 0,
                ApiError.NONE, 1, 5, List.of(1, 2, 3), 11, LeaderRecoveryState.RECOVERED), now);
        ReplicationStats stats = brokers.get(1).manager.stats();
        assertEquals(1, stats.isrExpands(), stats.toString());
        assertEquals(0, stats.underReplicatedPartitions(), stats.toString());
    }

    @Test
    void aReplicaStartsFromItsCheckpointedHighWatermark() {
        Broker broker = brokers.get(2);
        MemoryPartitionLog log = (MemoryPartitionLog) broker.store.getOrCreate(TP);
        log.appendAsLeader(4, List.of(new byte[1], new byte[1], new byte[1]), 0);
        log.flush();
        LogStore checkpointed = new LogStore() {
            @Override
            public PartitionLog getOrCreate(TopicPartition partition) {
                return broker.store.getOrCreate(partition);
            }

            @Override
            public void delete(TopicPartition partition) {
                broker.store.delete(partition);
            }

            @Override
            public long checkpointedHighWatermark(TopicPartition partition) {
                return 7; // more than the log holds: clamped to its end
            }
        };
        ReplicaManager restarted = new ReplicaManager(2, CONFIG, checkpointed, broker.out);
        restarted.setBrokerEpoch(102, now);
        restarted.applyImage(stableImage(Map.of()), now);
        assertEquals(3, restarted.replica(KEY).orElseThrow().highWatermark());
        assertEquals(Map.of(TP, 3L), restarted.highWatermarks());
    }

    /** A memory log whose flush fails like a dying disk once {@code failing} is set. */
    private static final class FailingFlushLog implements PartitionLog {
        final MemoryPartitionLog log = new MemoryPartitionLog();
        boolean failing;

        @Override public long startOffset() { return log.startOffset(); }
        @Override public long endOffset() { return log.endOffset(); }
        @Override public int latestEpoch() { return log.latestEpoch(); }
        @Override public io.kraftlet.replication.log.LogAppendInfo appendAsLeader(int epoch, List<byte[]> records,
                long timeMs) { return log.appendAsLeader(epoch, records, timeMs); }
        @Override public void appendAsFollower(Batch batch) { log.appendAsFollower(batch); }
        @Override public List<Batch> read(long from, long maxOffset, int maxBytes) { return log.read(from, maxOffset, maxBytes); }
        @Override public long baseOffsetOf(long offset) { return log.baseOffsetOf(offset); }
        @Override public void truncateTo(long offset) { log.truncateTo(offset); }
        @Override public boolean maybeIncrementLogStartOffset(long start) { return log.maybeIncrementLogStartOffset(start); }
        @Override public io.kraftlet.replication.log.EpochEndOffset endOffsetForEpoch(int epoch) {
            return log.endOffsetForEpoch(epoch);
        }
        @Override public void close() { log.close(); }

        @Override
        public long flush() {
            if (failing) {
                throw new java.io.UncheckedIOException(new java.io.IOException("fsync failed: Input/output error"));
            }
            return log.flush();
        }
    }

    @Test
    void aLogThatCannotFlushTakesItsReplicaOfflineAndNamesTheFailure() {
        FailingFlushLog failing = new FailingFlushLog();
        Recorder out = new Recorder();
        List<String> offline = new ArrayList<>();
        ReplicaOutput reporting = new ReplicaOutput() {
            @Override public void produceCompleted(long id, ProduceResult result) { out.produceCompleted(id, result); }
            @Override public void fetchCompleted(long id, ReplicaFetchResponse response) { out.fetchCompleted(id, response); }
            @Override public void sendFetch(int leaderId, long fetchId, ReplicaFetchRequest request) { }
            @Override public void sendAlterPartition(PartitionChangeProposal proposal) { }
            @Override public void partitionFailed(TopicPartition partition, String reason) {
                offline.add(partition + ": " + reason);
            }
        };
        ReplicaManager manager = new ReplicaManager(1, CONFIG, new LogStore() {
            @Override public PartitionLog getOrCreate(TopicPartition partition) { return failing; }
            @Override public void delete(TopicPartition partition) { }
        }, reporting);
        manager.setBrokerEpoch(101, now);
        manager.applyImage(image(1, List.of(1), 5, 10, LeaderRecoveryState.RECOVERED, Map.of()), now);
        manager.produce(1, new ProduceRequest(TP, List.of(new byte[1]), ProduceAcks.LEADER, 1000), now);
        manager.flush(now);
        assertEquals(ReplicationError.NONE, out.produced.get(1L).error());
        failing.failing = true;
        manager.produce(2, new ProduceRequest(TP, List.of(new byte[1]), ProduceAcks.LEADER, 1000), now);
        manager.flush(now);
        ProduceResult lost = out.produced.get(2L);
        assertEquals(ReplicationError.KAFKA_STORAGE_ERROR, lost.error());
        assertTrue(lost.message().contains("fsync failed"), lost.message());
        assertEquals(1, offline.size(), offline.toString());
        assertTrue(offline.get(0).startsWith("orders-0: flush failed"), offline.toString());
        assertEquals(1, manager.stats().offlinePartitionCount());
        ReadResult read = manager.read(TP, 0, 100);
        assertEquals(ReplicationError.KAFKA_STORAGE_ERROR, read.error());
        assertTrue(read.message().contains("offline"), read.message());
    }

    @Test
    void aWaitingProduceTimesOut() {
        start(stableImage(Map.of()));
        long waiting = produce(1, ProduceAcks.ALL, "a");
        now += PRODUCE_TIMEOUT_MS - 1;
        brokers.get(1).manager.tick(now);
        assertTrue(result(1, waiting) == null);
        now += 1;
        brokers.get(1).manager.tick(now);
        assertEquals(ReplicationError.REQUEST_TIMED_OUT, result(1, waiting).error());
    }

    @Test
    void aFullPurgatoryRefusesBeforeTheAppend() {
        Broker broker = new Broker(1);
        ReplicaManager small = new ReplicaManager(1, CONFIG.withMaxWaitingProducesPerPartition(1), broker.store,
                broker.out);
        small.setBrokerEpoch(101, now);
        small.applyImage(stableImage(Map.of()), now);
        small.produce(1, new ProduceRequest(TP, List.of(new byte[1]), -1, 1000), now);
        small.produce(2, new ProduceRequest(TP, List.of(new byte[1]), -1, 1000), now);
        small.flush(now);
        assertEquals(ReplicationError.THROTTLING_QUOTA_EXCEEDED, broker.out.produced.get(2L).error());
        assertEquals(1, broker.store.logs.get(TP).endOffset(), "the refused request was not appended");
    }

    @Test
    void losingLeadershipFailsWaitingProducesAndTheNewFollowerTruncatesItsUncommittedTail() {
        start(stableImage(Map.of()));
        fetchRound(2, 3);
        produce(1, ProduceAcks.ALL, "committed");
        deliverParked();
        fetchRound(2, 3);
        long waiting = produce(1, ProduceAcks.ALL, "only-on-1");
        // Broker 2 becomes leader (epoch 6) without the last record.
        applyToAll(image(2, List.of(2, 3), 6, 11, LeaderRecoveryState.RECOVERED, Map.of()));
        assertEquals(ReplicationError.NOT_LEADER_OR_FOLLOWER, result(1, waiting).error());
        produce(2, ProduceAcks.LEADER, "new-epoch");
        for (int round = 0; round < 4; round++) {
            fetchRound(1, 3);
            deliverParked();
        }
        MemoryPartitionLog oldLeader = brokers.get(1).log();
        assertEquals(brokers.get(2).log().batches().size(), oldLeader.batches().size());
        assertEquals("new-epoch", new String(oldLeader.batches().get(1).records().get(0), StandardCharsets.UTF_8));
        assertTrue(brokers.get(1).out.reports.isEmpty(), "a clean change loses nothing committed");
    }

    @Test
    void anUncleanLeaderRecoversAndFollowersReportWhatTheyDrop() {
        // Broker 3 is out of the ISR and never fetches.
        start(image(1, List.of(1, 2), 5, 10, LeaderRecoveryState.RECOVERED, Map.of()));
        brokers.get(3).out.fetchesSent.clear();
        fetchRound(2);
        long acked = produce(1, ProduceAcks.ALL, "committed-on-1-and-2");
        deliverParked();
        fetchRound(2);
        assertEquals(ProduceResult.appended(0), result(1, acked));
        now += CONFIG.replicaFetchWaitMaxMs();
        brokers.get(1).manager.tick(now);
        deliverParked(); // broker 2 learns HW 1
        assertEquals(1, brokers.get(2).manager.replica(KEY).orElseThrow().highWatermark());
        // Brokers 1 and 2 are unreachable; broker 3 is elected uncleanly.
        parked.clear();
        brokers.get(2).out.fetchesSent.clear();
        applyToAll(image(3, List.of(3), 6, 11, LeaderRecoveryState.RECOVERING, Map.of()));
        assertEquals(List.of("unclean leader of orders-0 in epoch 6"), brokers.get(3).out.reports);
        PartitionChangeProposal recovery = brokers.get(3).out.proposals.get(0);
        assertEquals(LeaderRecoveryState.RECOVERED, recovery.leaderRecoveryState());
        assertEquals(List.of(3), recovery.newIsr().stream().map(b -> b.brokerId()).toList());
        produce(3, ProduceAcks.LEADER, "unclean-truth");
        for (int round = 0; round < 4; round++) {
            fetchRound(1, 2);
            deliverParked();
        }
        assertEquals(List.of("truncated orders-0 to 0 below HW 1"), brokers.get(2).out.reports);
        assertEquals(1, brokers.get(2).manager.stats().uncleanTruncatedOffsets());
        assertEquals("unclean-truth", new String(brokers.get(2).log().batches().get(0).records().get(0),
                StandardCharsets.UTF_8));
    }

    @Test
    void aDeletedTopicStopsItsReplicasAndDeletesTheirLogs() {
        start(stableImage(Map.of()));
        long waiting = produce(1, ProduceAcks.ALL, "x");
        List<MetadataRecord> records = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            records.add(new MetadataRecord.RegisterBroker(id, 100 + id, new UUID(id, id),
                    List.of(new Endpoint("PLAINTEXT", "localhost", 9090 + id)), "", false, false));
        }
        applyToAll(MetadataImage.fromRecords(records, 10));
        assertEquals(ReplicationError.NOT_LEADER_OR_FOLLOWER, result(1, waiting).error());
        for (Broker broker : brokers.values()) {
            assertEquals(List.of(TP), broker.store.deleted);
            assertTrue(broker.manager.replicas().isEmpty());
        }
    }
}

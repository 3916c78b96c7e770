package io.kraftlet.controller;

import static io.kraftlet.controller.TestImages.part;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.image.MetadataImage;
import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.MetadataRecord;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.raft.LeaderAndEpoch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/**
 * The controller core driven by hand: the test plays the Raft log, committing exactly the
 * records of the appends the controller emitted and feeding back the replayed image.
 */
class QuorumControllerTest {
    private static final int NODE = 1;
    private static final int RECORD_BYTES = 64;
    private static final int SESSION_MS = 9000;

    /** No NoOps, no automatic rebalance, generous append limits, unless a test says otherwise. */
    private static ControllerConfig config(boolean rebalance, long rebalanceIntervalMs, int maxIdleMs,
            int maxAppendBytes, int maxInFlightBytes) {
        return new ControllerConfig(SESSION_MS, 2000, rebalance, rebalanceIntervalMs, maxIdleMs, 1, 1, 1, false,
                maxAppendBytes, maxInFlightBytes, 1000);
    }

    private static final ControllerConfig QUIET = config(false, 300_000, 0, 1 << 20, 4 << 20);

    /** The controller plus a simulated metadata log. */
    static final class Harness {
        final QuorumController controller;
        MetadataImage committed;
        final Deque<ControllerEffects.Append> uncommitted = new ArrayDeque<>();
        final List<ControllerEffects.Append> emitted = new ArrayList<>();
        final Map<Long, ControllerEffects.Reply> replies = new HashMap<>();
        /** Committed records of this test's appends, by offset. */
        final Map<Long, MetadataRecord> log = new HashMap<>();
        long wakeupAtMs;
        private long nextRequestId = 1;

        Harness(ControllerConfig config, MetadataImage initial) {
            controller = new QuorumController(NODE, config, r -> RECORD_BYTES, new Random(11));
            committed = initial;
            controller.handleCommittedImage(initial, 0);
            drain();
        }

        static Harness leader(ControllerConfig config, MetadataImage initial, long nowMs) {
            Harness harness = new Harness(config, initial);
            harness.controller.handleLeaderChange(LeaderAndEpoch.of(NODE, 1), nowMs);
            harness.drain();
            assertTrue(harness.controller.isActive());
            return harness;
        }

        void drain() {
            ControllerEffects effects = controller.drainEffects();
            uncommitted.addAll(effects.appends());
            emitted.addAll(effects.appends());
            for (ControllerEffects.Reply reply : effects.replies()) {
                assertNull(replies.put(reply.requestId(), reply), "request " + reply.requestId() + " answered twice");
            }
            wakeupAtMs = effects.wakeupAtMs();
        }

        long send(LongConsumer command) {
            long id = nextRequestId++;
            command.accept(id);
            drain();
            return id;
        }

        long register(int brokerId, UUID incarnation, long nowMs) {
            return send(id -> controller.registerBroker(id, new ControllerApi.BrokerRegistrationRequest(brokerId,
                    incarnation, TestImages.listeners(brokerId), "", -1), nowMs));
        }

        long createTopics(long nowMs, ControllerApi.NewTopic... topics) {
            return send(id -> controller.createTopics(id, new ControllerApi.CreateTopicsRequest(List.of(topics), false),
                    nowMs));
        }

        long heartbeat(int brokerId, boolean wantShutDown, long nowMs) {
            long epoch = controller.latestImage().cluster().broker(brokerId).epoch();
            return send(id -> controller.brokerHeartbeat(id, new ControllerApi.BrokerHeartbeatRequest(brokerId, epoch,
                    committed.endOffset(), false, wantShutDown), nowMs));
        }

        void tick(long nowMs) {
            controller.tick(nowMs);
            drain();
        }

        /** Commits the oldest emitted append at the end of the log. */
        ControllerEffects.Append commitNext(long nowMs) {
            ControllerEffects.Append append = uncommitted.poll();
            assertNotNull(append, "nothing to commit");
            long base = committed.endOffset();
            for (int i = 0; i < append.records().size(); i++) {
                log.put(base + i, append.records().get(i));
            }
            committed = TestImages.apply(committed, append.records());
            controller.handleCommittedImage(committed, nowMs);
            controller.handleAppendResult(append.appendId(), true, committed.endOffset() - 1, nowMs);
            drain();
            return append;
        }

        void commitAll(long nowMs) {
            while (!uncommitted.isEmpty()) {
                commitNext(nowMs);
            }
        }

        ControllerEffects.Reply reply(long requestId) {
            return replies.get(requestId);
        }

        <T> T response(long requestId, Class<T> type) {
            ControllerEffects.Reply reply = replies.get(requestId);
            assertNotNull(reply, "request " + requestId + " was not answered");
            assertNull(reply.failure(), () -> "request " + requestId + " failed: " + reply.failure());
            return type.cast(reply.response());
        }

        NotControllerException failure(long requestId) {
            ControllerEffects.Reply reply = replies.get(requestId);
            assertNotNull(reply, "request " + requestId + " was not answered");
            return assertInstanceOf(NotControllerException.class, reply.failure());
        }

        List<MetadataRecord> emittedRecords() {
            return emitted.stream().flatMap(a -> a.records().stream()).toList();
        }
    }

    private static MetadataImage twoBrokers() {
        return TestImages.empty().brokers(1, 2).controlRecord().build();
    }

    // ---------------------------------------------------------------- standby

    @Test
    void aStandbyRefusesEveryCommandNamingTheActiveController() {
        Harness harness = new Harness(QUIET, twoBrokers());
        harness.controller.handleLeaderChange(LeaderAndEpoch.of(2, 3), 0);
        List<LongConsumer> commands = List.of(
                id -> harness.controller.registerBroker(id, new ControllerApi.BrokerRegistrationRequest(3,
                        UUID.randomUUID(), TestImages.listeners(3), "", -1), 0),
                id -> harness.controller.brokerHeartbeat(id, new ControllerApi.BrokerHeartbeatRequest(1, 0, 0, false,
                        false), 0),
                id -> harness.controller.alterPartition(id, new ControllerApi.AlterPartitionRequest(1, 0, List.of()), 0),
                id -> harness.controller.createTopics(id, new ControllerApi.CreateTopicsRequest(List.of(
                        ControllerApi.NewTopic.of("t", 1, 1)), false), 0),
                id -> harness.controller.deleteTopics(id, new ControllerApi.DeleteTopicsRequest(List.of("t")), 0),
                id -> harness.controller.electLeaders(id, new ControllerApi.ElectLeadersRequest(ElectionType.PREFERRED,
                        List.of()), 0),
                id -> harness.controller.alterConfigs(id, new ControllerApi.AlterConfigsRequest(List.of(), false), 0));
        for (LongConsumer command : commands) {
            long id = harness.send(command);
            NotControllerException failure = harness.failure(id);
            assertEquals(2, failure.activeController().controllerId());
            assertEquals(3, failure.activeController().epoch());
            assertTrue(failure.getMessage().contains("node 2"), failure.getMessage());
        }
        assertEquals(List.of(), harness.emitted);
        assertFalse(harness.controller.isActive());
        assertEquals(Long.MAX_VALUE, harness.wakeupAtMs, "a standby needs no tick");
    }

    @Test
    void aStandbyWithoutAKnownLeaderSaysSo() {
        Harness harness = new Harness(QUIET, twoBrokers());
        long id = harness.register(3, UUID.randomUUID(), 0);
        assertEquals(-1, harness.failure(id).activeController().controllerId());
    }

    @Test
    void aStandbyFollowsTheCommittedImageAndATickDoesNothing() {
        Harness harness = new Harness(QUIET, twoBrokers());
        MetadataImage next = TestImages.apply(harness.committed, List.of(new MetadataRecord.NoOp()));
        harness.controller.handleCommittedImage(next, 10);
        assertEquals(next, harness.controller.latestImage());
        assertEquals(next, harness.controller.committedImage());
        harness.tick(1_000_000);
        assertEquals(List.of(), harness.emitted);
        assertThrows(IllegalStateException.class, () -> harness.controller.handleCommittedImage(twoBrokers(), 20),
                "the committed log never goes back");
    }

    // ---------------------------------------------------------------- activation and offsets

    @Test
    void becomingLeaderStartsWritingAtTheCommittedEndOffset() {
        MetadataImage initial = twoBrokers();
        Harness harness = Harness.leader(QUIET, initial, 0);
        long id = harness.register(3, new UUID(3, 3), 0);
        ControllerEffects.Append append = harness.emitted.get(0);
        assertEquals(initial.endOffset(), append.expectedLastOffset());
        MetadataRecord.RegisterBroker record = (MetadataRecord.RegisterBroker) append.records().get(0);
        assertEquals(initial.endOffset(), record.brokerEpoch());
        assertNull(harness.reply(id), "not committed yet");
        harness.commitNext(0);
        assertEquals(initial.endOffset(), harness.response(id, ControllerApi.BrokerRegistrationReply.class)
                .brokerEpoch());
    }

    @Test
    void everyRegisteredBrokersEpochIsTheOffsetItsRecordTook() {
        Harness harness = Harness.leader(QUIET, twoBrokers(), 0);
        long topics = harness.createTopics(0, ControllerApi.NewTopic.of("t", 3, 2));
        long first = harness.register(3, new UUID(3, 3), 0);
        long second = harness.register(4, new UUID(4, 4), 0);
        assertEquals(3, harness.uncommitted.size());
        harness.commitAll(0);
        assertTrue(harness.response(topics, ControllerApi.CreateTopicsReply.class).topics().get(0).error().isSuccess());
        for (long id : List.of(first, second)) {
            long epoch = harness.response(id, ControllerApi.BrokerRegistrationReply.class).brokerEpoch();
            MetadataRecord.RegisterBroker atEpoch = assertInstanceOf(MetadataRecord.RegisterBroker.class,
                    harness.log.get(epoch), "the record at offset " + epoch);
            assertEquals(epoch, atEpoch.brokerEpoch());
            assertEquals(epoch, harness.committed.cluster().broker(atEpoch.brokerId()).epoch());
        }
    }

    // ---------------------------------------------------------------- replies wait for the commit

    @Test
    void aWriteIsAnsweredOnlyOnceTheCommittedImageReachesItsLastRecord() {
        // Two topics that cannot share an append: the command's records span two appends.
        ControllerConfig small = config(false, 300_000, 0, 4 * RECORD_BYTES, 100 * RECORD_BYTES);
        Harness harness = Harness.leader(small, twoBrokers(), 0);
        long id = harness.createTopics(0, ControllerApi.NewTopic.of("a", 3, 1), ControllerApi.NewTopic.of("b", 3, 1));
        assertEquals(2, harness.uncommitted.size());
        harness.commitNext(0);
        assertNull(harness.reply(id), "half the command's records are committed");
        assertNotNull(harness.committed.topics().topic("a"));
        harness.commitNext(0);
        assertEquals(2, harness.response(id, ControllerApi.CreateTopicsReply.class).topics().size());
    }

    @Test
    void aReadOnlyAnswerWaitsForEarlierWrites() {
        Harness harness = Harness.leader(QUIET, twoBrokers(), 0);
        long write = harness.createTopics(0, ControllerApi.NewTopic.of("t", 1, 1));
        long read = harness.send(id -> harness.controller.createTopics(id, new ControllerApi.CreateTopicsRequest(
                List.of(ControllerApi.NewTopic.of("u", 1, 1)), true), 0));
        assertEquals(1, harness.uncommitted.size(), "validateOnly writes nothing");
        assertNull(harness.reply(read), "the answer could reflect uncommitted state");
        harness.commitNext(0);
        assertNotNull(harness.reply(write));
        assertTrue(harness.response(read, ControllerApi.CreateTopicsReply.class).topics().get(0).error().isSuccess());

        long idle = harness.send(id -> harness.controller.deleteTopics(id, new ControllerApi.DeleteTopicsRequest(
                List.of("missing")), 0));
        assertNotNull(harness.reply(idle), "with nothing in flight a read is answered at once");
    }

    // ---------------------------------------------------------------- append size

    @Test
    void appendsStayUnderTheLimitWithoutSplittingATopic() {
        ControllerConfig small = config(false, 300_000, 0, 4 * RECORD_BYTES, 100 * RECORD_BYTES);
        Harness harness = Harness.leader(small, twoBrokers(), 0);
        harness.createTopics(0, ControllerApi.NewTopic.of("a", 3, 1),
                new ControllerApi.NewTopic("b", 2, 1, Map.of(), Map.of("min.insync.replicas", "1")),
                ControllerApi.NewTopic.of("c", 1, 1));
        List<Integer> sizes = harness.emitted.stream().map(a -> a.records().size()).toList();
        assertEquals(List.of(4, 4, 2), sizes, "a (4 records), b (4 with its config), c (2)");
        assertTopicsWhole(harness.emitted);
        long expectedLast = twoBrokers().endOffset() - 1;
        for (ControllerEffects.Append append : harness.emitted) {
            expectedLast += append.records().size();
            assertEquals(expectedLast, append.expectedLastOffset());
        }
        harness.commitAll(0);
        assertEquals(Set.of("a", "b", "c"), harness.committed.topics().byName().keySet());
        assertEquals(1, harness.controller.configs().minInsyncReplicas(harness.committed, "b"));
    }

    /**
     * Regression: the split decides at a topic's first record whether that record fits,
     * not whether the topic's whole group fits, so a topic straddling the limit is packed into
     * the previous append and the append exceeds maxAppendBytes.
     */
    @Test
    void packedTopicsStayUnderTheAppendLimit() {
        ControllerConfig small = config(false, 300_000, 0, 6 * RECORD_BYTES, 100 * RECORD_BYTES);
        Harness harness = Harness.leader(small, twoBrokers(), 0);
        harness.createTopics(0, ControllerApi.NewTopic.of("a", 3, 1),
                new ControllerApi.NewTopic("b", 2, 1, Map.of(), Map.of("min.insync.replicas", "1")),
                ControllerApi.NewTopic.of("c", 1, 1));
        assertTopicsWhole(harness.emitted);
        for (ControllerEffects.Append append : harness.emitted) {
            assertTrue(append.records().size() * RECORD_BYTES <= 6 * RECORD_BYTES,
                    "an append of " + append.records().size() * RECORD_BYTES + " bytes exceeds the limit of "
                            + 6 * RECORD_BYTES);
        }
        List<Integer> sizes = harness.emitted.stream().map(a -> a.records().size()).toList();
        assertEquals(List.of(4, 6), sizes, "a (4 records), then b (4) and c (2) together");
    }

    @Test
    void manyPartitionChangesAreSplitUnderTheLimit() {
        TestImages images = TestImages.empty().brokers(1, 2);
        List<TestImages.Part> parts = new ArrayList<>();
        for (int p = 0; p < 10; p++) {
            parts.add(part("t", p).replicas(1, 2).leader(1));
        }
        MetadataImage initial = images.topic("t", parts.toArray(new TestImages.Part[0])).controlRecord().build();
        ControllerConfig small = config(false, 300_000, 0, 4 * RECORD_BYTES, 100 * RECORD_BYTES);
        Harness harness = Harness.leader(small, initial, 0);
        harness.heartbeat(1, true, 0);
        for (ControllerEffects.Append append : harness.emitted) {
            assertTrue(append.records().size() * RECORD_BYTES <= 4 * RECORD_BYTES, append.toString());
        }
        assertEquals(11, harness.emittedRecords().size(), "the shutdown flag and ten leadership moves");
        assertEquals(3, harness.emitted.size());
    }

    /**
     * Regression: Config records never start an append, so an AlterConfigs touching many
     * resources becomes one append larger than maxAppendBytes (the Raft batch limit).
     */
    @Test
    void alterConfigsRecordsAreSplitUnderTheAppendLimit() {
        TestImages images = TestImages.empty().brokers(1, 2);
        for (String topic : List.of("a", "b", "c", "d")) {
            images.topic(topic, List.of(1));
        }
        ControllerConfig small = config(false, 300_000, 0, 2 * RECORD_BYTES, 100 * RECORD_BYTES);
        Harness harness = Harness.leader(small, images.controlRecord().build(), 0);
        List<ControllerApi.ConfigChange> changes = new ArrayList<>();
        for (String topic : List.of("a", "b", "c", "d")) {
            changes.add(new ControllerApi.ConfigChange(ConfigResource.topic(topic), "min.insync.replicas", "1"));
        }
        harness.send(id -> harness.controller.alterConfigs(id, new ControllerApi.AlterConfigsRequest(changes, false),
                0));
        assertEquals(4, harness.emittedRecords().size());
        for (ControllerEffects.Append append : harness.emitted) {
            assertTrue(append.records().size() * RECORD_BYTES <= 2 * RECORD_BYTES,
                    "an append of " + append.records().size() * RECORD_BYTES + " bytes exceeds the limit of "
                            + 2 * RECORD_BYTES);
        }
    }

    /** Every topic's Topic, Partition and Config records are in one append, the Topic record first. */
    private static void assertTopicsWhole(List<ControllerEffects.Append> appends) {
        Map<UUID, Integer> appendOfTopic = new HashMap<>();
        Map<String, Integer> appendOfName = new HashMap<>();
        for (int i = 0; i < appends.size(); i++) {
            for (MetadataRecord record : appends.get(i).records()) {
                if (record instanceof MetadataRecord.Topic topic) {
                    appendOfTopic.put(topic.topicId(), i);
                    appendOfName.put(topic.name(), i);
                } else if (record instanceof MetadataRecord.Partition partition) {
                    assertEquals(Integer.valueOf(i), appendOfTopic.get(partition.topicId()), record.toString());
                } else if (record instanceof MetadataRecord.Config config) {
                    assertEquals(Integer.valueOf(i), appendOfName.get(config.resource().name()), record.toString());
                }
            }
        }
    }

    // ---------------------------------------------------------------- throttling

    @Test
    void tooManyUncommittedBytesAreRefusedWithThrottlingQuotaExceeded() {
        ControllerConfig tight = config(false, 300_000, 0, 4 * RECORD_BYTES, 4 * RECORD_BYTES);
        Harness harness = Harness.leader(tight, twoBrokers(), 0);
        long topics = harness.createTopics(0, ControllerApi.NewTopic.of("t", 3, 1));
        long throttled = harness.register(3, new UUID(3, 3), 0);
        ControllerApi.BrokerRegistrationReply reply = harness.response(throttled,
                ControllerApi.BrokerRegistrationReply.class);
        assertEquals(ControllerError.THROTTLING_QUOTA_EXCEEDED, reply.error().error());
        assertTrue(reply.error().error().retriable());
        assertEquals(1, harness.emitted.size(), "the throttled command appended nothing");
        assertNull(harness.controller.latestImage().cluster().broker(3));

        harness.commitAll(0);
        assertNotNull(harness.reply(topics));
        long retried = harness.register(3, new UUID(3, 3), 0);
        assertEquals(2, harness.emitted.size());
        harness.commitAll(0);
        assertTrue(harness.response(retried, ControllerApi.BrokerRegistrationReply.class).error().isSuccess());
    }

    // ---------------------------------------------------------------- renouncing

    @Test
    void aFailedAppendRenouncesFailsPendingRepliesAndReactivatesOnceNothingIsInFlight() {
        Harness harness = Harness.leader(QUIET, twoBrokers(), 0);
        long topics = harness.createTopics(0, ControllerApi.NewTopic.of("t", 1, 1));
        long registration = harness.register(3, new UUID(3, 3), 0);
        ControllerEffects.Append first = harness.uncommitted.poll();
        ControllerEffects.Append second = harness.uncommitted.poll();

        harness.controller.handleAppendResult(first.appendId(), false, -1, 10);
        harness.drain();
        harness.failure(topics);
        harness.failure(registration);
        assertFalse(harness.controller.isActive());
        assertEquals(1, harness.controller.renounces());
        assertEquals(harness.committed, harness.controller.latestImage(), "the uncommitted view is dropped");
        long refused = harness.createTopics(10, ControllerApi.NewTopic.of("u", 1, 1));
        harness.failure(refused);
        assertEquals(2, harness.emitted.size(), "nothing new is appended while settling");

        harness.controller.handleAppendResult(second.appendId(), false, -1, 20);
        harness.drain();
        assertTrue(harness.controller.isActive(), "nothing in flight and still the leader");
        long again = harness.register(3, new UUID(3, 3), 20);
        ControllerEffects.Append retry = harness.uncommitted.peek();
        assertEquals(harness.committed.endOffset(), retry.expectedLastOffset(), "writes restart at the committed end");
        harness.commitAll(20);
        assertEquals(twoBrokers().endOffset(),
                harness.response(again, ControllerApi.BrokerRegistrationReply.class).brokerEpoch());
    }

    @Test
    void anAppendLandingElsewhereRenouncesAndFailsItsReply() {
        Harness harness = Harness.leader(QUIET, twoBrokers(), 0);
        long id = harness.register(3, new UUID(3, 3), 0);
        ControllerEffects.Append append = harness.uncommitted.poll();
        harness.controller.handleAppendResult(append.appendId(), true, append.expectedLastOffset() + 1, 5);
        harness.drain();
        harness.failure(id);
        assertEquals(1, harness.controller.renounces());
        assertTrue(harness.controller.isActive(), "nothing else was in flight, so it starts again at once");
    }

    /**
     * Regression: after a renounce the controller re-activates only from
     * handleAppendResult or handleLeaderChange. When the renounce comes from handleCommittedImage
     * (the log went past this controller's writes) with nothing in flight, it stays inactive
     * forever although it still leads, refusing every command.
     */
    @Test
    void theControllerReactivatesAfterTheLogPassedItsWritesWithNothingInFlight() {
        Harness harness = Harness.leader(QUIET, twoBrokers(), 0);
        long id = harness.register(3, new UUID(3, 3), 0);
        ControllerEffects.Append append = harness.uncommitted.poll();
        // The append landed one offset later than expected (something else took that offset) ...
        harness.controller.handleAppendResult(append.appendId(), true, append.expectedLastOffset() + 1, 5);
        harness.drain();
        harness.failure(id);
        // ... and then the log, with that other record and our append, is committed.
        harness.committed = TestImages.apply(TestImages.apply(harness.committed, List.of(new MetadataRecord.NoOp())),
                append.records());
        harness.controller.handleCommittedImage(harness.committed, 6);
        harness.drain();
        harness.tick(7);
        assertTrue(harness.controller.isActive(), "the controller still leads and nothing is in flight");
        long next = harness.register(4, new UUID(4, 4), 8);
        assertEquals(harness.committed.endOffset(), harness.uncommitted.peek().expectedLastOffset());
        harness.commitAll(9);
        assertEquals(harness.committed.endOffset() - 1,
                harness.response(next, ControllerApi.BrokerRegistrationReply.class).brokerEpoch());
    }

    @Test
    void leadershipMovingElsewhereRenouncesAndPointsAtTheNewLeader() {
        Harness harness = Harness.leader(QUIET, twoBrokers(), 0);
        long id = harness.register(3, new UUID(3, 3), 0);
        harness.controller.handleLeaderChange(LeaderAndEpoch.of(2, 2), 5);
        harness.drain();
        assertEquals(2, harness.failure(id).activeController().controllerId());
        assertFalse(harness.controller.isActive());
        assertEquals(Long.MAX_VALUE, harness.wakeupAtMs);

        ControllerEffects.Append append = harness.uncommitted.poll();
        harness.controller.handleAppendResult(append.appendId(), true, append.expectedLastOffset(), 6);
        harness.drain();
        assertFalse(harness.controller.isActive(), "no longer the leader: settling does not reactivate it");
        assertEquals(2, harness.failure(harness.register(4, new UUID(4, 4), 7)).activeController().controllerId());
    }

    @Test
    void reElectionInANewEpochRenouncesAndReactivatesOnceSettled() {
        Harness harness = Harness.leader(QUIET, twoBrokers(), 0);
        long id = harness.register(3, new UUID(3, 3), 0);
        harness.controller.handleLeaderChange(LeaderAndEpoch.of(NODE, 2), 5);
        harness.drain();
        harness.failure(id);
        assertFalse(harness.controller.isActive(), "its epoch-1 append is still unsettled");
        ControllerEffects.Append append = harness.uncommitted.poll();
        harness.controller.handleAppendResult(append.appendId(), false, -1, 6);
        harness.drain();
        assertTrue(harness.controller.isActive());
    }

    // ---------------------------------------------------------------- timers

    @Test
    void expiredSessionsAreFencedOnlyAfterAFullSessionFromActivation() {
        MetadataImage initial = TestImages.empty().brokers(1, 2).topic("t", List.of(1, 2)).controlRecord().build();
        Harness harness = Harness.leader(QUIET, initial, 1000);
        assertEquals(1000 + SESSION_MS + 1, harness.wakeupAtMs);
        harness.heartbeat(2, false, 5000);
        harness.tick(1000 + SESSION_MS);
        assertEquals(List.of(), harness.emitted);

        harness.tick(1000 + SESSION_MS + 1);
        assertEquals(1, harness.controller.timedOutHeartbeats());
        MetadataRecord.FenceBroker fence = assertInstanceOf(MetadataRecord.FenceBroker.class,
                harness.emittedRecords().get(0));
        assertEquals(1, fence.brokerId());
        harness.commitAll(1000 + SESSION_MS + 1);
        assertTrue(harness.committed.cluster().broker(1).fenced());
        assertFalse(harness.committed.cluster().broker(2).fenced());
        assertEquals(2, harness.committed.topics().topic("t").partition(0).leader());
        assertEquals(5000 + SESSION_MS + 1, harness.wakeupAtMs);
        harness.tick(5000 + SESSION_MS + 1);
        assertEquals(2, harness.controller.timedOutHeartbeats());
    }

    /**
     * Regression: when the fencing write is throttled, the session is already forgotten,
     * so the same broker "expires" again on each of the 16 fencing rounds of the tick, and on
     * every tick after, inflating timedOutHeartbeats (TimedOutBrokerHeartbeatCount).
     */
    @Test
    void aThrottledFenceCountsTheTimedOutBrokerOnce() {
        ControllerConfig tight = config(false, 300_000, 0, 4 * RECORD_BYTES, 4 * RECORD_BYTES);
        Harness harness = Harness.leader(tight, twoBrokers(), 0);
        harness.heartbeat(2, false, SESSION_MS);
        harness.createTopics(SESSION_MS, ControllerApi.NewTopic.of("t", 3, 1));
        harness.tick(SESSION_MS + 1);
        assertTrue(harness.wakeupAtMs >= SESSION_MS + 1 + QuorumController.THROTTLE_RETRY_MS,
                "a throttled fence backs off instead of ticking every millisecond: " + harness.wakeupAtMs);
        harness.tick(SESSION_MS + 2);
        harness.commitAll(SESSION_MS + 3);
        harness.tick(SESSION_MS + 4);
        harness.commitAll(SESSION_MS + 4);
        assertTrue(harness.committed.cluster().broker(1).fenced());
        assertEquals(1, harness.controller.timedOutHeartbeats(), "one broker timed out once");
    }

    @Test
    void anIdleControllerWritesANoOpEveryMaxIdleInterval() {
        ControllerConfig idle = config(false, 300_000, 500, 1 << 20, 4 << 20);
        Harness harness = Harness.leader(idle, TestImages.empty().controlRecord().build(), 0);
        assertEquals(500, harness.wakeupAtMs);
        harness.tick(499);
        assertEquals(List.of(), harness.emitted);
        harness.tick(500);
        assertEquals(List.of(new MetadataRecord.NoOp()), harness.emittedRecords());
        harness.commitAll(500);
        harness.tick(700);
        harness.register(3, new UUID(3, 3), 700);
        harness.commitAll(700);
        assertEquals(1200, harness.wakeupAtMs, "a write resets the idle clock");
        harness.tick(1199);
        assertEquals(2, harness.emitted.size());
        harness.tick(1200);
        assertEquals(3, harness.emitted.size());
        assertEquals(List.of(new MetadataRecord.NoOp()), harness.emitted.get(2).records());
    }

    private static MetadataImage imbalanced() {
        return TestImages.empty().brokers(1, 2)
                .topic("t", part("t", 0).replicas(1, 2).leader(2), part("t", 1).replicas(2, 1).leader(2))
                .controlRecord().build();
    }

    @Test
    void automaticPreferredElectionsRunEveryCheckIntervalWhenEnabled() {
        ControllerConfig rebalance = new ControllerConfig(1_000_000, 2000, true, 60_000, 0, 1, 1, 1, false,
                1 << 20, 4 << 20, 1000);
        Harness harness = Harness.leader(rebalance, imbalanced(), 0);
        assertEquals(60_000, harness.wakeupAtMs);
        harness.tick(59_999);
        assertEquals(List.of(), harness.emitted);
        harness.tick(60_000);
        MetadataRecord.PartitionChange change = assertInstanceOf(MetadataRecord.PartitionChange.class,
                harness.emittedRecords().get(0));
        assertEquals(Integer.valueOf(1), change.leader());
        assertEquals(0, change.partitionId());
        assertEquals(1, harness.emittedRecords().size());
        harness.commitAll(60_000);
        assertEquals(120_000, harness.wakeupAtMs);
        assertEquals(0, ReplicationControlManager.preferredReplicaImbalance(harness.committed));
    }

    @Test
    void noAutomaticPreferredElectionsWhenDisabled() {
        ControllerConfig off = new ControllerConfig(1_000_000, 2000, false, 60_000, 0, 1, 1, 1, false,
                1 << 20, 4 << 20, 1000);
        Harness harness = Harness.leader(off, imbalanced(), 0);
        harness.tick(60_000);
        harness.tick(120_000);
        harness.tick(600_000);
        assertEquals(List.of(), harness.emitted);
    }

    // ---------------------------------------------------------------- counters

    @Test
    void uncleanElectionsAreCounted() {
        MetadataImage initial = TestImages.empty().brokers(1, 2)
                .topic("t", part("t", 0).replicas(1, 2).isr(1).leader(-1)).fence(1)
                .topicConfig("t", "unclean.leader.election.enable", "true").controlRecord().build();
        Harness harness = Harness.leader(QUIET, initial, 0);
        long id = harness.send(r -> harness.controller.electLeaders(r, new ControllerApi.ElectLeadersRequest(
                ElectionType.UNCLEAN, List.of(new TopicPartition("t", 0))), 0));
        assertEquals(1, harness.controller.uncleanElections());
        harness.commitAll(0);
        assertEquals(2, harness.response(id, ControllerApi.ElectLeadersReply.class).partitions().get(0).leader());
        assertEquals(LeaderRecoveryState.RECOVERING, harness.committed.topics().topic("t").partition(0)
                .leaderRecoveryState());
    }

    @Test
    void turningUncleanElectionOnElectsOfflinePartitionsAndCountsThem() {
        MetadataImage initial = TestImages.empty().brokers(1, 2)
                .topic("t", part("t", 0).replicas(1, 2).isr(1).leader(-1)).fence(1).controlRecord().build();
        Harness harness = Harness.leader(QUIET, initial, 0);
        long id = harness.send(r -> harness.controller.alterConfigs(r, new ControllerApi.AlterConfigsRequest(List.of(
                new ControllerApi.ConfigChange(ConfigResource.topic("t"), "unclean.leader.election.enable", "true")),
                false), 0));
        harness.commitAll(0);
        assertTrue(harness.response(id, ControllerApi.AlterConfigsReply.class).resources().get(0).error().isSuccess());
        assertEquals(2, harness.committed.topics().topic("t").partition(0).leader());
        assertEquals(1, harness.controller.uncleanElections());
        assertEquals(0, harness.controller.timedOutHeartbeats());
    }

    @Test
    void requestIdsOfRepliesAreThoseOfTheRequests() {
        Harness harness = Harness.leader(QUIET, twoBrokers(), 0);
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            ids.add(harness.register(10 + i, new UUID(10, i), 0));
        }
        harness.commitAll(0);
        assertEquals(ids, harness.replies.keySet());
    }
}

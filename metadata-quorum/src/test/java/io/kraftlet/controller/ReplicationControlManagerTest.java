package io.kraftlet.controller;

import static io.kraftlet.controller.TestImages.part;
import static io.kraftlet.controller.TestImages.topicId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.image.TopicImage;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.MetadataRecord;
import io.kraftlet.metadata.TopicPartition;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Topic creation and deletion, AlterPartition checks and their order, elections and broker changes. */
class ReplicationControlManagerTest {
    private static final int RECORD_BYTES = 64;

    private static ReplicationControlManager manager(ControllerConfig config) {
        return new ReplicationControlManager(config, new ConfigurationControlManager(config), new Random(42),
                r -> RECORD_BYTES);
    }

    private static ReplicationControlManager manager() {
        return manager(ControllerConfig.DEFAULT);
    }

    private static PartitionRegistration partition(MetadataImage image, String topic, int p) {
        return image.topics().topic(topic).partition(p);
    }

    private static <T> T only(List<T> list) {
        assertEquals(1, list.size(), "expected exactly one element: " + list);
        return list.get(0);
    }

    // ================================================================ createTopics

    @Nested
    class CreateTopics {
        private final MetadataImage threeBrokers = TestImages.empty().brokers(1, 2, 3).build();

        private ControllerResult<ControllerApi.CreateTopicsReply> create(MetadataImage image,
                ControllerApi.NewTopic... topics) {
            return manager().createTopics(image, new ControllerApi.CreateTopicsRequest(List.of(topics), false));
        }

        private ApiError errorOf(ControllerApi.NewTopic topic) {
            ControllerResult<ControllerApi.CreateTopicsReply> result = create(threeBrokers, topic);
            ApiError error = only(result.response().topics()).error();
            if (!error.isSuccess()) {
                assertEquals(List.of(), result.records(), "a refused topic writes nothing");
            }
            return error;
        }

        @Test
        void roundRobinPlacementSpreadsLeadersAndReplicasEvenlyWithDistinctReplicas() {
            MetadataImage image = TestImages.empty().brokers(1, 2, 3, 4).build();
            ControllerResult<ControllerApi.CreateTopicsReply> result = create(image, ControllerApi.NewTopic.of("t", 8, 3));
            ControllerApi.CreatedTopic created = only(result.response().topics());
            assertTrue(created.error().isSuccess(), created.error().toString());
            assertEquals(8, created.numPartitions());
            assertEquals(3, created.replicationFactor());
            assertNotNull(created.topicId());

            MetadataImage after = TestImages.apply(image, result.records());
            TopicImage topic = after.topics().topic("t");
            assertEquals(created.topicId(), topic.id());
            Map<Integer, Integer> leaders = new HashMap<>();
            Map<Integer, Integer> replicas = new HashMap<>();
            for (PartitionRegistration p : topic.partitions()) {
                assertEquals(3, p.replicaCount());
                assertEquals(3, new HashSet<>(p.replicas()).size(), "replicas must be distinct: " + p);
                assertEquals(p.replicas(), p.isr(), "a new partition's ISR is its live replicas");
                assertEquals(p.preferredLeader(), p.leader());
                assertEquals(0, p.leaderEpoch());
                assertEquals(0, p.partitionEpoch());
                leaders.merge(p.leader(), 1, Integer::sum);
                p.replicas().forEach(id -> replicas.merge(id, 1, Integer::sum));
            }
            assertEquals(Map.of(1, 2, 2, 2, 3, 2, 4, 2), leaders, "8 partitions over 4 brokers: 2 leaders each");
            assertEquals(Map.of(1, 6, 2, 6, 3, 6, 4, 6), replicas, "24 replicas over 4 brokers: 6 each");
        }

        @Test
        void roundRobinIsKafkasShiftedPlacement() {
            assertEquals(List.of(List.of(1, 2), List.of(2, 3), List.of(3, 1), List.of(1, 3), List.of(2, 1)),
                    ReplicationControlManager.roundRobin(List.of(1, 2, 3), 5, 2, 0, 0));
            assertEquals(List.of(List.of(3, 2, 1), List.of(1, 3, 2)),
                    ReplicationControlManager.roundRobin(List.of(1, 2, 3), 2, 3, 2, 1));
        }

        @Test
        void placementUsesOnlyActiveBrokers() {
            MetadataImage image = TestImages.empty().brokers(1, 2, 3).fencedBroker(4).shuttingDownBroker(5).build();
            ControllerResult<ControllerApi.CreateTopicsReply> result = create(image, ControllerApi.NewTopic.of("t", 12, 3));
            MetadataImage after = TestImages.apply(image, result.records());
            for (PartitionRegistration p : after.topics().topic("t").partitions()) {
                assertTrue(Set.of(1, 2, 3).containsAll(p.replicas()), "placed on a fenced or shutting-down broker: " + p);
            }
        }

        @Test
        void theSameSeedGivesTheSameTopicIdAndPlacement() {
            MetadataImage image = TestImages.empty().brokers(1, 2, 3, 4, 5).build();
            List<MetadataRecord> first = create(image, ControllerApi.NewTopic.of("t", 7, 2)).records();
            List<MetadataRecord> second = create(image, ControllerApi.NewTopic.of("t", 7, 2)).records();
            assertEquals(first, second);
        }

        @Test
        void minusOneMeansTheClusterDefaults() {
            ControllerConfig config = ControllerConfig.DEFAULT.withTopicDefaults(3, 2, 1, false);
            ControllerResult<ControllerApi.CreateTopicsReply> result = manager(config).createTopics(threeBrokers,
                    new ControllerApi.CreateTopicsRequest(List.of(ControllerApi.NewTopic.of("t", -1, -1)), false));
            ControllerApi.CreatedTopic created = only(result.response().topics());
            assertEquals(3, created.numPartitions());
            assertEquals(2, created.replicationFactor());
            assertEquals(3, TestImages.apply(threeBrokers, result.records()).topics().topic("t").partitionCount());
        }

        @Test
        void explicitAssignmentIsUsedAsGivenAndFencedReplicasStartOutsideTheIsr() {
            MetadataImage image = TestImages.empty().brokers(1, 2, 3).fencedBroker(4).build();
            ControllerApi.NewTopic topic = new ControllerApi.NewTopic("t", -1, -1,
                    Map.of(0, List.of(3, 1), 1, List.of(4, 2)), Map.of());
            ControllerResult<ControllerApi.CreateTopicsReply> result = create(image, topic);
            ControllerApi.CreatedTopic created = only(result.response().topics());
            assertTrue(created.error().isSuccess(), created.error().toString());
            assertEquals(2, created.numPartitions());
            assertEquals(2, created.replicationFactor());
            MetadataImage after = TestImages.apply(image, result.records());
            assertEquals(List.of(3, 1), partition(after, "t", 0).replicas());
            assertEquals(3, partition(after, "t", 0).leader());
            assertEquals(List.of(4, 2), partition(after, "t", 1).replicas());
            assertEquals(List.of(2), partition(after, "t", 1).isr());
            assertEquals(2, partition(after, "t", 1).leader());
        }

        @Test
        void topicConfigsAreWrittenWithTheTopic() {
            ControllerResult<ControllerApi.CreateTopicsReply> result = create(threeBrokers, new ControllerApi.NewTopic("t",
                    1, 1, Map.of(), Map.of("min.insync.replicas", " 2 ", "unclean.leader.election.enable", "TRUE")));
            MetadataImage after = TestImages.apply(threeBrokers, result.records());
            ConfigurationControlManager configs = new ConfigurationControlManager(ControllerConfig.DEFAULT);
            assertEquals(2, configs.minInsyncReplicas(after, "t"));
            assertTrue(configs.uncleanLeaderElectionEnabled(after, "t"));
            assertTrue(result.records().get(0) instanceof MetadataRecord.Topic, "the Topic record comes first");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", ".", "..", "a b", "a/b", "t\u00e9", "topic*", "x:y"})
        void invalidNamesAreRefused(String name) {
            ApiError error = errorOf(ControllerApi.NewTopic.of(name, 1, 1));
            assertEquals(ControllerError.INVALID_TOPIC_EXCEPTION, error.error(), name);
        }

        @Test
        void namesLongerThan249CharactersAreRefused() {
            assertEquals(ControllerError.INVALID_TOPIC_EXCEPTION,
                    errorOf(ControllerApi.NewTopic.of("a".repeat(250), 1, 1)).error());
            assertTrue(errorOf(ControllerApi.NewTopic.of("a".repeat(249), 1, 1)).isSuccess());
            assertTrue(errorOf(ControllerApi.NewTopic.of("Legal.name_with-1", 1, 1)).isSuccess());
        }

        @Test
        void aNameTwiceInOneRequestIsRefusedAndNeverCreatedTwice() {
            ControllerResult<ControllerApi.CreateTopicsReply> result = create(threeBrokers,
                    ControllerApi.NewTopic.of("t", 1, 1), ControllerApi.NewTopic.of("t", 2, 1));
            assertEquals(ControllerError.INVALID_REQUEST, result.response().topics().get(1).error().error());
            assertEquals(1, result.records().stream().filter(r -> r instanceof MetadataRecord.Topic).count());
            TestImages.apply(threeBrokers, result.records()); // replays without a duplicate topic
        }

        @Test
        void anExistingTopicIsRefused() {
            MetadataImage image = TestImages.empty().brokers(1, 2, 3).topic("t", List.of(1)).build();
            ControllerResult<ControllerApi.CreateTopicsReply> result = create(image, ControllerApi.NewTopic.of("t", 1, 1));
            assertEquals(ControllerError.TOPIC_ALREADY_EXISTS, only(result.response().topics()).error().error());
            assertEquals(List.of(), result.records());
        }

        @Test
        void aReplicationFactorAboveTheLiveBrokersIsRefusedNamingBothNumbers() {
            MetadataImage image = TestImages.empty().brokers(1, 2, 3).fencedBroker(4).build();
            ControllerResult<ControllerApi.CreateTopicsReply> result = create(image, ControllerApi.NewTopic.of("t", 1, 4));
            ApiError error = only(result.response().topics()).error();
            assertEquals(ControllerError.INVALID_REPLICATION_FACTOR, error.error());
            assertTrue(error.message().contains("4") && error.message().contains("3"), error.message());
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -2, -100})
        void aPartitionCountBelowOneIsRefused(int partitions) {
            assertEquals(ControllerError.INVALID_PARTITIONS,
                    errorOf(ControllerApi.NewTopic.of("t", partitions, 1)).error());
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -2, -100})
        void aReplicationFactorBelowOneIsRefused(int replicationFactor) {
            assertEquals(ControllerError.INVALID_REPLICATION_FACTOR,
                    errorOf(ControllerApi.NewTopic.of("t", 1, replicationFactor)).error());
        }

        @Test
        void assignmentErrorsAreRefused() {
            MetadataImage image = TestImages.empty().brokers(1, 2, 3).fencedBroker(4).fencedBroker(5).build();
            List<Map<Integer, List<Integer>>> bad = List.of(
                    Map.of(0, List.of(1), 2, List.of(2)),           // partition 1 missing
                    Map.of(0, List.of()),                          // no replicas
                    Map.of(0, List.of(1, 1)),                      // duplicate replica
                    Map.of(0, List.of(1, 2), 1, List.of(3)),       // different replication factors
                    Map.of(0, List.of(1, 9)),                      // unregistered broker
                    Map.of(0, List.of(4, 5)));                     // no active broker
            for (Map<Integer, List<Integer>> assignment : bad) {
                ControllerResult<ControllerApi.CreateTopicsReply> result = create(image,
                        new ControllerApi.NewTopic("t", -1, -1, assignment, Map.of()));
                assertEquals(ControllerError.INVALID_REPLICA_ASSIGNMENT, only(result.response().topics()).error().error(),
                        assignment.toString());
                assertEquals(List.of(), result.records());
            }
        }

        @Test
        void anAssignmentWithAReplicationFactorOrADifferentCountIsRefused() {
            Map<Integer, List<Integer>> assignment = Map.of(0, List.of(1, 2));
            assertEquals(ControllerError.INVALID_REQUEST,
                    errorOf(new ControllerApi.NewTopic("t", -1, 2, assignment, Map.of())).error());
            assertEquals(ControllerError.INVALID_REQUEST,
                    errorOf(new ControllerApi.NewTopic("t", 3, -1, assignment, Map.of())).error());
            assertTrue(errorOf(new ControllerApi.NewTopic("t", 1, -1, assignment, Map.of())).isSuccess());
        }

        @Test
        void unknownConfigKeysAndBadValuesAreRefused() {
            assertEquals(ControllerError.INVALID_CONFIG, errorOf(new ControllerApi.NewTopic("t", 1, 1, Map.of(),
                    Map.of("retention.ms", "1000"))).error());
            assertEquals(ControllerError.INVALID_CONFIG, errorOf(new ControllerApi.NewTopic("t", 1, 1, Map.of(),
                    Map.of("min.insync.replicas", "0"))).error());
            assertEquals(ControllerError.INVALID_CONFIG, errorOf(new ControllerApi.NewTopic("t", 1, 1, Map.of(),
                    Map.of("unclean.leader.election.enable", "maybe"))).error());
        }

        @Test
        void aTopicWhoseRecordsDoNotFitInOneBatchIsRefused() {
            // 64 bytes a record: a topic of n partitions needs n + 1 records plus one per config.
            ControllerConfig config = ControllerConfig.DEFAULT.withAppendLimits(5 * RECORD_BYTES, 10 * RECORD_BYTES);
            ReplicationControlManager small = manager(config);
            ControllerResult<ControllerApi.CreateTopicsReply> fits = small.createTopics(threeBrokers,
                    new ControllerApi.CreateTopicsRequest(List.of(ControllerApi.NewTopic.of("a", 4, 1)), false));
            assertTrue(only(fits.response().topics()).error().isSuccess());
            assertEquals(5, fits.records().size());

            ControllerResult<ControllerApi.CreateTopicsReply> tooBig = small.createTopics(threeBrokers,
                    new ControllerApi.CreateTopicsRequest(List.of(ControllerApi.NewTopic.of("b", 5, 1),
                            new ControllerApi.NewTopic("c", 3, 1, Map.of(), Map.of("min.insync.replicas", "1",
                                    "unclean.leader.election.enable", "false"))), false));
            for (ControllerApi.CreatedTopic topic : tooBig.response().topics()) {
                assertEquals(ControllerError.INVALID_PARTITIONS, topic.error().error(), topic.name());
                assertTrue(topic.error().message().contains(String.valueOf(5 * RECORD_BYTES)), topic.error().message());
            }
            assertEquals(List.of(), tooBig.records());
        }

        @Test
        void validateOnlyWritesNothingButAnswersAsIfCreated() {
            ControllerResult<ControllerApi.CreateTopicsReply> result = manager().createTopics(threeBrokers,
                    new ControllerApi.CreateTopicsRequest(List.of(ControllerApi.NewTopic.of("t", 4, 2),
                            ControllerApi.NewTopic.of("", 1, 1)), true));
            assertEquals(List.of(), result.records());
            ControllerApi.CreatedTopic ok = result.response().topics().get(0);
            assertTrue(ok.error().isSuccess());
            assertEquals(4, ok.numPartitions());
            assertEquals(2, ok.replicationFactor());
            assertNull(ok.topicId(), "nothing was created, so there is no id");
            assertEquals(ControllerError.INVALID_TOPIC_EXCEPTION, result.response().topics().get(1).error().error());
        }

        @Test
        void oneBadTopicDoesNotStopTheOthers() {
            ControllerResult<ControllerApi.CreateTopicsReply> result = create(threeBrokers,
                    ControllerApi.NewTopic.of("good", 2, 2), ControllerApi.NewTopic.of("bad", 1, 9));
            assertTrue(result.response().topics().get(0).error().isSuccess());
            assertFalse(result.response().topics().get(1).error().isSuccess());
            MetadataImage after = TestImages.apply(threeBrokers, result.records());
            assertNotNull(after.topics().topic("good"));
            assertNull(after.topics().topic("bad"));
        }
    }

    // ================================================================ deleteTopics

    @Test
    void deleteTopicsRemovesKnownTopicsOnceAndRefusesUnknownOnes() {
        MetadataImage image = TestImages.empty().brokers(1).topic("t", List.of(1)).build();
        ControllerResult<ControllerApi.DeleteTopicsReply> result = manager().deleteTopics(image,
                new ControllerApi.DeleteTopicsRequest(List.of("t", "missing", "t")));
        assertEquals(List.of(new MetadataRecord.RemoveTopic(topicId("t"))), result.records());
        assertTrue(result.response().topics().get(0).error().isSuccess());
        assertEquals(ControllerError.UNKNOWN_TOPIC_OR_PARTITION, result.response().topics().get(1).error().error());
        assertNull(TestImages.apply(image, result.records()).topics().topic("t"));
    }

    // ================================================================ AlterPartition

    /**
     * Brokers 1-3 active, 4 fenced, 5 shutting down; 6 is a replica that never registered.
     * Partition t-0: replicas [1..6], ISR [1, 2, 3], leader 1, leader epoch 5, partition epoch 7.
     */
    static final class AlterFixture {
        static final int LEADER_EPOCH = 5;
        static final int PARTITION_EPOCH = 7;
        final TestImages images = TestImages.empty().brokers(1, 2, 3).fencedBroker(4).shuttingDownBroker(5)
                .topic("t", part("t", 0).replicas(1, 2, 3, 4, 5, 6).isr(1, 2, 3).leader(1)
                        .epochs(LEADER_EPOCH, PARTITION_EPOCH));
        final MetadataImage image = images.build();

        ControllerApi.BrokerState member(int id) {
            return new ControllerApi.BrokerState(id, image.cluster().broker(id) == null ? -1 : images.epochOf(id));
        }
    }

    /** A request that every check accepts, which each check's mutation then breaks. */
    static final class AlterCase {
        final AlterFixture fixture;
        int sender = 1;
        long senderEpoch;
        UUID topicId = topicId("t");
        int partition;
        int leaderEpoch = AlterFixture.LEADER_EPOCH;
        int partitionEpoch = AlterFixture.PARTITION_EPOCH;
        final List<ControllerApi.BrokerState> isr = new ArrayList<>();

        AlterCase(AlterFixture fixture) {
            this.fixture = fixture;
            this.senderEpoch = fixture.images.epochOf(1);
            isr.add(fixture.member(1));
            isr.add(fixture.member(2));
        }

        ControllerApi.AlterPartitionRequest request() {
            return new ControllerApi.AlterPartitionRequest(sender, senderEpoch, List.of(
                    new ControllerApi.PartitionChangeProposal(topicId, partition, leaderEpoch, partitionEpoch, isr,
                            LeaderRecoveryState.RECOVERED)));
        }
    }

    /** The AlterPartition checks in the order they apply; each mutation makes exactly its check fail. */
    enum Check {
        SENDER_NOT_REGISTERED(ControllerError.BROKER_ID_NOT_REGISTERED) {
            @Override
            void breakIt(AlterCase c) {
                c.sender = 9;
            }
        },
        STALE_SENDER_EPOCH(ControllerError.STALE_BROKER_EPOCH) {
            @Override
            void breakIt(AlterCase c) {
                c.senderEpoch = c.senderEpoch - 1;
            }
        },
        UNKNOWN_TOPIC(ControllerError.UNKNOWN_TOPIC_ID) {
            @Override
            void breakIt(AlterCase c) {
                c.topicId = new UUID(1, 2);
            }
        },
        UNKNOWN_PARTITION(ControllerError.UNKNOWN_TOPIC_OR_PARTITION) {
            @Override
            void breakIt(AlterCase c) {
                c.partition = 3;
            }
        },
        FUTURE_EPOCH(ControllerError.NOT_CONTROLLER) {
            @Override
            void breakIt(AlterCase c) {
                if (c.leaderEpoch < AlterFixture.LEADER_EPOCH) {
                    c.partitionEpoch = AlterFixture.PARTITION_EPOCH + 1; // the leader epoch is already stale
                } else {
                    c.leaderEpoch = AlterFixture.LEADER_EPOCH + 1;
                }
            }
        },
        STALE_LEADER_EPOCH(ControllerError.FENCED_LEADER_EPOCH) {
            @Override
            void breakIt(AlterCase c) {
                c.leaderEpoch = AlterFixture.LEADER_EPOCH - 1;
            }
        },
        SENDER_NOT_LEADER(ControllerError.NOT_LEADER_OR_FOLLOWER) {
            @Override
            void breakIt(AlterCase c) {
                c.sender = 2;
                c.senderEpoch = c.fixture.images.epochOf(2);
            }
        },
        STALE_PARTITION_EPOCH(ControllerError.INVALID_UPDATE_VERSION) {
            @Override
            void breakIt(AlterCase c) {
                c.partitionEpoch = AlterFixture.PARTITION_EPOCH - 1;
            }
        },
        LEADER_NOT_IN_NEW_ISR(ControllerError.INVALID_REQUEST) {
            @Override
            void breakIt(AlterCase c) {
                c.isr.removeIf(member -> member.brokerId() == 1);
            }
        },
        INELIGIBLE_MEMBER(ControllerError.INELIGIBLE_REPLICA) {
            @Override
            void breakIt(AlterCase c) {
                c.isr.add(c.fixture.member(4));
            }
        };

        final ControllerError error;

        Check(ControllerError error) {
            this.error = error;
        }

        abstract void breakIt(AlterCase c);
    }

    /** The request-level error if any, else the partition's. */
    private static ControllerError reported(ControllerApi.AlterPartitionReply reply) {
        if (!reply.error().isSuccess()) {
            assertEquals(List.of(), reply.partitions());
            return reply.error().error();
        }
        return only(reply.partitions()).error().error();
    }

    private static ControllerResult<ControllerApi.AlterPartitionReply> alter(AlterCase c) {
        return manager().alterPartition(c.fixture.image, c.request());
    }

    @Test
    void theUnbrokenAlterPartitionRequestIsAccepted() {
        ControllerResult<ControllerApi.AlterPartitionReply> result = alter(new AlterCase(new AlterFixture()));
        assertEquals(ControllerError.NONE, reported(result.response()));
        assertEquals(1, result.records().size());
    }

    @ParameterizedTest
    @EnumSource(Check.class)
    void eachAlterPartitionCheckReportsItsError(Check check) {
        AlterCase c = new AlterCase(new AlterFixture());
        check.breakIt(c);
        ControllerResult<ControllerApi.AlterPartitionReply> result = alter(c);
        assertEquals(check.error, reported(result.response()), check.name());
        assertEquals(List.of(), result.records(), "a refused proposal writes nothing");
    }

    static Stream<Arguments> pairsOfChecks() {
        List<Arguments> pairs = new ArrayList<>();
        for (Check earlier : Check.values()) {
            for (Check later : Check.values()) {
                if (earlier.ordinal() < later.ordinal()) {
                    pairs.add(Arguments.of(earlier, later));
                }
            }
        }
        return pairs.stream();
    }

    /** A request failing two checks reports the one that comes first (DESIGN §3). */
    @ParameterizedTest(name = "{0} before {1}")
    @MethodSource("pairsOfChecks")
    void aRequestFailingTwoChecksReportsTheEarlierOne(Check earlier, Check later) {
        AlterCase c = new AlterCase(new AlterFixture());
        // Later checks first, so that a mutation of the sender (not registered, stale epoch) wins
        // over SENDER_NOT_LEADER's, and FUTURE_EPOCH sees a stale leader epoch.
        for (Check check : List.of(later, earlier)) {
            check.breakIt(c);
        }
        assertEquals(earlier.error, reported(alter(c).response()));
    }

    @Test
    void theOrderPairsCoverEveryCheck() {
        Set<Check> covered = EnumSet.noneOf(Check.class);
        pairsOfChecks().forEach(args -> {
            covered.add((Check) args.get()[0]);
            covered.add((Check) args.get()[1]);
        });
        assertEquals(EnumSet.allOf(Check.class), covered);
        assertEquals(45, pairsOfChecks().count());
    }

    @Test
    void invalidRequestCoversDuplicatesAndNonReplicas() {
        AlterFixture fixture = new AlterFixture();
        AlterCase duplicate = new AlterCase(fixture);
        duplicate.isr.add(fixture.member(2));
        assertEquals(ControllerError.INVALID_REQUEST, reported(alter(duplicate).response()));

        MetadataImage withNonReplica = TestImages.empty().brokers(1, 2, 3, 7)
                .topic("t", part("t", 0).replicas(1, 2, 3).isr(1, 2).leader(1)).build();
        ControllerApi.AlterPartitionRequest request = new ControllerApi.AlterPartitionRequest(1,
                withNonReplica.cluster().broker(1).epoch(), List.of(new ControllerApi.PartitionChangeProposal(
                        topicId("t"), 0, 0, 0, List.of(new ControllerApi.BrokerState(1, -1),
                                new ControllerApi.BrokerState(7, -1)), LeaderRecoveryState.RECOVERED)));
        assertEquals(ControllerError.INVALID_REQUEST, reported(manager().alterPartition(withNonReplica, request)
                .response()));
    }

    @Test
    void ineligibleReplicaCoversFencedShuttingDownStaleEpochAndUnregisteredMembers() {
        AlterFixture fixture = new AlterFixture();
        List<ControllerApi.BrokerState> ineligible = List.of(fixture.member(4), fixture.member(5),
                new ControllerApi.BrokerState(2, fixture.images.epochOf(2) + 1), fixture.member(6));
        for (ControllerApi.BrokerState member : ineligible) {
            AlterCase c = new AlterCase(fixture);
            c.isr.removeIf(m -> m.brokerId() == member.brokerId());
            c.isr.add(member);
            ControllerResult<ControllerApi.AlterPartitionReply> result = alter(c);
            assertEquals(ControllerError.INELIGIBLE_REPLICA, reported(result.response()), member.toString());
            assertTrue(only(result.response().partitions()).error().message().contains(
                    "broker " + member.brokerId()), result.response().toString());
        }
        AlterCase unknownEpoch = new AlterCase(fixture);
        unknownEpoch.isr.add(new ControllerApi.BrokerState(3, -1));
        assertEquals(ControllerError.NONE, reported(alter(unknownEpoch).response()),
                "broker epoch -1 means the leader does not know it, which is accepted");
    }

    @Test
    void aRefusedPartitionAnswersWithItsCurrentState() {
        AlterCase c = new AlterCase(new AlterFixture());
        c.leaderEpoch = AlterFixture.LEADER_EPOCH - 1;
        ControllerApi.PartitionChangeResult result = only(alter(c).response().partitions());
        assertEquals(AlterFixture.LEADER_EPOCH, result.leaderEpoch());
        assertEquals(AlterFixture.PARTITION_EPOCH, result.partitionEpoch());
        assertEquals(List.of(1, 2, 3), result.isr());
        assertEquals(1, result.leader());
    }

    @Test
    void aPartitionTwiceInOneRequestIsRefusedTheSecondTime() {
        AlterFixture fixture = new AlterFixture();
        ControllerApi.PartitionChangeProposal proposal = new AlterCase(fixture).request().partitions().get(0);
        ControllerResult<ControllerApi.AlterPartitionReply> result = manager().alterPartition(fixture.image,
                new ControllerApi.AlterPartitionRequest(1, fixture.images.epochOf(1), List.of(proposal, proposal)));
        assertTrue(result.response().partitions().get(0).error().isSuccess());
        assertEquals(ControllerError.INVALID_REQUEST, result.response().partitions().get(1).error().error());
        assertEquals(1, result.records().size());
    }

    @Test
    void recoveringRulesAreEnforced() {
        MetadataImage image = TestImages.empty().brokers(1, 2, 3)
                .topic("r", part("r", 0).replicas(1, 2, 3).isr(1).leader(1).recovering().epochs(1, 1))
                .topic("t", part("t", 0).replicas(1, 2, 3).isr(1, 2).leader(1).epochs(1, 1)).build();
        long epoch = image.cluster().broker(1).epoch();
        List<ControllerApi.BrokerState> grown = List.of(new ControllerApi.BrokerState(1, -1),
                new ControllerApi.BrokerState(2, -1));
        ControllerApi.AlterPartitionRequest growWhileRecovering = new ControllerApi.AlterPartitionRequest(1, epoch,
                List.of(new ControllerApi.PartitionChangeProposal(topicId("r"), 0, 1, 1, grown,
                        LeaderRecoveryState.RECOVERING)));
        assertEquals(ControllerError.INVALID_REQUEST,
                reported(manager().alterPartition(image, growWhileRecovering).response()));

        ControllerApi.AlterPartitionRequest backToRecovering = new ControllerApi.AlterPartitionRequest(1, epoch,
                List.of(new ControllerApi.PartitionChangeProposal(topicId("t"), 0, 1, 1, grown,
                        LeaderRecoveryState.RECOVERING)));
        assertEquals(ControllerError.INVALID_REQUEST,
                reported(manager().alterPartition(image, backToRecovering).response()));

        ControllerApi.AlterPartitionRequest recovered = new ControllerApi.AlterPartitionRequest(1, epoch,
                List.of(new ControllerApi.PartitionChangeProposal(topicId("r"), 0, 1, 1, grown,
                        LeaderRecoveryState.RECOVERED)));
        ControllerResult<ControllerApi.AlterPartitionReply> result = manager().alterPartition(image, recovered);
        ControllerApi.PartitionChangeResult answer = only(result.response().partitions());
        assertEquals(ControllerError.NONE, answer.error().error());
        assertEquals(LeaderRecoveryState.RECOVERED, answer.leaderRecoveryState());
        assertEquals(List.of(1, 2), answer.isr());
    }

    @Test
    void aShrinkAndAnExpandBumpThePartitionEpochButNotTheLeaderEpoch() {
        AlterFixture fixture = new AlterFixture();
        ControllerResult<ControllerApi.AlterPartitionReply> shrink = alter(new AlterCase(fixture));
        ControllerApi.PartitionChangeResult shrunk = only(shrink.response().partitions());
        assertEquals(List.of(1, 2), shrunk.isr());
        assertEquals(AlterFixture.LEADER_EPOCH, shrunk.leaderEpoch());
        assertEquals(AlterFixture.PARTITION_EPOCH + 1, shrunk.partitionEpoch());
        assertEquals(1, shrunk.leader());
        MetadataImage afterShrink = TestImages.apply(fixture.image, shrink.records());
        PartitionRegistration replayed = partition(afterShrink, "t", 0);
        assertEquals(shrunk.isr(), replayed.isr());
        assertEquals(shrunk.partitionEpoch(), replayed.partitionEpoch());

        ControllerApi.AlterPartitionRequest expand = new ControllerApi.AlterPartitionRequest(1,
                fixture.images.epochOf(1), List.of(new ControllerApi.PartitionChangeProposal(topicId("t"), 0,
                        AlterFixture.LEADER_EPOCH, AlterFixture.PARTITION_EPOCH + 1,
                        List.of(fixture.member(1), fixture.member(2), fixture.member(3)),
                        LeaderRecoveryState.RECOVERED)));
        ControllerResult<ControllerApi.AlterPartitionReply> expanded = manager().alterPartition(afterShrink, expand);
        ControllerApi.PartitionChangeResult grown = only(expanded.response().partitions());
        assertEquals(List.of(1, 2, 3), grown.isr());
        assertEquals(AlterFixture.PARTITION_EPOCH + 2, grown.partitionEpoch());
        assertEquals(AlterFixture.LEADER_EPOCH, grown.leaderEpoch());

        // The shrink's answer is stale now: its partition epoch was superseded by the expand.
        MetadataImage afterExpand = TestImages.apply(afterShrink, expanded.records());
        assertEquals(ControllerError.INVALID_UPDATE_VERSION,
                reported(manager().alterPartition(afterExpand, expand).response()));
    }

    @Test
    void anUnchangedIsrWritesNothing() {
        AlterFixture fixture = new AlterFixture();
        AlterCase same = new AlterCase(fixture);
        same.isr.add(fixture.member(3));
        ControllerResult<ControllerApi.AlterPartitionReply> result = alter(same);
        assertEquals(ControllerError.NONE, reported(result.response()));
        assertEquals(List.of(), result.records());
        assertEquals(AlterFixture.PARTITION_EPOCH, only(result.response().partitions()).partitionEpoch());
    }

    @Test
    void atMinIsrTwoAShrinkToOneFillsTheElrAndAnExpandClearsIt() {
        TestImages images = TestImages.empty().brokers(1, 2, 3).topic("t", List.of(1, 2, 3))
                .topicConfig("t", "min.insync.replicas", "2");
        MetadataImage image = images.build();
        long epoch1 = images.epochOf(1);
        ControllerResult<ControllerApi.AlterPartitionReply> toTwo = manager().alterPartition(image,
                new ControllerApi.AlterPartitionRequest(1, epoch1, List.of(new ControllerApi.PartitionChangeProposal(
                        topicId("t"), 0, 0, 0, List.of(new ControllerApi.BrokerState(1, -1),
                                new ControllerApi.BrokerState(2, -1)), LeaderRecoveryState.RECOVERED))));
        image = TestImages.apply(image, toTwo.records());
        assertEquals(List.of(), partition(image, "t", 0).elr(), "an ISR at min ISR needs no ELR");

        ControllerResult<ControllerApi.AlterPartitionReply> toOne = manager().alterPartition(image,
                new ControllerApi.AlterPartitionRequest(1, epoch1, List.of(new ControllerApi.PartitionChangeProposal(
                        topicId("t"), 0, 0, 1, List.of(new ControllerApi.BrokerState(1, -1)),
                        LeaderRecoveryState.RECOVERED))));
        image = TestImages.apply(image, toOne.records());
        assertEquals(List.of(1), partition(image, "t", 0).isr());
        assertEquals(List.of(2), partition(image, "t", 0).elr());

        ControllerResult<ControllerApi.AlterPartitionReply> back = manager().alterPartition(image,
                new ControllerApi.AlterPartitionRequest(1, epoch1, List.of(new ControllerApi.PartitionChangeProposal(
                        topicId("t"), 0, 0, 2, List.of(new ControllerApi.BrokerState(1, -1),
                                new ControllerApi.BrokerState(3, -1)), LeaderRecoveryState.RECOVERED))));
        image = TestImages.apply(image, back.records());
        assertEquals(List.of(1, 3), partition(image, "t", 0).isr());
        assertEquals(List.of(), partition(image, "t", 0).elr());
        assertEquals(3, partition(image, "t", 0).partitionEpoch());
        assertEquals(0, partition(image, "t", 0).leaderEpoch());
    }

    // ================================================================ electLeaders

    @Nested
    class ElectLeaders {
        /** Broker 4 is fenced. */
        private final MetadataImage image = TestImages.empty().brokers(1, 2, 3).fencedBroker(4)
                .topic("t",
                        part("t", 0).replicas(1, 2, 3).leader(1),                    // already preferred
                        part("t", 1).replicas(1, 2, 3).isr(2, 3, 1).leader(2),       // can move to 1
                        part("t", 2).replicas(1, 2, 3).isr(2, 3).leader(2),          // 1 not in ISR
                        part("t", 3).replicas(4, 2, 3).isr(4, 2, 3).leader(2))       // 4 not alive
                .topic("clean", part("clean", 0).replicas(4, 2).isr(4).leader(-1))
                .topic("dirty",
                        part("dirty", 0).replicas(4, 2, 3).isr(4).leader(-1).epochs(3, 3),
                        part("dirty", 1).replicas(1, 2).leader(1))
                .topicConfig("dirty", "unclean.leader.election.enable", "true")
                .build();

        private ControllerResult<ControllerApi.ElectLeadersReply> elect(ElectionType type, TopicPartition... targets) {
            return manager().electLeaders(image, new ControllerApi.ElectLeadersRequest(type, List.of(targets)));
        }

        private ControllerApi.ElectionResult electOne(ElectionType type, String topic, int p) {
            return only(elect(type, new TopicPartition(topic, p)).response().partitions());
        }

        @Test
        void preferredIsNotNeededWhenReplicaZeroLeads() {
            ControllerResult<ControllerApi.ElectLeadersReply> result = elect(ElectionType.PREFERRED,
                    new TopicPartition("t", 0));
            assertEquals(ControllerError.ELECTION_NOT_NEEDED, only(result.response().partitions()).error().error());
            assertEquals(List.of(), result.records());
        }

        @Test
        void preferredMovesLeadershipToReplicaZero() {
            ControllerResult<ControllerApi.ElectLeadersReply> result = elect(ElectionType.PREFERRED,
                    new TopicPartition("t", 1));
            ControllerApi.ElectionResult answer = only(result.response().partitions());
            assertEquals(ControllerError.NONE, answer.error().error());
            assertEquals(1, answer.leader());
            PartitionRegistration after = partition(TestImages.apply(image, result.records()), "t", 1);
            assertEquals(1, after.leader());
            assertEquals(1, after.leaderEpoch());
        }

        @Test
        void preferredIsNotAvailableWhenReplicaZeroIsOutOfTheIsrOrDead() {
            ControllerApi.ElectionResult notInIsr = electOne(ElectionType.PREFERRED, "t", 2);
            assertEquals(ControllerError.PREFERRED_LEADER_NOT_AVAILABLE, notInIsr.error().error());
            assertTrue(notInIsr.error().message().contains("ISR"), notInIsr.error().message());
            assertEquals(2, notInIsr.leader());
            ControllerApi.ElectionResult dead = electOne(ElectionType.PREFERRED, "t", 3);
            assertEquals(ControllerError.PREFERRED_LEADER_NOT_AVAILABLE, dead.error().error());
            assertEquals(2, dead.leader());
        }

        @Test
        void preferredNeverElectsAnotherReplicaOfALeaderlessUncleanTopic() {
            ControllerResult<ControllerApi.ElectLeadersReply> result = elect(ElectionType.PREFERRED,
                    new TopicPartition("dirty", 0));
            assertEquals(ControllerError.PREFERRED_LEADER_NOT_AVAILABLE,
                    only(result.response().partitions()).error().error());
            assertEquals(List.of(), result.records(), "a preferred election is never unclean");
        }

        @Test
        void uncleanIsNotNeededWithALiveLeader() {
            assertEquals(ControllerError.ELECTION_NOT_NEEDED, electOne(ElectionType.UNCLEAN, "dirty", 1).error().error());
            assertEquals(ControllerError.ELECTION_NOT_NEEDED, electOne(ElectionType.UNCLEAN, "t", 2).error().error());
        }

        @Test
        void uncleanIsRefusedWhereTheTopicForbidsItNamingTheConfig() {
            ControllerResult<ControllerApi.ElectLeadersReply> result = elect(ElectionType.UNCLEAN,
                    new TopicPartition("clean", 0));
            ApiError error = only(result.response().partitions()).error();
            assertEquals(ControllerError.ELIGIBLE_LEADERS_NOT_AVAILABLE, error.error());
            assertTrue(error.message().contains("unclean.leader.election.enable"), error.message());
            assertEquals(List.of(), result.records());
        }

        @Test
        void uncleanElectsALiveReplicaAsRecoveringWhereAllowed() {
            ControllerResult<ControllerApi.ElectLeadersReply> result = elect(ElectionType.UNCLEAN,
                    new TopicPartition("dirty", 0));
            ControllerApi.ElectionResult answer = only(result.response().partitions());
            assertEquals(ControllerError.NONE, answer.error().error());
            assertEquals(2, answer.leader());
            PartitionRegistration after = partition(TestImages.apply(image, result.records()), "dirty", 0);
            assertEquals(2, after.leader());
            assertEquals(List.of(2), after.isr());
            assertEquals(LeaderRecoveryState.RECOVERING, after.leaderRecoveryState());
            assertEquals(4, after.leaderEpoch());
        }

        @Test
        void unknownPartitionsAreReported() {
            assertEquals(ControllerError.UNKNOWN_TOPIC_OR_PARTITION,
                    electOne(ElectionType.PREFERRED, "t", 9).error().error());
            assertEquals(ControllerError.UNKNOWN_TOPIC_OR_PARTITION,
                    electOne(ElectionType.UNCLEAN, "nope", 0).error().error());
        }

        @Test
        void allPartitionsModeSkipsPartitionsThatNeedNoElection() {
            ControllerResult<ControllerApi.ElectLeadersReply> preferred = elect(ElectionType.PREFERRED);
            Set<TopicPartition> reported = new HashSet<>();
            preferred.response().partitions().forEach(r -> reported.add(r.partition()));
            assertFalse(reported.contains(new TopicPartition("t", 0)), "already preferred: " + reported);
            assertFalse(reported.contains(new TopicPartition("dirty", 1)), "already preferred: " + reported);
            assertTrue(reported.containsAll(List.of(new TopicPartition("t", 1), new TopicPartition("t", 2),
                    new TopicPartition("t", 3))), reported.toString());
            assertEquals(1, preferred.records().size(), "only t-1 can move");

            ControllerResult<ControllerApi.ElectLeadersReply> unclean = elect(ElectionType.UNCLEAN);
            Set<TopicPartition> uncleanReported = new HashSet<>();
            unclean.response().partitions().forEach(r -> uncleanReported.add(r.partition()));
            assertEquals(Set.of(new TopicPartition("clean", 0), new TopicPartition("dirty", 0)), uncleanReported,
                    "every partition with a live leader needs no election");
            assertEquals(1, unclean.records().size());
        }
    }

    // ================================================================ broker changes

    @Test
    void fencingMovesLeadershipsRemovesTheBrokerFromIsrsAndKeepsALastMember() {
        MetadataImage image = TestImages.empty().brokers(1, 2, 3)
                .topic("a", List.of(1, 2, 3), List.of(2, 3, 1), List.of(1), List.of(2, 3))
                .build();
        List<MetadataRecord> records = manager().brokerChanges(image, 1, true, false,
                ClusterControlManager.except(image, 1));
        MetadataImage after = TestImages.apply(image, records);
        assertEquals(3, records.size(), "a-3 does not hold broker 1 and is untouched");
        assertEquals(2, partition(after, "a", 0).leader());
        assertEquals(List.of(2, 3), partition(after, "a", 0).isr());
        assertEquals(1, partition(after, "a", 0).leaderEpoch());
        assertEquals(2, partition(after, "a", 1).leader());
        assertEquals(List.of(2, 3), partition(after, "a", 1).isr());
        assertEquals(0, partition(after, "a", 1).leaderEpoch(), "the leader stayed, only the ISR changed");
        assertEquals(List.of(1), partition(after, "a", 2).isr(), "the last ISR member stays");
        assertEquals(MetadataRecord.NO_LEADER, partition(after, "a", 2).leader());
        for (TopicImage topic : after.topics().byId().values()) {
            for (PartitionRegistration p : topic.partitions()) {
                assertFalse(p.leader() == 1, "the fenced broker still leads " + p);
            }
        }
    }

    @Test
    void fencingBelowMinIsrPutsTheBrokerInTheElrAndAnUncleanRestartTakesItOut() {
        TestImages images = TestImages.empty().brokers(1, 2, 3).topic("a", List.of(1, 2))
                .clusterDefault("min.insync.replicas", "2");
        MetadataImage image = images.build();
        MetadataImage fenced = TestImages.apply(image, manager().brokerChanges(image, 2, true, false,
                ClusterControlManager.except(image, 2)));
        assertEquals(List.of(1), partition(fenced, "a", 0).isr());
        assertEquals(List.of(2), partition(fenced, "a", 0).elr());

        List<MetadataRecord> restart = manager().brokerChanges(fenced, 2, false, true,
                ClusterControlManager.except(fenced, 2));
        MetadataImage restarted = TestImages.apply(fenced, restart);
        assertEquals(List.of(), partition(restarted, "a", 0).elr());
        assertEquals(List.of(2), partition(restarted, "a", 0).lastKnownElr());
    }

    @Test
    void brokerAvailableElectsLeadersForTheOfflinePartitionsItCanLead() {
        MetadataImage image = TestImages.empty().brokers(1, 2, 3)
                .topic("a", part("a", 0).replicas(1, 2).isr(1).leader(-1),
                        part("a", 1).replicas(2, 1).isr(2, 1).leader(2),
                        part("a", 2).replicas(3, 1).isr(3).leader(-1))
                .fence(1).fence(3).build();
        List<MetadataRecord> records = manager().brokerAvailable(image, 1, ClusterControlManager.including(image, 1));
        MetadataImage after = TestImages.apply(image, records);
        assertEquals(1, records.size(), records.toString());
        assertEquals(1, partition(after, "a", 0).leader());
        assertEquals(2, partition(after, "a", 1).leader());
        assertEquals(MetadataRecord.NO_LEADER, partition(after, "a", 2).leader(),
                "1 is not in the ISR of a-2 (3 is fenced) and unclean election is off");
    }

    @Test
    void rebalanceLeadersIsBoundedByItsLimit() {
        MetadataImage image = TestImages.empty().brokers(1, 2)
                .topic("a", part("a", 0).replicas(1, 2).leader(2), part("a", 1).replicas(1, 2).leader(2),
                        part("a", 2).replicas(1, 2).isr(2).leader(2), part("a", 3).replicas(2, 1).leader(2),
                        part("a", 4).replicas(1, 2).leader(2))
                .topic("b", part("b", 0).replicas(1, 2).leader(2))
                .build();
        List<MetadataRecord> two = manager().rebalanceLeaders(image, 2);
        assertEquals(2, two.size());
        for (MetadataRecord record : two) {
            assertEquals(Integer.valueOf(1), ((MetadataRecord.PartitionChange) record).leader());
        }
        List<MetadataRecord> all = manager().rebalanceLeaders(image, 100);
        assertEquals(4, all.size(), "a-2 (1 not in ISR) and a-3 (already preferred) need nothing");
        MetadataImage after = TestImages.apply(image, all);
        assertEquals(1, ReplicationControlManager.preferredReplicaImbalance(after),
                "only a-2 stays led by a non-preferred replica");
        assertEquals(5, ReplicationControlManager.preferredReplicaImbalance(image));
    }

    @Test
    void offlinePartitionsCountsLeaderlessPartitions() {
        MetadataImage image = TestImages.empty().brokers(1, 2)
                .topic("a", part("a", 0).replicas(1, 2).leader(-1), part("a", 1).replicas(1, 2).leader(1)).build();
        assertEquals(1, ReplicationControlManager.offlinePartitions(image));
    }
}

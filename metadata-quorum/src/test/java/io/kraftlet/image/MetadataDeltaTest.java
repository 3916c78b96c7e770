package io.kraftlet.image;

import static io.kraftlet.image.ImageFixtures.AUDIT;
import static io.kraftlet.image.ImageFixtures.ORDERS;
import static io.kraftlet.image.ImageFixtures.PAYMENTS;
import static io.kraftlet.image.ImageFixtures.apply;
import static io.kraftlet.image.ImageFixtures.delta;
import static io.kraftlet.image.ImageFixtures.incarnation;
import static io.kraftlet.image.ImageFixtures.isrChange;
import static io.kraftlet.image.ImageFixtures.leaderChange;
import static io.kraftlet.image.ImageFixtures.listeners;
import static io.kraftlet.image.ImageFixtures.partition;
import static io.kraftlet.image.ImageFixtures.register;
import static io.kraftlet.image.ImageFixtures.twoTopics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.MetadataRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Replaying records into a {@link MetadataDelta}: what each record type does to the image,
 * the epoch rules of partition changes, the sharing of unchanged parts between versions, what
 * the delta reports as changed, and the records replay refuses.
 */
class MetadataDeltaTest {
    private static void assertIllegal(String[] expectedInMessage, MetadataImage base, MetadataRecord... records) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> delta(base, records));
        for (String expected : expectedInMessage) {
            assertTrue(e.getMessage().contains(expected), "message \"" + e.getMessage() + "\" lacks " + expected);
        }
    }

    private static String[] mentions(String... parts) {
        return parts;
    }

    @Nested
    class Brokers {
        @Test
        void aRegisteredBrokerStartsAsTheRecordSays() {
            MetadataImage image = apply(MetadataImage.EMPTY, register(4, 17));
            BrokerRegistration broker = image.cluster().broker(4);
            assertEquals(new BrokerRegistration(4, 17, incarnation(4), listeners(4), "rack-0", true, false), broker);
            assertFalse(image.cluster().isActive(4));
            assertEquals(List.of(), image.cluster().unfencedBrokerIds());
        }

        @Test
        void unfenceAndFenceFlipOnlyTheFencedFlag() {
            MetadataImage registered = apply(MetadataImage.EMPTY, register(1, 10));
            MetadataImage unfenced = apply(registered, new MetadataRecord.UnfenceBroker(1, 10));
            assertFalse(unfenced.cluster().broker(1).fenced());
            assertTrue(unfenced.cluster().isActive(1));
            assertEquals(registered.cluster().broker(1).withFenced(false), unfenced.cluster().broker(1));
            MetadataImage fenced = apply(unfenced, new MetadataRecord.FenceBroker(1, 10));
            assertEquals(registered.cluster().broker(1), fenced.cluster().broker(1));
        }

        @Test
        void controlledShutdownIsSetByARegistrationChangeAndClearedByUnfence() {
            MetadataImage base = twoTopics();
            MetadataImage shuttingDown = apply(base, new MetadataRecord.BrokerRegistrationChange(2, 20, true));
            BrokerRegistration broker = shuttingDown.cluster().broker(2);
            assertTrue(broker.inControlledShutdown());
            assertFalse(broker.fenced());
            assertFalse(shuttingDown.cluster().isActive(2));
            assertEquals(List.of(1, 2, 3), shuttingDown.cluster().unfencedBrokerIds());
            assertEquals(List.of(1, 3), shuttingDown.cluster().activeBrokerIds());
            // Replaying UnfenceBroker also ends a controlled shutdown: the broker is back in full.
            MetadataImage fencedThenUnfenced = apply(shuttingDown, new MetadataRecord.FenceBroker(2, 20),
                    new MetadataRecord.UnfenceBroker(2, 20));
            assertEquals(base.cluster().broker(2), fencedThenUnfenced.cluster().broker(2));
            MetadataImage cleared = apply(shuttingDown, new MetadataRecord.BrokerRegistrationChange(2, 20, false));
            assertEquals(base.cluster().broker(2), cleared.cluster().broker(2));
        }

        @Test
        void unregisterRemovesTheBroker() {
            MetadataImage image = apply(twoTopics(), new MetadataRecord.UnregisterBroker(3, 30));
            assertNull(image.cluster().broker(3));
            assertEquals(Set.of(1, 2), image.cluster().brokers().keySet());
        }

        @Test
        void aNewRegistrationReplacesTheOldOneAndItsEpoch() {
            MetadataImage image = apply(twoTopics(), register(2, 99));
            assertEquals(99, image.cluster().broker(2).epoch());
            assertTrue(image.cluster().broker(2).fenced());
            assertIllegal(mentions("broker 2", "epoch 20"), image, new MetadataRecord.UnfenceBroker(2, 20));
            assertFalse(apply(image, new MetadataRecord.UnfenceBroker(2, 99)).cluster().broker(2).fenced());
        }
    }

    @Nested
    class Topics {
        @Test
        void aTopicAndItsPartitionsAppear() {
            MetadataImage image = twoTopics();
            TopicImage orders = image.topics().topic("orders");
            assertSame(orders, image.topics().topic(ORDERS));
            assertEquals("orders", orders.name());
            assertEquals(ORDERS, orders.id());
            assertEquals(3, orders.partitionCount());
            assertEquals(5, image.topics().partitionCount());
            assertEquals(PartitionRegistration.fromRecord(partition(ORDERS, 1, 2, 3, 1)), orders.partition(1));
            assertEquals(2, orders.partition(1).leader());
            assertNull(orders.partition(3));
            assertNull(orders.partition(-1));
        }

        @Test
        void removeTopicRemovesTheTopicAndOnlyItsConfigs() {
            MetadataImage base = apply(twoTopics(),
                    new MetadataRecord.Config(ConfigResource.topic("payments"), "retention.ms", "1000"));
            MetadataImage image = apply(base, new MetadataRecord.RemoveTopic(ORDERS));
            assertNull(image.topics().topic(ORDERS));
            assertNull(image.topics().topic("orders"));
            assertEquals(Set.of(PAYMENTS), image.topics().byId().keySet());
            assertEquals(Map.of(), image.configs().valuesOf(ConfigResource.topic("orders")));
            assertEquals(Map.of("retention.ms", "1000"), image.configs().valuesOf(ConfigResource.topic("payments")));
            assertEquals(Map.of("min.insync.replicas", "1"), image.configs().valuesOf(ConfigResource.CLUSTER_DEFAULTS));
            assertEquals(Optional.of("1"), image.configs().topicValue("orders", "min.insync.replicas"));
        }

        @Test
        void aTopicCreatedAndRemovedInOneDeltaLeavesNoTrace() {
            MetadataImage base = twoTopics();
            MetadataDelta delta = delta(base, new MetadataRecord.Topic("audit", AUDIT), partition(AUDIT, 0, 1),
                    new MetadataRecord.RemoveTopic(AUDIT));
            assertEquals(Set.of(), delta.changedTopicIds());
            assertEquals(Set.of(), delta.removedTopicIds());
            MetadataImage image = delta.apply(base.endOffset() + 3);
            assertEquals(base.topics(), image.topics());
            assertNull(image.topics().topic("audit"));
        }

        @Test
        void aRemovedNameMayBeCreatedAgainInTheSameDelta() {
            MetadataImage base = twoTopics();
            UUID newId = new UUID(9, 9);
            MetadataDelta delta = delta(base, new MetadataRecord.RemoveTopic(ORDERS),
                    new MetadataRecord.Topic("orders", newId), partition(newId, 0, 3));
            MetadataImage image = delta.apply(base.endOffset() + 3);
            assertEquals(newId, image.topics().topic("orders").id());
            assertNull(image.topics().topic(ORDERS));
            assertEquals(1, image.topics().topic("orders").partitionCount());
            assertEquals(Set.of(ORDERS), delta.removedTopicIds());
            assertEquals(Set.of(newId), delta.changedTopicIds());
            assertTrue(delta.isCreated(newId));
            // The old topic's configs went with it.
            assertEquals(Map.of(), image.configs().valuesOf(ConfigResource.topic("orders")));
        }

        @Test
        void aTopicWithAMissingPartitionCannotBeApplied() {
            MetadataDelta delta = delta(MetadataImage.EMPTY, new MetadataRecord.Topic("audit", AUDIT),
                    partition(AUDIT, 0, 1), partition(AUDIT, 2, 1));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> delta.apply(3));
            assertTrue(e.getMessage().contains("audit"), e.getMessage());
            assertTrue(e.getMessage().contains("partition 1"), e.getMessage());
        }

        @Test
        void partitionsMayBeAddedToAnExistingTopic() {
            MetadataImage image = apply(twoTopics(), partition(PAYMENTS, 2, 3, 1));
            assertEquals(3, image.topics().topic(PAYMENTS).partitionCount());
            assertEquals(3, image.topics().topic(PAYMENTS).partition(2).leader());
        }
    }

    @Nested
    class PartitionChanges {
        @Test
        void thePartitionEpochBumpsOnEveryChangeAndTheLeaderEpochOnlyOnLeaderChange() {
            MetadataImage image = twoTopics();
            PartitionRegistration start = image.topics().topic(ORDERS).partition(0);
            assertEquals(0, start.partitionEpoch());
            assertEquals(0, start.leaderEpoch());
            MetadataRecord[] changes = {
                isrChange(ORDERS, 0, 1, 2),
                new MetadataRecord.PartitionChange(ORDERS, 0, null, null, List.of(3), List.of(3), null, null, false),
                new MetadataRecord.PartitionChange(ORDERS, 0, null, null, null, null, null, null, false),
                leaderChange(ORDERS, 0, 1),
                leaderChange(ORDERS, 0, 2),
                leaderChange(ORDERS, 0, MetadataRecord.NO_LEADER),
                new MetadataRecord.PartitionChange(ORDERS, 0, null, null, null, null, null, null, true),
                new MetadataRecord.PartitionChange(ORDERS, 0, null, null, null, null, null,
                        LeaderRecoveryState.RECOVERING, false),
            };
            int[] expectedLeaderEpochs = {0, 0, 0, 0, 1, 2, 3, 3};
            for (int i = 0; i < changes.length; i++) {
                image = apply(image, changes[i]);
                PartitionRegistration partition = image.topics().topic(ORDERS).partition(0);
                assertEquals(i + 1, partition.partitionEpoch(), "partition epoch after " + changes[i]);
                assertEquals(expectedLeaderEpochs[i], partition.leaderEpoch(), "leader epoch after " + changes[i]);
            }
            PartitionRegistration end = image.topics().topic(ORDERS).partition(0);
            assertEquals(MetadataRecord.NO_LEADER, end.leader());
            assertEquals(List.of(1, 2), end.isr());
            assertEquals(List.of(3), end.elr());
            assertEquals(List.of(3), end.lastKnownElr());
            assertEquals(List.of(1, 2, 3), end.replicas());
            assertEquals(LeaderRecoveryState.RECOVERING, end.leaderRecoveryState());
        }

        @Test
        void changesInOneDeltaAccumulate() {
            MetadataImage image = apply(twoTopics(), leaderChange(ORDERS, 1, 3), isrChange(ORDERS, 1, 3),
                    leaderChange(ORDERS, 1, 1));
            PartitionRegistration partition = image.topics().topic(ORDERS).partition(1);
            assertEquals(3, partition.partitionEpoch());
            assertEquals(2, partition.leaderEpoch());
            assertEquals(1, partition.leader());
            assertEquals(List.of(3), partition.isr());
        }

        @Test
        void anEmptyListIsSetAndANullListIsKept() {
            MetadataImage base = apply(twoTopics(),
                    new MetadataRecord.PartitionChange(ORDERS, 2, null, null, List.of(1), List.of(2), null, null, false));
            MetadataImage image = apply(base,
                    new MetadataRecord.PartitionChange(ORDERS, 2, null, List.of(), List.of(), null, null, null, false));
            PartitionRegistration partition = image.topics().topic(ORDERS).partition(2);
            assertEquals(List.of(), partition.isr());
            assertEquals(List.of(), partition.elr());
            assertEquals(List.of(2), partition.lastKnownElr());
            assertEquals(List.of(3, 1, 2), partition.replicas());
            assertEquals(3, partition.leader());
        }

        @Test
        void theBaseImageIsNotChanged() {
            MetadataImage base = twoTopics();
            PartitionRegistration before = base.topics().topic(ORDERS).partition(1);
            MetadataImage next = apply(base, leaderChange(ORDERS, 1, 3));
            assertSame(before, base.topics().topic(ORDERS).partition(1));
            assertEquals(0, base.topics().topic(ORDERS).partition(1).partitionEpoch());
            assertEquals(2, base.topics().topic(ORDERS).partition(1).leader());
            assertEquals(3, next.topics().topic(ORDERS).partition(1).leader());
        }
    }

    @Nested
    class Configs {
        @Test
        void valuesAreSetOverwrittenAndRemoved() {
            ConfigResource orders = ConfigResource.topic("orders");
            MetadataImage image = apply(twoTopics(),
                    new MetadataRecord.Config(orders, "retention.ms", "5"),
                    new MetadataRecord.Config(orders, "min.insync.replicas", "3"),
                    new MetadataRecord.Config(orders, "retention.ms", null));
            assertEquals(Map.of("min.insync.replicas", "3"), image.configs().valuesOf(orders));
            assertEquals(Optional.of("3"), image.configs().topicValue("orders", "min.insync.replicas"));
            assertEquals(Optional.of("1"), image.configs().topicValue("payments", "min.insync.replicas"));
            assertEquals(Optional.empty(), image.configs().topicValue("orders", "retention.ms"));
        }

        @Test
        void removingTheLastValueRemovesTheResource() {
            ConfigResource orders = ConfigResource.topic("orders");
            MetadataImage image = apply(twoTopics(), new MetadataRecord.Config(orders, "min.insync.replicas", null));
            assertFalse(image.configs().resources().containsKey(orders));
            assertEquals(Set.of(ConfigResource.CLUSTER_DEFAULTS), image.configs().resources().keySet());
        }

        @Test
        void removingAValueThatWasNeverSetChangesNothing() {
            MetadataImage base = twoTopics();
            MetadataImage image = apply(base, new MetadataRecord.Config(ConfigResource.topic("x"), "y", null));
            assertEquals(base.configs(), image.configs());
        }
    }

    @Nested
    class Sharing {
        @Test
        void unchangedTopicsAndPartitionsAreTheSameInstances() {
            MetadataImage base = twoTopics();
            MetadataImage next = apply(base, isrChange(ORDERS, 1, 2, 3));
            assertSame(base.topics().topic(PAYMENTS), next.topics().topic(PAYMENTS));
            assertNotSame(base.topics().topic(ORDERS), next.topics().topic(ORDERS));
            assertSame(base.topics().topic(ORDERS).partition(0), next.topics().topic(ORDERS).partition(0));
            assertSame(base.topics().topic(ORDERS).partition(2), next.topics().topic(ORDERS).partition(2));
            assertNotSame(base.topics().topic(ORDERS).partition(1), next.topics().topic(ORDERS).partition(1));
            assertSame(base.cluster(), next.cluster());
            assertSame(base.configs(), next.configs());
        }

        @Test
        void aBrokerChangeSharesTopicsAndConfigs() {
            MetadataImage base = twoTopics();
            MetadataImage next = apply(base, new MetadataRecord.FenceBroker(2, 20));
            assertNotSame(base.cluster(), next.cluster());
            assertSame(base.topics(), next.topics());
            assertSame(base.configs(), next.configs());
            assertSame(base.cluster().broker(1), next.cluster().broker(1));
            assertSame(base.cluster().broker(3), next.cluster().broker(3));
        }

        @Test
        void aConfigChangeSharesClusterAndTopics() {
            MetadataImage base = twoTopics();
            MetadataImage next = apply(base, new MetadataRecord.Config(ConfigResource.topic("payments"), "a", "b"));
            assertSame(base.cluster(), next.cluster());
            assertSame(base.topics(), next.topics());
            assertNotSame(base.configs(), next.configs());
        }

        @Test
        void aRemovedTopicLeavesTheOthersShared() {
            MetadataImage base = twoTopics();
            MetadataImage next = apply(base, new MetadataRecord.RemoveTopic(ORDERS));
            assertSame(base.topics().topic(PAYMENTS), next.topics().topic(PAYMENTS));
            assertSame(base.cluster(), next.cluster());
        }

        @Test
        void noOpsShareEverythingAndMoveTheEndOffset() {
            MetadataImage base = twoTopics();
            MetadataImage next = apply(base, new MetadataRecord.NoOp(), new MetadataRecord.NoOp());
            assertEquals(base.endOffset() + 2, next.endOffset());
            assertSame(base.cluster(), next.cluster());
            assertSame(base.topics(), next.topics());
            assertSame(base.configs(), next.configs());
        }
    }

    @Nested
    class WhatChanged {
        @Test
        void anEmptyDeltaReportsNothing() {
            MetadataDelta delta = delta(twoTopics());
            assertEquals(0, delta.recordCount());
            assertEquals(Set.of(), delta.changedBrokerIds());
            assertEquals(Set.of(), delta.changedTopicIds());
            assertEquals(Set.of(), delta.removedTopicIds());
            assertEquals(Set.of(), delta.changedConfigResources());
            assertEquals(Set.of(), delta.changedPartitions(ORDERS));
        }

        @Test
        void exactlyTheChangedPartitionsAreReportedInOrder() {
            MetadataImage base = twoTopics();
            MetadataDelta delta = delta(base, leaderChange(ORDERS, 2, 1), isrChange(ORDERS, 0, 1),
                    isrChange(ORDERS, 2, 1));
            assertSame(base, delta.base());
            assertEquals(List.of(0, 2), List.copyOf(delta.changedPartitions(ORDERS)));
            assertEquals(Set.of(), delta.changedPartitions(PAYMENTS));
            assertEquals(Set.of(ORDERS), delta.changedTopicIds());
            assertFalse(delta.isCreated(ORDERS));
            assertEquals(Set.of(), delta.removedTopicIds());
            assertEquals(Set.of(), delta.changedBrokerIds());
            assertEquals(3, delta.recordCount());
        }

        @Test
        void aCreatedTopicReportsAllItsPartitions() {
            MetadataDelta delta = delta(twoTopics(), new MetadataRecord.Topic("audit", AUDIT),
                    partition(AUDIT, 1, 2), partition(AUDIT, 0, 1));
            assertEquals(Set.of(AUDIT), delta.changedTopicIds());
            assertTrue(delta.isCreated(AUDIT));
            assertEquals(List.of(0, 1), List.copyOf(delta.changedPartitions(AUDIT)));
        }

        @Test
        void removedTopicsAreReportedApartFromChangedOnes() {
            MetadataDelta delta = delta(twoTopics(), isrChange(PAYMENTS, 0, 1), new MetadataRecord.RemoveTopic(PAYMENTS),
                    isrChange(ORDERS, 0, 1));
            assertEquals(Set.of(PAYMENTS), delta.removedTopicIds());
            assertEquals(Set.of(ORDERS), delta.changedTopicIds());
            assertEquals(Set.of(), delta.changedPartitions(PAYMENTS));
        }

        @Test
        void exactlyTheChangedBrokersAreReported() {
            MetadataDelta delta = delta(twoTopics(), new MetadataRecord.FenceBroker(2, 20), register(7, 100),
                    new MetadataRecord.UnregisterBroker(3, 30));
            assertEquals(Set.of(2, 3, 7), delta.changedBrokerIds());
            assertEquals(Set.of(), delta.changedTopicIds());
            assertEquals(Set.of(), delta.changedConfigResources());
        }

        @Test
        void exactlyTheChangedConfigResourcesAreReported() {
            MetadataDelta delta = delta(twoTopics(),
                    new MetadataRecord.Config(ConfigResource.topic("payments"), "a", "b"),
                    new MetadataRecord.Config(ConfigResource.CLUSTER_DEFAULTS, "c", null));
            assertEquals(Set.of(ConfigResource.topic("payments"), ConfigResource.CLUSTER_DEFAULTS),
                    delta.changedConfigResources());
        }

        @Test
        void theReportedSetsCannotBeModified() {
            MetadataDelta delta = delta(twoTopics(), isrChange(ORDERS, 0, 1), new MetadataRecord.FenceBroker(1, 10));
            assertThrows(UnsupportedOperationException.class, () -> delta.changedBrokerIds().add(9));
            assertThrows(UnsupportedOperationException.class, () -> delta.changedTopicIds().clear());
            assertThrows(UnsupportedOperationException.class, () -> delta.changedPartitions(ORDERS).add(5));
        }
    }

    @Nested
    class RefusedRecords {
        @Test
        void aChangeOfAnUnknownTopicIsRefused() {
            UUID unknown = new UUID(7, 7);
            MetadataImage base = twoTopics();
            assertIllegal(mentions(unknown.toString(), "offset " + base.endOffset()), base,
                    leaderChange(unknown, 0, 1));
            assertIllegal(mentions(unknown.toString()), base, partition(unknown, 0, 1));
            assertIllegal(mentions(unknown.toString()), base, new MetadataRecord.RemoveTopic(unknown));
        }

        @Test
        void aChangeOfAnUnknownPartitionIsRefused() {
            MetadataImage base = twoTopics();
            assertIllegal(mentions("partition 3", "orders", "does not exist"), base, leaderChange(ORDERS, 3, 1));
            assertIllegal(mentions("partition -1", "orders"), base, leaderChange(ORDERS, -1, 1));
            // Offsets in the message follow the record's position in the delta.
            assertIllegal(mentions("offset " + (base.endOffset() + 1), "partition 7"), base,
                    isrChange(ORDERS, 0, 1), isrChange(ORDERS, 7, 1));
        }

        @Test
        void aChangeOfARemovedTopicIsRefused() {
            assertIllegal(mentions(ORDERS.toString()), twoTopics(), new MetadataRecord.RemoveTopic(ORDERS),
                    leaderChange(ORDERS, 0, 2));
        }

        @Test
        void brokerRecordsWithAWrongEpochAreRefused() {
            MetadataImage base = twoTopics();
            assertIllegal(mentions("broker 1", "epoch 11"), base, new MetadataRecord.FenceBroker(1, 11));
            assertIllegal(mentions("broker 2", "epoch 5"), base, new MetadataRecord.UnfenceBroker(2, 5));
            assertIllegal(mentions("broker 3", "epoch 31"), base, new MetadataRecord.UnregisterBroker(3, 31));
            assertIllegal(mentions("broker 1", "epoch 0"), base,
                    new MetadataRecord.BrokerRegistrationChange(1, 0, true));
        }

        @Test
        void brokerRecordsForAnUnregisteredBrokerAreRefused() {
            MetadataImage base = twoTopics();
            assertIllegal(mentions("broker 8", "null"), base, new MetadataRecord.FenceBroker(8, 0));
            assertIllegal(mentions("broker 3"), base, new MetadataRecord.UnregisterBroker(3, 30),
                    new MetadataRecord.FenceBroker(3, 30));
        }

        @Test
        void aDuplicateTopicNameIsRefused() {
            MetadataImage base = twoTopics();
            assertIllegal(mentions("orders", "exists"), base, new MetadataRecord.Topic("orders", new UUID(5, 5)));
            assertIllegal(mentions("audit", "exists"), base, new MetadataRecord.Topic("audit", AUDIT),
                    new MetadataRecord.Topic("audit", new UUID(6, 6)));
        }

        @Test
        void aDuplicateTopicIdIsRefused() {
            MetadataImage base = twoTopics();
            assertIllegal(mentions("other", ORDERS.toString()), base, new MetadataRecord.Topic("other", ORDERS));
            assertIllegal(mentions("again", AUDIT.toString()), base, new MetadataRecord.Topic("audit", AUDIT),
                    new MetadataRecord.Topic("again", AUDIT));
        }
    }
}

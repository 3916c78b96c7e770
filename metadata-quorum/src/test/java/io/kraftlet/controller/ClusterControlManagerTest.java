package io.kraftlet.controller;

import static io.kraftlet.controller.TestImages.part;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.image.BrokerRegistration;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.metadata.MetadataRecord;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Registration, heartbeats, unfencing, controlled shutdown and session expiry. */
class ClusterControlManagerTest {
    private static final int SESSION_MS = 9000;
    private static final UUID OTHER_INCARNATION = new UUID(42, 42);

    private final ControllerConfig config = ControllerConfig.DEFAULT.withSessionTimeout(SESSION_MS, 2000);
    private final ClusterControlManager manager = newManager();

    private ClusterControlManager newManager() {
        ConfigurationControlManager configs = new ConfigurationControlManager(config);
        return new ClusterControlManager(config, new ReplicationControlManager(config, configs, new Random(3),
                r -> 64));
    }

    private static ControllerApi.BrokerRegistrationRequest registration(int id, UUID incarnation,
            long previousEpoch) {
        return new ControllerApi.BrokerRegistrationRequest(id, incarnation, TestImages.listeners(id), "r" + id,
                previousEpoch);
    }

    private ControllerResult<ControllerApi.BrokerRegistrationReply> register(MetadataImage image,
            ControllerApi.BrokerRegistrationRequest request, long nowMs) {
        return manager.registerBroker(image, request, image.endOffset(), nowMs);
    }

    private ControllerResult<ControllerApi.BrokerHeartbeatReply> heartbeat(MetadataImage image, int id,
            long offset, boolean wantFence, boolean wantShutDown, long nowMs) {
        return manager.heartbeat(image, new ControllerApi.BrokerHeartbeatRequest(id,
                image.cluster().broker(id).epoch(), offset, wantFence, wantShutDown), image.endOffset(), nowMs);
    }

    private static PartitionRegistration partition(MetadataImage image, String topic, int p) {
        return image.topics().topic(topic).partition(p);
    }

    // ---------------------------------------------------------------- registration

    @Test
    void aNewBrokerGetsTheOffsetOfItsRecordAsEpochAndStartsFenced() {
        ControllerResult<ControllerApi.BrokerRegistrationReply> result = manager.registerBroker(MetadataImage.EMPTY,
                registration(1, TestImages.incarnation(1), -1), 17, 0);
        assertEquals(ApiError.NONE, result.response().error());
        assertEquals(17, result.response().brokerEpoch());
        assertEquals(List.of(new MetadataRecord.RegisterBroker(1, 17, TestImages.incarnation(1),
                TestImages.listeners(1), "r1", true, false)), result.records());
    }

    @Test
    void malformedRegistrationsAreRefused() {
        assertEquals(ControllerError.INVALID_REQUEST, register(MetadataImage.EMPTY,
                registration(-1, TestImages.incarnation(1), -1), 0).response().error().error());
        ControllerResult<ControllerApi.BrokerRegistrationReply> noListener = register(MetadataImage.EMPTY,
                new ControllerApi.BrokerRegistrationRequest(1, TestImages.incarnation(1), List.of(), "", -1), 0);
        assertEquals(ControllerError.INVALID_REQUEST, noListener.response().error().error());
        assertEquals(List.of(), noListener.records());
    }

    @Test
    void theSameIncarnationRegisteringAgainGetsItsEpochBackAndWritesNothing() {
        TestImages images = TestImages.empty().brokers(1, 2);
        MetadataImage image = images.build();
        manager.activate(image, 0);
        ControllerResult<ControllerApi.BrokerRegistrationReply> result = register(image,
                registration(2, TestImages.incarnation(2), -1), 100);
        assertEquals(ApiError.NONE, result.response().error());
        assertEquals(images.epochOf(2), result.response().brokerEpoch());
        assertEquals(List.of(), result.records());
    }

    @Test
    void anotherIncarnationIsRefusedWhileTheSessionLivesAndAcceptedOnceItExpired() {
        MetadataImage image = TestImages.empty().brokers(1, 2).build();
        manager.activate(image, 1000);
        ControllerResult<ControllerApi.BrokerRegistrationReply> refused = register(image,
                registration(1, OTHER_INCARNATION, -1), 1000 + SESSION_MS);
        assertEquals(ControllerError.DUPLICATE_BROKER_REGISTRATION, refused.response().error().error());
        assertEquals(-1, refused.response().brokerEpoch());
        assertEquals(List.of(), refused.records());

        ControllerResult<ControllerApi.BrokerRegistrationReply> accepted = register(image,
                registration(1, OTHER_INCARNATION, -1), 1000 + SESSION_MS + 1);
        assertEquals(ApiError.NONE, accepted.response().error());
        assertEquals(image.endOffset(), accepted.response().brokerEpoch());
        MetadataImage after = TestImages.apply(image, accepted.records());
        BrokerRegistration broker = after.cluster().broker(1);
        assertEquals(OTHER_INCARNATION, broker.incarnationId());
        assertEquals(image.endOffset(), broker.epoch());
        assertTrue(broker.fenced());
    }

    @Test
    void onlyAnUnfencedIncarnationWithALiveSessionBlocksAnother() {
        MetadataImage image = TestImages.empty().brokers(1).build();
        ControllerResult<ControllerApi.BrokerRegistrationReply> accepted = register(image,
                registration(1, OTHER_INCARNATION, -1), 0);
        assertEquals(ApiError.NONE, accepted.response().error(), "no session: this controller never heard of it");
        MetadataImage after = TestImages.apply(image, accepted.records());
        assertTrue(after.cluster().broker(1).fenced());
        // Still fenced (catching up): like Kafka, a fenced registration has no session to protect.
        UUID third = new UUID(7, 7);
        assertEquals(ApiError.NONE, register(after, registration(1, third, -1), 10).response().error());
        // Once unfenced and heartbeating, it is protected for a whole session.
        long epoch = after.cluster().broker(1).epoch();
        MetadataImage unfenced = TestImages.apply(after, List.of(new MetadataRecord.UnfenceBroker(1, epoch)));
        heartbeat(unfenced, 1, unfenced.endOffset(), false, false, 20);
        assertEquals(ControllerError.DUPLICATE_BROKER_REGISTRATION, register(unfenced,
                registration(1, third, -1), 30).response().error().error());
    }

    @Test
    void reRegistrationMovesTheOldIncarnationsLeaderships() {
        MetadataImage image = TestImages.empty().brokers(1, 2, 3)
                .topic("a", List.of(1, 2, 3), List.of(2, 1, 3)).build();
        long oldEpoch = image.cluster().broker(1).epoch();
        ControllerResult<ControllerApi.BrokerRegistrationReply> result = register(image,
                registration(1, OTHER_INCARNATION, oldEpoch), 0);
        assertTrue(result.records().get(0) instanceof MetadataRecord.RegisterBroker);
        MetadataImage after = TestImages.apply(image, result.records());
        assertEquals(2, partition(after, "a", 0).leader());
        assertEquals(List.of(2, 3), partition(after, "a", 0).isr(), "the old incarnation leaves the ISR");
        assertEquals(List.of(2, 3), partition(after, "a", 1).isr());
        assertEquals(2, partition(after, "a", 1).leader());
    }

    @Test
    void anUncleanReRegistrationRemovesTheBrokerFromElrsAndACleanOneDoesNot() {
        TestImages images = TestImages.empty().brokers(1, 2, 3).clusterDefault("min.insync.replicas", "2")
                .topic("a", part("a", 0).replicas(1, 2, 3).isr(2).elr(1).leader(2)).fence(1);
        MetadataImage image = images.build();
        long oldEpoch = images.epochOf(1);

        ControllerResult<ControllerApi.BrokerRegistrationReply> unclean = register(image,
                registration(1, OTHER_INCARNATION, -1), 0);
        MetadataImage afterUnclean = TestImages.apply(image, unclean.records());
        assertEquals(List.of(), partition(afterUnclean, "a", 0).elr());
        assertEquals(List.of(1), partition(afterUnclean, "a", 0).lastKnownElr());

        ControllerResult<ControllerApi.BrokerRegistrationReply> clean = newManager().registerBroker(image,
                registration(1, OTHER_INCARNATION, oldEpoch), image.endOffset(), 0);
        assertEquals(1, clean.records().size(), "a clean restart keeps its ELR membership: " + clean.records());
        assertEquals(List.of(1), partition(TestImages.apply(image, clean.records()), "a", 0).elr());
    }

    // ---------------------------------------------------------------- heartbeats

    @Test
    void aHeartbeatFromAnUnknownBrokerOrAStaleEpochIsRefused() {
        MetadataImage image = TestImages.empty().brokers(1).build();
        ControllerResult<ControllerApi.BrokerHeartbeatReply> unknown = manager.heartbeat(image,
                new ControllerApi.BrokerHeartbeatRequest(5, 0, 100, false, false), image.endOffset(), 0);
        assertEquals(ControllerError.BROKER_ID_NOT_REGISTERED, unknown.response().error().error());
        assertTrue(unknown.response().isFenced());

        long epoch = image.cluster().broker(1).epoch();
        ControllerResult<ControllerApi.BrokerHeartbeatReply> stale = manager.heartbeat(image,
                new ControllerApi.BrokerHeartbeatRequest(1, epoch - 1, 100, false, true), image.endOffset(), 0);
        assertEquals(ControllerError.STALE_BROKER_EPOCH, stale.response().error().error());
        assertFalse(stale.response().shouldShutDown());
        assertEquals(List.of(), stale.records());
    }

    @Test
    void aFencedBrokerIsUnfencedOnlyOnceItHasAppliedItsRegistration() {
        TestImages images = TestImages.empty().brokers(2).fencedBroker(1);
        MetadataImage image = images.build();
        long epoch = images.epochOf(1);

        ControllerResult<ControllerApi.BrokerHeartbeatReply> behind = heartbeat(image, 1, epoch, false, false, 0);
        assertEquals(List.of(), behind.records());
        assertTrue(behind.response().isFenced());
        assertFalse(behind.response().isCaughtUp());

        ControllerResult<ControllerApi.BrokerHeartbeatReply> caughtUp = heartbeat(image, 1, epoch + 1, false, false, 0);
        assertEquals(List.of(new MetadataRecord.UnfenceBroker(1, epoch)), caughtUp.records());
        assertFalse(caughtUp.response().isFenced());
        assertTrue(caughtUp.response().isCaughtUp());
        assertFalse(TestImages.apply(image, caughtUp.records()).cluster().broker(1).fenced());
    }

    @Test
    void unfencingElectsLeadersForPartitionsOnlyThatBrokerCanLead() {
        TestImages images = TestImages.empty().brokers(1, 2)
                .topic("a", part("a", 0).replicas(1, 2).isr(1).leader(-1)).fence(1);
        MetadataImage image = images.build();
        ControllerResult<ControllerApi.BrokerHeartbeatReply> result = heartbeat(image, 1, image.endOffset(), false,
                false, 0);
        assertTrue(result.records().get(0) instanceof MetadataRecord.UnfenceBroker);
        MetadataImage after = TestImages.apply(image, result.records());
        assertEquals(1, partition(after, "a", 0).leader());
    }

    @Test
    void wantFenceFencesAndMovesLeadershipAndKeepsACaughtUpFencedBrokerFenced() {
        MetadataImage image = TestImages.empty().brokers(1, 2).topic("a", List.of(1, 2)).build();
        ControllerResult<ControllerApi.BrokerHeartbeatReply> result = heartbeat(image, 1, image.endOffset(), true,
                false, 0);
        assertTrue(result.response().isFenced());
        assertEquals(new MetadataRecord.FenceBroker(1, image.cluster().broker(1).epoch()), result.records().get(0));
        MetadataImage after = TestImages.apply(image, result.records());
        assertTrue(after.cluster().broker(1).fenced());
        assertEquals(2, partition(after, "a", 0).leader());
        assertEquals(List.of(2), partition(after, "a", 0).isr());

        ControllerResult<ControllerApi.BrokerHeartbeatReply> again = heartbeat(after, 1, after.endOffset(), true,
                false, 0);
        assertEquals(List.of(), again.records(), "a broker that wants to stay fenced is not unfenced");
        assertTrue(again.response().isFenced());
    }

    @Test
    void controlledShutdownMovesLeadershipFirstAndReleasesTheBrokerOnceItAppliedThatAndLeadsNothing() {
        MetadataImage image = TestImages.empty().brokers(1, 2, 3)
                .topic("a", List.of(1, 2, 3), List.of(1)).build();
        long epoch = image.cluster().broker(1).epoch();
        ControllerResult<ControllerApi.BrokerHeartbeatReply> first = heartbeat(image, 1, image.endOffset(), false,
                true, 0);
        assertEquals(new MetadataRecord.BrokerRegistrationChange(1, epoch, true), first.records().get(0));
        assertEquals(3, first.records().size(), first.records().toString());
        assertFalse(first.response().shouldShutDown());
        assertFalse(first.response().isFenced());

        MetadataImage moved = TestImages.apply(image, first.records());
        assertTrue(moved.cluster().broker(1).inControlledShutdown());
        assertEquals(2, partition(moved, "a", 0).leader());
        assertEquals(MetadataRecord.NO_LEADER, partition(moved, "a", 1).leader(), "the only replica cannot hand over");
        assertEquals(List.of(1), partition(moved, "a", 1).isr());

        ControllerResult<ControllerApi.BrokerHeartbeatReply> notApplied = heartbeat(moved, 1, moved.endOffset() - 1,
                false, true, 10);
        assertFalse(notApplied.response().shouldShutDown(), "the broker has not applied the leadership moves yet");
        assertEquals(List.of(), notApplied.records());

        ControllerResult<ControllerApi.BrokerHeartbeatReply> done = heartbeat(moved, 1, moved.endOffset(), false,
                true, 20);
        assertTrue(done.response().shouldShutDown());
        assertTrue(done.response().isFenced());
        assertEquals(List.of(new MetadataRecord.FenceBroker(1, epoch)), done.records());
    }

    @Test
    void aBrokerReleasedByControlledShutdownMayRegisterItsNextIncarnationAtOnce() {
        MetadataImage image = TestImages.empty().brokers(1, 2).topic("a", List.of(1, 2)).build();
        manager.activate(image, 0);
        long epoch = image.cluster().broker(1).epoch();
        MetadataImage moved = TestImages.apply(image, heartbeat(image, 1, image.endOffset(), false, true, 10).records());
        ControllerResult<ControllerApi.BrokerHeartbeatReply> done = heartbeat(moved, 1, moved.endOffset(), false, true, 20);
        assertTrue(done.response().shouldShutDown());
        MetadataImage stopped = TestImages.apply(moved, done.records());
        // Well within the old session: a clean stop ends the session, so the restart is not a duplicate.
        ControllerResult<ControllerApi.BrokerRegistrationReply> again = register(stopped,
                registration(1, OTHER_INCARNATION, epoch), 30);
        assertEquals(ApiError.NONE, again.response().error());
        assertEquals(stopped.endOffset(), again.response().brokerEpoch());
    }

    @Test
    void aBrokerInControlledShutdownThatStillLeadsIsNotReleased() {
        MetadataImage image = TestImages.empty().brokers(1, 2).topic("a", List.of(1, 2)).build();
        ControllerResult<ControllerApi.BrokerHeartbeatReply> first = heartbeat(image, 1, image.endOffset(), false,
                true, 0);
        // Only the registration change is replayed: the broker still leads a-0.
        MetadataImage stillLeading = TestImages.apply(image, first.records().subList(0, 1));
        assertEquals(1, partition(stillLeading, "a", 0).leader());
        ControllerResult<ControllerApi.BrokerHeartbeatReply> next = heartbeat(stillLeading, 1, Long.MAX_VALUE / 2,
                false, true, 10);
        assertFalse(next.response().shouldShutDown());
    }

    @Test
    void aFencedBrokerAskingToShutDownMayStopAtOnce() {
        MetadataImage image = TestImages.empty().fencedBroker(1).build();
        ControllerResult<ControllerApi.BrokerHeartbeatReply> result = heartbeat(image, 1, 0, false, true, 0);
        assertTrue(result.response().shouldShutDown());
        assertEquals(List.of(), result.records());
    }

    /**
     * A controller that becomes active while a broker is already in controlled shutdown (the
     * previous active controller wrote the shutdown records) must still release the broker.
     */
    @Test
    void controlledShutdownCompletesAfterControllerFailover() {
        MetadataImage image = TestImages.empty().brokers(1, 2).topic("a", List.of(1, 2)).build();
        ControllerResult<ControllerApi.BrokerHeartbeatReply> first = heartbeat(image, 1, image.endOffset(), false,
                true, 0);
        MetadataImage moved = TestImages.apply(image, first.records());

        ClusterControlManager successor = newManager();
        successor.activate(moved, 100);
        long epoch = moved.cluster().broker(1).epoch();
        ControllerResult<ControllerApi.BrokerHeartbeatReply> afterFailover = successor.heartbeat(moved,
                new ControllerApi.BrokerHeartbeatRequest(1, epoch, moved.endOffset(), false, true),
                moved.endOffset(), 200);
        assertTrue(afterFailover.response().shouldShutDown(),
                "the broker applied every shutdown record and leads nothing, yet the new controller never releases it");
    }

    // ---------------------------------------------------------------- sessions

    @Test
    void sessionsExpireAfterTheTimeoutAndOnlyForUnfencedBrokers() {
        MetadataImage image = TestImages.empty().brokers(1, 2).fencedBroker(3).build();
        manager.activate(image, 1000);
        assertEquals(1000 + SESSION_MS + 1, manager.nextSessionExpiryMs(image));
        heartbeat(image, 1, image.endOffset(), false, false, 5000);
        assertEquals(OptionalInt.empty(), manager.expiredSession(image, 1000 + SESSION_MS));
        assertEquals(OptionalInt.of(2), manager.expiredSession(image, 1000 + SESSION_MS + 1));
        assertEquals(1000 + SESSION_MS + 1, manager.nextSessionExpiryMs(image), "broker 2 expires first");

        List<MetadataRecord> fence = manager.fenceExpired(image, 2);
        assertEquals(new MetadataRecord.FenceBroker(2, image.cluster().broker(2).epoch()), fence.get(0));
        MetadataImage after = TestImages.apply(image, fence);
        assertEquals(5000 + SESSION_MS + 1, manager.nextSessionExpiryMs(after));
        assertEquals(OptionalInt.empty(), manager.expiredSession(after, 5000 + SESSION_MS));
        assertEquals(OptionalInt.of(1), manager.expiredSession(after, 5000 + SESSION_MS + 1));
    }

    @Test
    void fencingAnExpiredBrokerMovesItsPartitions() {
        MetadataImage image = TestImages.empty().brokers(1, 2).topic("a", List.of(1, 2), List.of(1)).build();
        manager.activate(image, 0);
        MetadataImage after = TestImages.apply(image, manager.fenceExpired(image, 1));
        assertTrue(after.cluster().broker(1).fenced());
        assertEquals(2, partition(after, "a", 0).leader());
        assertEquals(List.of(2), partition(after, "a", 0).isr());
        assertEquals(MetadataRecord.NO_LEADER, partition(after, "a", 1).leader());
        assertEquals(List.of(1), partition(after, "a", 1).isr());
    }

    @Test
    void activationGivesEveryBrokerAFullSession() {
        MetadataImage image = TestImages.empty().brokers(1, 2).build();
        manager.activate(image, 0);
        manager.deactivate();
        manager.activate(image, 50_000);
        assertEquals(OptionalInt.empty(), manager.expiredSession(image, 50_000 + SESSION_MS));
        assertEquals(OptionalInt.of(1), manager.expiredSession(image, 50_000 + SESSION_MS + 1));
        assertEquals(50_000 + SESSION_MS + 1, manager.nextSessionExpiryMs(image));
    }

    @Test
    void aDeactivatedManagerForgetsSessions() {
        MetadataImage image = TestImages.empty().brokers(1).build();
        manager.activate(image, 0);
        manager.deactivate();
        assertEquals(ApiError.NONE, register(image, registration(1, OTHER_INCARNATION, -1), 1).response().error(),
                "without a session this controller cannot know the old incarnation lives");
    }
}

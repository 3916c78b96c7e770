package io.kraftlet.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.MetadataRecord;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Regressions from the review of the controller: each scenario broke a guarantee before its fix
 * (a partial fence left a fenced leader, a lowered min ISR left a stale ELR, an uncleanly
 * restarted last ISR member was re-elected cleanly, fenced brokers blocked their successors).
 */
class ControllerReviewRegressionTest {
    private static final int RECORD_BYTES = 64;

    private static ControllerConfig config(int maxAppendBytes) {
        return new ControllerConfig(9000, 2000, false, 300_000, 0, 1, 1, 1, false, maxAppendBytes, 1 << 20, 1000);
    }

    /**
     * A fence whose records span two appends: the first (FenceBroker + some PartitionChanges)
     * commits, the second is refused (BACK_PRESSURE / NOT_LEADER after a leadership change).
     * The committed log then has a fenced broker leading and in the ISR, forever.
     */
    @Test
    void aNewlyActiveControllerFinishesAPartiallyCommittedFence() {
        TestImages images = TestImages.empty().brokers(1, 2, 3);
        List<Integer> r = List.of(1, 2);
        images.topic("t", r, r, r, r, r, r);
        MetadataImage initial = images.controlRecord().build();
        QuorumControllerTest.Harness h = QuorumControllerTest.Harness.leader(config(4 * RECORD_BYTES), initial, 0);
        // Brokers 2 and 3 stay alive.
        h.heartbeat(2, false, 8000);
        h.heartbeat(3, false, 8000);
        h.commitAll(8000);
        h.tick(9001); // broker 1's session expires: FenceBroker(1) + 6 PartitionChanges -> 2 appends
        assertEquals(2, h.uncommitted.size(), "the fence spans two appends");
        assertTrue(h.uncommitted.peekFirst().records().get(0) instanceof MetadataRecord.FenceBroker);
        h.commitNext(9001);
        ControllerEffects.Append second = h.uncommitted.poll();
        h.controller.handleAppendResult(second.appendId(), false, -1, 9001);
        h.drain();
        h.commitAll(9001); // the re-activated controller repairs what the lost append would have done
        MetadataImage committed = h.controller.committedImage();
        assertTrue(committed.cluster().broker(1).fenced());
        PartitionRegistration p5 = committed.topics().topic("t").partition(5);
        for (PartitionRegistration partition : committed.topics().topic("t").partitions()) {
            assertEquals(2, partition.leader(), partition.toString());
            assertEquals(List.of(2), partition.isr(), partition.toString());
        }
        assertEquals(2, p5.leader());
    }

    /** An ELR does not survive min.insync.replicas being lowered into a later clean election. */
    @Test
    void aLoweredMinIsrVoidsTheElr() {
        MetadataImage initial = TestImages.empty().brokers(1, 2)
                .topic("t", TestImages.part("t", 0).replicas(1, 2).isr(1).elr(2).leader(1))
                .topicConfig("t", ConfigurationControlManager.MIN_INSYNC_REPLICAS, "2")
                .controlRecord().build();
        QuorumControllerTest.Harness h = QuorumControllerTest.Harness.leader(config(1 << 20), initial, 0);
        long alter = h.send(id -> h.controller.alterConfigs(id, new ControllerApi.AlterConfigsRequest(List.of(
                new ControllerApi.ConfigChange(ConfigResource.topic("t"),
                        ConfigurationControlManager.MIN_INSYNC_REPLICAS, "1")), false), 0));
        h.commitAll(0);
        assertTrue(h.response(alter, ControllerApi.AlterConfigsReply.class).resources().get(0).error().isSuccess());
        // From here on ISR [1] >= min ISR 1, so the HW advances with broker 1 alone; 2 falls behind.
        assertEquals(List.of(2), h.controller.committedImage().topics().topic("t").partition(0).elr());
        h.heartbeat(2, false, 8000);
        h.commitAll(8000);
        h.tick(9001); // broker 1 expires
        h.commitAll(9001);
        PartitionRegistration p = h.controller.committedImage().topics().topic("t").partition(0);
        // Broker 2 fell behind the HW while the ISR met the lowered min ISR: it must not lead.
        assertEquals(MetadataRecord.NO_LEADER, p.leader(), p.toString());
        assertEquals(List.of(1), p.isr());
        assertEquals(List.of(), p.elr());
    }

    /** The sole ISR member restarts uncleanly (no clean-shutdown epoch) while an ELR member is down. */
    @Test
    void anUncleanlyRestartedLastIsrMemberGivesWayToTheElr() {
        MetadataImage initial = TestImages.empty().brokers(1, 2)
                .topic("t", TestImages.part("t", 0).replicas(1, 2).isr(1).elr(2).leader(-1))
                .topicConfig("t", ConfigurationControlManager.MIN_INSYNC_REPLICAS, "2")
                .fence(1).fence(2).controlRecord().build();
        QuorumControllerTest.Harness h = QuorumControllerTest.Harness.leader(config(1 << 20), initial, 0);
        long reg = h.send(id -> h.controller.registerBroker(id, new ControllerApi.BrokerRegistrationRequest(1,
                new UUID(9, 9), TestImages.listeners(1), "", -1), 9001));
        h.commitAll(9001);
        long epoch = h.response(reg, ControllerApi.BrokerRegistrationReply.class).brokerEpoch();
        long hb = h.send(id -> h.controller.brokerHeartbeat(id, new ControllerApi.BrokerHeartbeatRequest(1, epoch,
                epoch + 1, false, false), 9001));
        h.commitAll(9001);
        assertTrue(h.response(hb, ControllerApi.BrokerHeartbeatReply.class).error().isSuccess());
        PartitionRegistration p = h.controller.committedImage().topics().topic("t").partition(0);
        // Broker 1 may miss data below the HW; ELR member 2 has it all and takes 1's place.
        assertEquals(MetadataRecord.NO_LEADER, p.leader(), p.toString());
        assertEquals(List.of(2), p.isr());
        assertEquals(List.of(1), p.lastKnownElr());
        assertEquals(0, h.controller.uncleanElections());
    }

    /** The builder alone: ISR [1] >= minIsr 1, so ELR [2] is stale and never elected. */
    @Test
    void theBuilderIgnoresAnElrOnceTheIsrMeetsMinIsr() {
        PartitionRegistration current = TestImages.part("t", 0).replicas(1, 2).isr(1).elr(2).leader(1).registration();
        Optional<MetadataRecord.PartitionChange> change = new PartitionChangeBuilder(current,
                TestImages.topicId("t"), 0, id -> id == 2, 1, false).targetIsr(List.of()).build();
        assertEquals(MetadataRecord.NO_LEADER, change.orElseThrow().leader());
        assertEquals(List.of(), change.orElseThrow().elr());
    }

    /** After a failover a fenced broker has no session, so its new incarnation is not refused. */
    @Test
    void aFencedBrokersNewIncarnationRegistersAtOnceAfterFailover() {
        MetadataImage initial = TestImages.empty().brokers(1).fence(1).controlRecord().build();
        QuorumControllerTest.Harness h = QuorumControllerTest.Harness.leader(config(1 << 20), initial, 0);
        long reg = h.send(id -> h.controller.registerBroker(id, new ControllerApi.BrokerRegistrationRequest(1,
                new UUID(9, 9), TestImages.listeners(1), "", 0), 100));
        h.commitAll(100);
        ControllerApi.BrokerRegistrationReply reply = h.response(reg, ControllerApi.BrokerRegistrationReply.class);
        assertEquals(ControllerError.NONE, reply.error().error());
    }
}

package io.kraftlet.controller;

import io.kraftlet.image.MetadataDelta;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.MetadataRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Builds metadata images for controller tests the way the log does: by replaying records, one
 * offset each, through a {@link MetadataDelta}. A broker's epoch is therefore the offset of its
 * RegisterBroker record, exactly as the controller assigns it.
 */
final class TestImages {
    /** Records replayed so far, in log order (what a simulated log holds). */
    private final List<MetadataRecord> log = new ArrayList<>();
    private MetadataImage image = MetadataImage.EMPTY;

    static TestImages empty() {
        return new TestImages();
    }

    /** A deterministic topic id, so tests can name a topic's id without reading the image. */
    static UUID topicId(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }

    /** The incarnation id the builder registers broker {@code id} with. */
    static UUID incarnation(int id) {
        return new UUID(0x1DL, id);
    }

    static List<Endpoint> listeners(int id) {
        return List.of(new Endpoint("PLAINTEXT", "localhost", 9000 + id));
    }

    /** {@code image} with {@code records} replayed at its end offset, one offset each. */
    static MetadataImage apply(MetadataImage image, List<MetadataRecord> records) {
        MetadataDelta delta = new MetadataDelta(image);
        long offset = image.endOffset();
        for (MetadataRecord record : records) {
            delta.replay(record, offset++);
        }
        return delta.apply(offset);
    }

    TestImages replay(MetadataRecord... records) {
        return replay(Arrays.asList(records));
    }

    TestImages replay(List<MetadataRecord> records) {
        image = apply(image, records);
        log.addAll(records);
        return this;
    }

    /** Moves the end offset without records, as a committed control batch does. */
    TestImages controlRecord() {
        image = new MetadataDelta(image).apply(image.endOffset() + 1);
        return this;
    }

    /** Registers the broker (epoch = the offset of its record) and unfences it. */
    TestImages broker(int id) {
        long epoch = image.endOffset();
        return replay(register(id, epoch), new MetadataRecord.UnfenceBroker(id, epoch));
    }

    TestImages brokers(int... ids) {
        for (int id : ids) {
            broker(id);
        }
        return this;
    }

    /** Registers the broker and leaves it fenced, as a new registration is. */
    TestImages fencedBroker(int id) {
        return replay(register(id, image.endOffset()));
    }

    /** Registers and unfences the broker, then puts it in controlled shutdown. */
    TestImages shuttingDownBroker(int id) {
        broker(id);
        return replay(new MetadataRecord.BrokerRegistrationChange(id, epochOf(id), true));
    }

    TestImages fence(int id) {
        return replay(new MetadataRecord.FenceBroker(id, epochOf(id)));
    }

    long epochOf(int id) {
        return image.cluster().broker(id).epoch();
    }

    private static MetadataRecord.RegisterBroker register(int id, long epoch) {
        return new MetadataRecord.RegisterBroker(id, epoch, incarnation(id), listeners(id), "rack" + id, true, false);
    }

    /**
     * A topic whose partition p has replicas {@code assignment[p]}, the whole assignment as ISR
     * and replicas[0] as leader, epochs 0.
     */
    @SafeVarargs
    final TestImages topic(String name, List<Integer>... assignment) {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new MetadataRecord.Topic(name, topicId(name)));
        for (int p = 0; p < assignment.length; p++) {
            records.add(part(name, p).replicas(assignment[p]).isr(assignment[p]).leader(assignment[p].get(0))
                    .record());
        }
        return replay(records);
    }

    /** A topic with the given partitions (built with {@link #part}). */
    TestImages topic(String name, Part... partitions) {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new MetadataRecord.Topic(name, topicId(name)));
        for (Part partition : partitions) {
            records.add(partition.record());
        }
        return replay(records);
    }

    TestImages topicConfig(String topic, String key, String value) {
        return replay(new MetadataRecord.Config(ConfigResource.topic(topic), key, value));
    }

    TestImages clusterDefault(String key, String value) {
        return replay(new MetadataRecord.Config(ConfigResource.CLUSTER_DEFAULTS, key, value));
    }

    MetadataImage build() {
        return image;
    }

    List<MetadataRecord> log() {
        return List.copyOf(log);
    }

    static Part part(String topic, int partitionId) {
        return new Part(topic, partitionId);
    }

    /** One partition's full state, written as a Partition record. */
    static final class Part {
        private final String topic;
        private final int partitionId;
        private List<Integer> replicas = List.of();
        private List<Integer> isr;
        private List<Integer> elr = List.of();
        private List<Integer> lastKnownElr = List.of();
        private Integer leader;
        private LeaderRecoveryState recovery = LeaderRecoveryState.RECOVERED;
        private int leaderEpoch;
        private int partitionEpoch;

        Part(String topic, int partitionId) {
            this.topic = topic;
            this.partitionId = partitionId;
        }

        Part replicas(Integer... ids) {
            return replicas(List.of(ids));
        }

        Part replicas(List<Integer> ids) {
            replicas = List.copyOf(ids);
            return this;
        }

        Part isr(Integer... ids) {
            return isr(List.of(ids));
        }

        Part isr(List<Integer> ids) {
            isr = List.copyOf(ids);
            return this;
        }

        Part elr(Integer... ids) {
            elr = List.of(ids);
            return this;
        }

        Part lastKnownElr(Integer... ids) {
            lastKnownElr = List.of(ids);
            return this;
        }

        Part leader(int id) {
            leader = id;
            return this;
        }

        Part recovering() {
            recovery = LeaderRecoveryState.RECOVERING;
            return this;
        }

        Part epochs(int newLeaderEpoch, int newPartitionEpoch) {
            leaderEpoch = newLeaderEpoch;
            partitionEpoch = newPartitionEpoch;
            return this;
        }

        MetadataRecord.Partition record() {
            List<Integer> actualIsr = isr != null ? isr : replicas;
            int actualLeader = leader != null ? leader : actualIsr.isEmpty() ? -1 : actualIsr.get(0);
            return new MetadataRecord.Partition(topicId(topic), partitionId, replicas, actualIsr, elr, lastKnownElr,
                    actualLeader, recovery, leaderEpoch, partitionEpoch);
        }

        PartitionRegistration registration() {
            return PartitionRegistration.fromRecord(record());
        }
    }
}

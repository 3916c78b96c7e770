package io.kraftlet.image;

import io.kraftlet.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A topic and its partitions, indexed by partition id (0 .. count-1). Immutable: a change
 * makes a new TopicImage that shares every unchanged {@link PartitionRegistration}.
 */
public final class TopicImage {
    private final String name;
    private final UUID id;
    private final PartitionRegistration[] partitions;

    TopicImage(String name, UUID id, PartitionRegistration[] partitions) {
        this.name = Objects.requireNonNull(name, "name");
        this.id = Objects.requireNonNull(id, "id");
        this.partitions = partitions;
    }

    public String name() {
        return name;
    }

    public UUID id() {
        return id;
    }

    public int partitionCount() {
        return partitions.length;
    }

    /** The partition, or null if there is no such partition (or it was not yet written). */
    public PartitionRegistration partition(int partitionId) {
        return partitionId >= 0 && partitionId < partitions.length ? partitions[partitionId] : null;
    }

    /** Partitions in id order. */
    public List<PartitionRegistration> partitions() {
        return Collections.unmodifiableList(Arrays.asList(partitions));
    }

    /** This topic as records: the Topic record then one Partition record per partition. */
    public List<MetadataRecord> toRecords() {
        List<MetadataRecord> records = new ArrayList<>(partitions.length + 1);
        records.add(new MetadataRecord.Topic(name, id));
        for (int i = 0; i < partitions.length; i++) {
            if (partitions[i] != null) {
                records.add(partitions[i].toRecord(id, i));
            }
        }
        return records;
    }

    PartitionRegistration[] partitionArray() {
        return partitions;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TopicImage that && name.equals(that.name) && id.equals(that.id)
                && Arrays.equals(partitions, that.partitions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, id, partitions.length);
    }

    @Override
    public String toString() {
        return "Topic(" + name + ", " + id + ", " + partitions.length + " partitions)";
    }
}

package io.kraftlet.metadata;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The records of the metadata log. The active controller decides and writes them; every
 * controller and every broker replays them in offset order, and replaying the same records
 * from the same image always gives the same image. Encoded with protobuf by
 * {@code io.kraftlet.codec.MetadataRecordCodec}.
 */
public sealed interface MetadataRecord {
    /** A broker id that means "no broker", as Kafka's -1 leader. */
    int NO_LEADER = -1;

    /**
     * A broker registered. Its epoch is the offset of this record, so a broker that restarts
     * always comes back with a larger epoch. A new registration starts fenced.
     */
    record RegisterBroker(int brokerId, long brokerEpoch, UUID incarnationId, List<Endpoint> listeners, String rack,
            boolean fenced, boolean inControlledShutdown) implements MetadataRecord {
        public RegisterBroker {
            Objects.requireNonNull(incarnationId, "incarnationId");
            listeners = List.copyOf(listeners);
            rack = rack == null ? "" : rack;
        }
    }

    /** A broker's registration is gone (an operator removed it). */
    record UnregisterBroker(int brokerId, long brokerEpoch) implements MetadataRecord {
    }

    /** The broker may no longer lead or be in an ISR: its session expired or it shut down. */
    record FenceBroker(int brokerId, long brokerEpoch) implements MetadataRecord {
    }

    /** The broker caught up with the metadata log and may lead and join ISRs again. */
    record UnfenceBroker(int brokerId, long brokerEpoch) implements MetadataRecord {
    }

    /** The broker asked to stop: the controller moves leadership away before it may go. */
    record BrokerRegistrationChange(int brokerId, long brokerEpoch, boolean inControlledShutdown)
            implements MetadataRecord {
    }

    /** A topic was created; its partitions follow as {@link Partition} records. */
    record Topic(String name, UUID topicId) implements MetadataRecord {
        public Topic {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(topicId, "topicId");
        }
    }

    /** The full state of one partition, as written at creation and in snapshots. */
    record Partition(UUID topicId, int partitionId, List<Integer> replicas, List<Integer> isr, List<Integer> elr,
            List<Integer> lastKnownElr, int leader, LeaderRecoveryState leaderRecoveryState, int leaderEpoch,
            int partitionEpoch) implements MetadataRecord {
        public Partition {
            Objects.requireNonNull(topicId, "topicId");
            replicas = List.copyOf(replicas);
            isr = List.copyOf(isr);
            elr = List.copyOf(elr);
            lastKnownElr = List.copyOf(lastKnownElr);
            Objects.requireNonNull(leaderRecoveryState, "leaderRecoveryState");
        }
    }

    /**
     * A change to one partition. A null field is unchanged. Replaying it bumps the partition
     * epoch always, and the leader epoch when the leader changes (or when {@code bumpLeaderEpoch}
     * asks for it), so every holder of the partition learns that something moved.
     */
    record PartitionChange(UUID topicId, int partitionId, Integer leader, List<Integer> isr, List<Integer> elr,
            List<Integer> lastKnownElr, List<Integer> replicas, LeaderRecoveryState leaderRecoveryState,
            boolean bumpLeaderEpoch) implements MetadataRecord {
        public PartitionChange {
            Objects.requireNonNull(topicId, "topicId");
            isr = isr == null ? null : List.copyOf(isr);
            elr = elr == null ? null : List.copyOf(elr);
            lastKnownElr = lastKnownElr == null ? null : List.copyOf(lastKnownElr);
            replicas = replicas == null ? null : List.copyOf(replicas);
        }
    }

    /** A topic and all its partitions are gone. */
    record RemoveTopic(UUID topicId) implements MetadataRecord {
        public RemoveTopic {
            Objects.requireNonNull(topicId, "topicId");
        }
    }

    /** Sets a configuration value, or removes it when {@code value} is null. */
    record Config(ConfigResource resource, String name, String value) implements MetadataRecord {
        public Config {
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * Written by an idle active controller now and then, so brokers see the log move and their
     * applied offset in heartbeats means "caught up", and so the quorum proves it still works.
     */
    record NoOp() implements MetadataRecord {
    }
}

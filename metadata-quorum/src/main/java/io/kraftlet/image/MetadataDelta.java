package io.kraftlet.image;

import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.MetadataRecord;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The changes that records make to a {@link MetadataImage}: replay records in log order, then
 * {@link #apply} makes the next image, copying only what changed. Listeners receive the delta
 * with the new image, so they can act only on what moved.
 *
 * <p>Replay is deterministic and strict: a record that does not fit the image (a partition of
 * an unknown topic, a fence of a broker epoch that is not registered) is a bug in whoever wrote
 * it, and replay throws {@link IllegalStateException} naming it rather than guess.
 *
 * <p>Not thread-safe; one delta is filled by one thread.
 */
public final class MetadataDelta {
    private final MetadataImage base;
    /** Broker id to its new registration; a null value means unregistered. */
    private final Map<Integer, BrokerRegistration> brokerChanges = new HashMap<>();
    private final Map<UUID, TopicChange> topicChanges = new LinkedHashMap<>();
    private final Set<UUID> removedTopics = new HashSet<>();
    private final Map<String, UUID> removedTopicNames = new HashMap<>();
    /** Names of topics created in this delta and not removed since: finds a duplicate name without a scan. */
    private final Map<String, UUID> createdTopicNames = new HashMap<>();
    /** Resource to name to value; a null value means removed. */
    private final Map<ConfigResource, Map<String, String>> configChanges = new HashMap<>();
    private int recordCount;

    public MetadataDelta(MetadataImage base) {
        this.base = base;
    }

    /** A topic that changed in this delta: its partitions, copied on the first change. */
    private static final class TopicChange {
        final String name;
        final UUID id;
        final boolean created;
        PartitionRegistration[] partitions;
        int count;
        final Set<Integer> changed = new TreeSet<>();

        TopicChange(String name, UUID id, boolean created, PartitionRegistration[] partitions) {
            this.name = name;
            this.id = id;
            this.created = created;
            this.partitions = partitions;
            this.count = partitions.length;
        }

        void set(int partitionId, PartitionRegistration partition) {
            if (partitionId >= partitions.length) {
                partitions = Arrays.copyOf(partitions, Math.max(partitionId + 1, partitions.length * 2));
            }
            partitions[partitionId] = partition;
            count = Math.max(count, partitionId + 1);
            changed.add(partitionId);
        }

        TopicImage toImage() {
            // Always a copy: the working array stays with this delta, so a later replay cannot
            // reach into an image already handed out.
            PartitionRegistration[] exact = Arrays.copyOf(partitions, count);
            for (int i = 0; i < exact.length; i++) {
                if (exact[i] == null) {
                    throw new IllegalStateException("topic " + name + " has no record for partition " + i
                            + " of " + exact.length);
                }
            }
            return new TopicImage(name, id, exact);
        }
    }

    public MetadataImage base() {
        return base;
    }

    /** Applies one record to this delta. {@code offset} is for error messages (-1 if unknown). */
    public void replay(MetadataRecord record, long offset) {
        recordCount++;
        if (record instanceof MetadataRecord.RegisterBroker r) {
            brokerChanges.put(r.brokerId(), new BrokerRegistration(r.brokerId(), r.brokerEpoch(), r.incarnationId(),
                    r.listeners(), r.rack(), r.fenced(), r.inControlledShutdown()));
        } else if (record instanceof MetadataRecord.UnregisterBroker r) {
            requireBroker(r.brokerId(), r.brokerEpoch(), record, offset);
            brokerChanges.put(r.brokerId(), null);
        } else if (record instanceof MetadataRecord.FenceBroker r) {
            brokerChanges.put(r.brokerId(), requireBroker(r.brokerId(), r.brokerEpoch(), record, offset).withFenced(true));
        } else if (record instanceof MetadataRecord.UnfenceBroker r) {
            brokerChanges.put(r.brokerId(), requireBroker(r.brokerId(), r.brokerEpoch(), record, offset)
                    .withFenced(false).withControlledShutdown(false));
        } else if (record instanceof MetadataRecord.BrokerRegistrationChange r) {
            brokerChanges.put(r.brokerId(), requireBroker(r.brokerId(), r.brokerEpoch(), record, offset)
                    .withControlledShutdown(r.inControlledShutdown()));
        } else if (record instanceof MetadataRecord.Topic r) {
            replayTopic(r, offset);
        } else if (record instanceof MetadataRecord.Partition r) {
            if (r.partitionId() < 0) {
                throw new IllegalStateException(where(offset) + record + " has a negative partition id");
            }
            changeOf(r.topicId(), record, offset).set(r.partitionId(), PartitionRegistration.fromRecord(r));
        } else if (record instanceof MetadataRecord.PartitionChange r) {
            TopicChange topic = changeOf(r.topicId(), record, offset);
            PartitionRegistration current = r.partitionId() >= 0 && r.partitionId() < topic.count
                    ? topic.partitions[r.partitionId()] : null;
            if (current == null) {
                throw new IllegalStateException(where(offset) + record + " changes partition " + r.partitionId()
                        + " of topic " + topic.name + ", which does not exist");
            }
            topic.set(r.partitionId(), current.merge(r));
        } else if (record instanceof MetadataRecord.RemoveTopic r) {
            TopicChange topic = changeOf(r.topicId(), record, offset);
            topicChanges.remove(r.topicId());
            // The topic's configs go with it, including values set earlier in this delta.
            configChanges.remove(ConfigResource.topic(topic.name));
            if (topic.created) {
                createdTopicNames.remove(topic.name);
            } else {
                removedTopics.add(r.topicId());
                removedTopicNames.put(topic.name, r.topicId());
            }
        } else if (record instanceof MetadataRecord.Config r) {
            configChanges.computeIfAbsent(r.resource(), k -> new HashMap<>()).put(r.name(), r.value());
        } else if (!(record instanceof MetadataRecord.NoOp)) {
            throw new IllegalStateException(where(offset) + "unknown record " + record);
        }
    }

    private void replayTopic(MetadataRecord.Topic r, long offset) {
        if (topicNameExists(r.name()) || topicChanges.containsKey(r.topicId())
                || base.topics().topic(r.topicId()) != null && !removedTopics.contains(r.topicId())) {
            throw new IllegalStateException(where(offset) + r + " creates a topic whose name or id exists");
        }
        topicChanges.put(r.topicId(), new TopicChange(r.name(), r.topicId(), true, new PartitionRegistration[0]));
        createdTopicNames.put(r.name(), r.topicId());
    }

    private boolean topicNameExists(String name) {
        // A changed topic that was not created here is in the base under its name, so only the
        // created ones need their own index.
        if (createdTopicNames.containsKey(name)) {
            return true;
        }
        TopicImage topic = base.topics().topic(name);
        return topic != null && !removedTopics.contains(topic.id());
    }

    private TopicChange changeOf(UUID topicId, MetadataRecord record, long offset) {
        TopicChange change = topicChanges.get(topicId);
        if (change != null) {
            return change;
        }
        TopicImage topic = removedTopics.contains(topicId) ? null : base.topics().topic(topicId);
        if (topic == null) {
            throw new IllegalStateException(where(offset) + record + " refers to unknown topic id " + topicId);
        }
        change = new TopicChange(topic.name(), topicId, false, topic.partitionArray().clone());
        topicChanges.put(topicId, change);
        return change;
    }

    private BrokerRegistration requireBroker(int brokerId, long brokerEpoch, MetadataRecord record, long offset) {
        BrokerRegistration broker = brokerChanges.containsKey(brokerId) ? brokerChanges.get(brokerId)
                : base.cluster().broker(brokerId);
        if (broker == null || broker.epoch() != brokerEpoch) {
            throw new IllegalStateException(where(offset) + record + " names broker " + brokerId + " epoch "
                    + brokerEpoch + " but the registration is " + broker);
        }
        return broker;
    }

    private static String where(long offset) {
        return offset >= 0 ? "record at offset " + offset + ": " : "";
    }

    /** The next image: the base with every replayed record applied, ending at {@code endOffset}. */
    public MetadataImage apply(long endOffset) {
        ClusterImage cluster = base.cluster();
        if (!brokerChanges.isEmpty()) {
            NavigableMap<Integer, BrokerRegistration> brokers = new TreeMap<>(cluster.brokers());
            brokerChanges.forEach((id, broker) -> {
                if (broker == null) {
                    brokers.remove(id);
                } else {
                    brokers.put(id, broker);
                }
            });
            cluster = new ClusterImage(brokers);
        }
        TopicsImage topics = base.topics();
        if (!topicChanges.isEmpty() || !removedTopics.isEmpty()) {
            Map<UUID, TopicImage> byId = new HashMap<>(topics.byId());
            removedTopics.forEach(byId::remove);
            topicChanges.forEach((id, change) -> byId.put(id, change.toImage()));
            topics = TopicsImage.of(byId);
        }
        ConfigurationsImage configs = base.configs();
        if (!configChanges.isEmpty() || !removedTopicNames.isEmpty()) {
            Map<ConfigResource, Map<String, String>> resources = new HashMap<>(configs.resources());
            // A removed topic's configs go with it (Kafka deletes them with the topic).
            removedTopicNames.keySet().forEach(name -> resources.remove(ConfigResource.topic(name)));
            configChanges.forEach((resource, values) -> {
                Map<String, String> merged = new HashMap<>(resources.getOrDefault(resource, Map.of()));
                values.forEach((name, value) -> {
                    if (value == null) {
                        merged.remove(name);
                    } else {
                        merged.put(name, value);
                    }
                });
                resources.put(resource, merged);
            });
            configs = new ConfigurationsImage(resources);
        }
        return new MetadataImage(endOffset, cluster, topics, configs);
    }

    // ---------------------------------------------------------------- what changed

    /** Records replayed into this delta. */
    public int recordCount() {
        return recordCount;
    }

    /** Ids of brokers whose registration changed (registered, fenced, unfenced, removed...). */
    public Set<Integer> changedBrokerIds() {
        return Collections.unmodifiableSet(brokerChanges.keySet());
    }

    /** Ids of topics created or changed (not removed) in this delta. */
    public Set<UUID> changedTopicIds() {
        return Collections.unmodifiableSet(topicChanges.keySet());
    }

    /** Whether the topic was created by this delta. */
    public boolean isCreated(UUID topicId) {
        TopicChange change = topicChanges.get(topicId);
        return change != null && change.created;
    }

    /** Ids of partitions of the topic that were written or changed in this delta, ascending. */
    public Set<Integer> changedPartitions(UUID topicId) {
        TopicChange change = topicChanges.get(topicId);
        return change == null ? Set.of() : Collections.unmodifiableSet(change.changed);
    }

    /** Ids of topics that existed in the base and were removed. */
    public Set<UUID> removedTopicIds() {
        return Collections.unmodifiableSet(removedTopics);
    }

    /** Resources with a configuration change. */
    public Set<ConfigResource> changedConfigResources() {
        return Collections.unmodifiableSet(configChanges.keySet());
    }
}

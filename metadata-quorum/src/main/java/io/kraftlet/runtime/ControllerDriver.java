package io.kraftlet.runtime;

import io.kraftlet.controller.ApiError;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerEffects;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.controller.NotControllerException;
import io.kraftlet.controller.QuorumController;
import io.kraftlet.image.MetadataDelta;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.MetadataListener;
import io.kraftlet.image.MetadataLoader;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.image.TopicImage;
import io.kraftlet.image.ZkView;
import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.MetadataRecord;
import io.kraftlet.raft.LeaderAndEpoch;
import io.kraftlet.transport.grpc.HostPort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one controller: a thread that owns the pure {@link QuorumController}, feeds it commands,
 * committed images, leader changes, append outcomes and timer ticks, and carries out its
 * effects (appends to the metadata quorum, answers). Snapshots of the committed image are taken
 * every {@code snapshotEveryRecords} committed records.
 *
 * <p>Threading: the {@link ControllerApi} methods may be called from any thread and never block;
 * they enqueue (a full queue answers THROTTLING-style with an exception). Reads are answered from
 * the loader's committed image on the caller's thread. Futures complete on the controller thread.
 */
public final class ControllerDriver implements ControllerApi, MetadataListener, MetadataLoader.LeaderListener,
        AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControllerDriver.class);
    private static final int MAX_INPUTS_PER_ROUND = 256;

    private final QuorumController core;
    private final MetadataLoader loader;
    private final String clusterId;
    private final Map<Integer, HostPort> voters;
    private final Function<List<byte[]>, CompletableFuture<Long>> appender;
    private final BiFunction<Long, byte[], CompletableFuture<Void>> snapshotter;
    private final Function<MetadataRecord, byte[]> encoder;
    private final Function<List<MetadataRecord>, byte[]> snapshotEncoder;
    private final long snapshotEveryRecords;
    private final Clock clock;
    /**
     * Inputs in arrival order. Commands are bounded by {@code commandCapacity}; internal inputs
     * (committed images, leader changes, append outcomes) are never refused, because they come
     * from the quorum's thread or from this thread itself and must not block either: they are
     * bounded by the appends in flight and the batches the quorum commits.
     */
    private final BlockingQueue<Event> inbox;
    private final int commandCapacity;
    private final AtomicInteger queuedCommands = new AtomicInteger();

    /** One input for the controller thread; {@code answer} is failed if the input never runs. */
    private record Event(Consumer<Long> action, CompletableFuture<Object> answer) {
    }
    private final Map<Long, CompletableFuture<Object>> pending = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private long nextRequestId;
    private long wakeupAtMs = Long.MAX_VALUE;
    private long recordsSinceSnapshot;
    private long lastSnapshotOffset;
    private volatile Throwable failure;
    /** Published after every input for other threads (meters, isActive). */
    private volatile boolean active;
    private volatile long uncleanElections;
    private volatile long timedOutHeartbeats;

    /**
     * @param appender appends encoded records to the metadata quorum; completes with the last
     *     record's committed offset
     * @param snapshotter stores a snapshot of everything below the offset
     */
    public ControllerDriver(QuorumController core, MetadataLoader loader, String clusterId, Map<Integer, HostPort> voters,
            Function<List<byte[]>, CompletableFuture<Long>> appender,
            BiFunction<Long, byte[], CompletableFuture<Void>> snapshotter, Function<MetadataRecord, byte[]> encoder,
            Function<List<MetadataRecord>, byte[]> snapshotEncoder, long snapshotEveryRecords, int inboxCapacity,
            Clock clock) {
        this.core = Objects.requireNonNull(core, "core");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.clusterId = clusterId;
        this.voters = Map.copyOf(voters);
        this.appender = appender;
        this.snapshotter = snapshotter;
        this.encoder = encoder;
        this.snapshotEncoder = snapshotEncoder;
        this.snapshotEveryRecords = snapshotEveryRecords;
        this.clock = clock;
        this.inbox = new LinkedBlockingQueue<>();
        this.commandCapacity = inboxCapacity;
        this.thread = new Thread(this::run, "kraftlet-controller-" + core.nodeId());
        this.thread.setDaemon(true);
        loader.addListener(this);
        loader.addLeaderListener(this);
    }

    public void start() {
        thread.start();
    }

    /** Whether this controller is the active one (read from any thread; may lag by one event). */
    public boolean isActive() {
        return active;
    }


    /** Why the controller thread stopped on its own, or null. */
    public Throwable failure() {
        return failure;
    }

    // ---------------------------------------------------------------- inputs from the loader (quorum thread)

    @Override
    public void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
        enqueueInternal(now -> {
            core.handleCommittedImage(newImage, now);
            maybeSnapshot(delta, newImage);
        });
    }

    @Override
    public void onLeaderChange(LeaderAndEpoch leader) {
        enqueueInternal(now -> core.handleLeaderChange(leader, now));
    }

    private void maybeSnapshot(MetadataDelta delta, MetadataImage image) {
        recordsSinceSnapshot += delta.recordCount();
        if (recordsSinceSnapshot < snapshotEveryRecords || image.endOffset() <= lastSnapshotOffset) {
            return;
        }
        recordsSinceSnapshot = 0;
        lastSnapshotOffset = image.endOffset();
        byte[] data = snapshotEncoder.apply(image.toRecords());
        snapshotter.apply(image.endOffset(), data).whenComplete((done, error) -> {
            if (error != null) {
                log.warn("controller {}: snapshot at offset {} failed: {}", core.nodeId(), image.endOffset(),
                        error.toString());
            } else {
                log.info("controller {}: snapshot at offset {} ({} bytes)", core.nodeId(), image.endOffset(), data.length);
            }
        });
    }

    /** Internal inputs are never lost and never block (see {@link #inbox}). */
    private void enqueueInternal(Consumer<Long> event) {
        inbox.add(new Event(event, null));
    }

    // ---------------------------------------------------------------- commands (any thread)

    @SuppressWarnings("unchecked")
    private <R> CompletableFuture<R> submit(java.util.function.BiConsumer<Long, Long> command) {
        CompletableFuture<Object> answer = new CompletableFuture<>();
        Consumer<Long> event = now -> {
            long requestId = nextRequestId++;
            pending.put(requestId, answer);
            command.accept(requestId, now);
        };
        if (!running) {
            answer.completeExceptionally(new IllegalStateException("controller " + core.nodeId() + " is stopped"
                    + (failure == null ? "" : " after a failure: " + failure)));
        } else if (queuedCommands.incrementAndGet() > commandCapacity) {
            queuedCommands.decrementAndGet();
            answer.completeExceptionally(new NotControllerException("controller " + core.nodeId()
                    + " is overloaded: " + commandCapacity + " commands are already queued", hint(core.leader())));
        } else {
            inbox.add(new Event(event, answer));
            if (!running) {
                failLeftovers(); // the thread may have stopped after our check
            }
        }
        return (CompletableFuture<R>) (CompletableFuture<?>) answer;
    }

    @Override
    public CompletableFuture<BrokerRegistrationReply> registerBroker(BrokerRegistrationRequest request) {
        return submit((id, now) -> core.registerBroker(id, request, now));
    }

    @Override
    public CompletableFuture<BrokerHeartbeatReply> brokerHeartbeat(BrokerHeartbeatRequest request) {
        return submit((id, now) -> core.brokerHeartbeat(id, request, now));
    }

    @Override
    public CompletableFuture<AlterPartitionReply> alterPartition(AlterPartitionRequest request) {
        return submit((id, now) -> core.alterPartition(id, request, now));
    }

    @Override
    public CompletableFuture<CreateTopicsReply> createTopics(CreateTopicsRequest request) {
        return submit((id, now) -> core.createTopics(id, request, now));
    }

    @Override
    public CompletableFuture<DeleteTopicsReply> deleteTopics(DeleteTopicsRequest request) {
        return submit((id, now) -> core.deleteTopics(id, request, now));
    }

    @Override
    public CompletableFuture<ElectLeadersReply> electLeaders(ElectLeadersRequest request) {
        return submit((id, now) -> core.electLeaders(id, request, now));
    }

    @Override
    public CompletableFuture<AlterConfigsReply> alterConfigs(AlterConfigsRequest request) {
        return submit((id, now) -> core.alterConfigs(id, request, now));
    }

    // ---------------------------------------------------------------- reads (caller's thread)

    @Override
    public CompletableFuture<DescribeClusterReply> describeCluster() {
        MetadataImage image = loader.image();
        return CompletableFuture.completedFuture(new DescribeClusterReply(ApiError.NONE, clusterId,
                hint(loader.leader()), List.copyOf(image.cluster().brokers().values()), image.endOffset()));
    }

    @Override
    public CompletableFuture<DescribeTopicsReply> describeTopics(List<String> topics) {
        return CompletableFuture.completedFuture(describe(loader.image(), topics));
    }

    /** Topic descriptions from an image: all topics (by name) when {@code names} is empty. */
    public static DescribeTopicsReply describe(MetadataImage image, List<String> names) {
        List<String> wanted = names.isEmpty() ? image.topics().byName().keySet().stream().sorted().toList() : names;
        List<TopicDescription> topics = new ArrayList<>();
        for (String name : wanted) {
            TopicImage topic = image.topics().topic(name);
            if (topic == null) {
                topics.add(new TopicDescription(name, null, ApiError.of(
                        ControllerError.UNKNOWN_TOPIC_OR_PARTITION, "topic " + name
                                + " does not exist"), List.of(), Map.of()));
                continue;
            }
            List<PartitionDescription> partitions = new ArrayList<>();
            for (int p = 0; p < topic.partitionCount(); p++) {
                PartitionRegistration partition = topic.partition(p);
                partitions.add(new PartitionDescription(p, partition.leader(), partition.leaderEpoch(),
                        partition.partitionEpoch(), partition.replicas(), partition.isr(), partition.elr(),
                        partition.lastKnownElr(), partition.leaderRecoveryState()));
            }
            topics.add(new TopicDescription(name, topic.id(), ApiError.NONE, partitions,
                    image.configs().valuesOf(ConfigResource.topic(name))));
        }
        return new DescribeTopicsReply(topics);
    }

    @Override
    public CompletableFuture<ZkNode> readZkPath(String path) {
        LeaderAndEpoch leader = loader.leader();
        return CompletableFuture.completedFuture(ZkView.read(path, loader.image(), leader.leaderIdOrNil(),
                leader.epoch(), loader.leaderSinceMs()));
    }

    private ControllerInfo hint(LeaderAndEpoch leader) {
        int id = leader.leaderIdOrNil();
        HostPort address = voters.get(id);
        return new ControllerInfo(id, leader.epoch(), address == null ? "" : address.host(),
                address == null ? -1 : address.port());
    }

    // ---------------------------------------------------------------- controller thread

    private void run() {
        try {
            while (running) {
                long waitMs = wakeupAtMs == Long.MAX_VALUE ? 1000 : Math.max(0, wakeupAtMs - clock.nowMs());
                Event event = waitMs > 0 ? inbox.poll(waitMs, TimeUnit.MILLISECONDS) : inbox.poll();
                for (int taken = 0; event != null && taken < MAX_INPUTS_PER_ROUND; taken++) {
                    if (event.answer() != null) {
                        queuedCommands.decrementAndGet();
                    }
                    event.action().accept(clock.nowMs());
                    perform(core.drainEffects());
                    event = taken + 1 < MAX_INPUTS_PER_ROUND ? inbox.poll() : null;
                }
                long now = clock.nowMs();
                if (now >= wakeupAtMs) {
                    core.tick(now);
                    perform(core.drainEffects());
                }
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error fatal) {
            failure = fatal;
            log.error("controller {} stopped: {}", core.nodeId(), fatal.toString(), fatal);
        } finally {
            running = false;
            active = false;
            RuntimeException stopped = new IllegalStateException("controller " + core.nodeId() + " stopped"
                    + (failure == null ? "" : " after a failure: " + failure));
            pending.values().forEach(answer -> answer.completeExceptionally(stopped));
            pending.clear();
            failLeftovers();
        }
    }

    private void failLeftovers() {
        Event leftover;
        while ((leftover = inbox.poll()) != null) {
            if (leftover.answer() != null) {
                leftover.answer().completeExceptionally(new IllegalStateException("controller " + core.nodeId()
                        + " stopped" + (failure == null ? "" : " after a failure: " + failure)));
            }
        }
    }

    private void perform(ControllerEffects effects) {
        for (ControllerEffects.Append append : effects.appends()) {
            List<byte[]> encoded = new ArrayList<>(append.records().size());
            for (MetadataRecord record : append.records()) {
                encoded.add(encoder.apply(record));
            }
            long appendId = append.appendId();
            appender.apply(encoded).whenComplete((lastOffset, error) -> enqueueInternal(now ->
                    core.handleAppendResult(appendId, error == null, error == null ? lastOffset : -1, now)));
        }
        for (ControllerEffects.Reply reply : effects.replies()) {
            CompletableFuture<Object> answer = pending.remove(reply.requestId());
            if (answer == null) {
                continue;
            }
            if (reply.failure() instanceof NotControllerException notController) {
                answer.completeExceptionally(new NotControllerException(notController.getMessage(),
                        hint(core.leader().isLeader(core.nodeId()) ? LeaderAndEpoch.of(-1, core.leader().epoch())
                                : core.leader())));
            } else if (reply.failure() != null) {
                answer.completeExceptionally(reply.failure());
            } else {
                answer.complete(reply.response());
            }
        }
        wakeupAtMs = effects.wakeupAtMs() == Long.MAX_VALUE ? Long.MAX_VALUE
                : Math.max(effects.wakeupAtMs(), clock.nowMs() + 1);
        active = core.isActive();
        uncleanElections = core.uncleanElections();
        timedOutHeartbeats = core.timedOutHeartbeats();
    }

    /** Unclean elections this controller decided while active (any thread). */
    public long uncleanElections() {
        return uncleanElections;
    }

    /** Brokers this controller fenced for a missed session (any thread). */
    public long timedOutHeartbeats() {
        return timedOutHeartbeats;
    }

    /** The committed image (any thread). */
    public MetadataImage image() {
        return loader.image();
    }

    /** Stops the controller thread; queued and waiting commands fail. Idempotent. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

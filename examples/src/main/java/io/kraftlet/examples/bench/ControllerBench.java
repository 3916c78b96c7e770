package io.kraftlet.examples.bench;

import io.kraftlet.controller.ApiError;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerApi.BrokerHeartbeatReply;
import io.kraftlet.controller.ControllerApi.CreateTopicsReply;
import io.kraftlet.controller.ControllerApi.CreateTopicsRequest;
import io.kraftlet.controller.ControllerApi.CreatedTopic;
import io.kraftlet.controller.ControllerApi.NewTopic;
import io.kraftlet.controller.ControllerApi.PartitionDescription;
import io.kraftlet.controller.ControllerApi.TopicDescription;
import io.kraftlet.controller.ControllerConfig;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.transport.grpc.ControllerClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The coordinator of a controller benchmark. It starts a quorum of three controllers, each its
 * own {@code kraftlet node} JVM on loopback ({@link ControllerProcesses}: the real node, so fsync
 * is on as in production), registers {@code --brokers} {@link BrokerAgents} from this process,
 * and then measures, through a {@link ControllerClient} over gRPC as any tool would:
 * <ol>
 *   <li>creating every partition (topics of at most 1,000 partitions, {@value #CREATES_IN_FLIGHT}
 *       CreateTopics requests in flight), after a warm-up that creates and deletes topics so the
 *       controllers' JIT has compiled the path;</li>
 *   <li>the controller's snapshot that holds them: its size, then the time a fresh JVM with a
 *       fixed heap takes to decode it and build the image, and the heap that image holds
 *       ({@link SnapshotImageLoad});</li>
 *   <li>failover: the broker that leads the most partitions asks to be fenced; the answer comes
 *       once the fencing and every leadership and ISR change it caused are committed.</li>
 * </ol>
 *
 * <p>The snapshot: a controller snapshots every {@code metadata.log.snapshot.interval.records}
 * committed records. The bench sets the interval above every record the warm-up and the creation
 * write, so no snapshot interrupts the measured creation; then it commits small filler records
 * (the cluster default {@code min.insync.replicas=1}, unchanged) until the count passes the
 * interval, so the next snapshot holds every partition.
 *
 * <p>Layout of the run directory: those of {@link ControllerProcesses}, {@code snapshot/} (the
 * copy that is loaded) and {@code snapshot-load.log}. A directory the bench created itself is
 * deleted after a successful run and kept after a failed one.
 */
public final class ControllerBench {
    /** The controllers' node ids; brokers are 1..--brokers, below them. */
    static final List<Integer> CONTROLLER_IDS = List.of(1001, 1002, 1003);
    /** CreateTopics requests in flight during the creation. */
    static final int CREATES_IN_FLIGHT = 8;
    /** Warm-up rounds, each creating then deleting up to {@value #WARMUP_PARTITIONS_MAX} partitions. */
    static final int WARMUP_ROUNDS = 2;
    static final int WARMUP_PARTITIONS_MAX = 20_000;
    /** Headroom in the snapshot interval for records the bench does not count (NoOps of an idle controller). */
    static final int SNAPSHOT_MARGIN_RECORDS = 10_000;
    /** Filler records per AlterConfigs request while waiting for the snapshot. */
    static final int FILLER_RECORDS_PER_REQUEST = 5_000;
    /** Topics per DescribeTopics or DeleteTopics request: bounded answers. */
    static final int TOPICS_PER_REQUEST = 20;
    /** How long the controllers may take to start and elect a leader, and the brokers to be unfenced. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /**
     * One attempt of a request: answers come once committed, which under this load on a small
     * machine can take seconds; a shorter deadline would only retry requests that are being done.
     */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Bound on one request, retries included, and on any one wait of the run. */
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(120);
    private static final long POLL_MS = 50;
    private static final String TOPIC_PREFIX = "bench-";
    private static final String WARMUP_PREFIX = "warmup-";

    private final ControllerBenchOptions options;
    private final Path dir;
    private final boolean ownsDir;
    private final PrintWriter progress;
    private final String clusterId = "kraftlet-bench-" + UUID.randomUUID().toString().substring(0, 8);
    private ControllerProcesses controllers;
    private ControllerClient client;

    /**
     * @param options validated options
     * @param dir the run directory (created if missing, must be empty), or null for a fresh
     *     temporary one
     * @param progress where progress lines go
     */
    public ControllerBench(ControllerBenchOptions options, Path dir, PrintWriter progress) throws IOException {
        this.options = options.validate();
        this.ownsDir = dir == null;
        // Absolute: the controllers' configurations name their directories.
        this.dir = (ownsDir ? Files.createTempDirectory("kraftlet-bench-") : BenchProcesses.requireEmpty(dir))
                .toAbsolutePath();
        this.progress = progress;
    }

    /**
     * Runs the whole benchmark; blocks until done.
     *
     * @throws BenchFailedException if a controller dies, a request is refused or a deadline passes
     */
    public ControllerBenchResult run() throws IOException, InterruptedException {
        ControllerBenchResult result;
        controllers = new ControllerProcesses(dir, clusterId, CONTROLLER_IDS);
        try {
            say("starting " + CONTROLLER_IDS.size() + " controllers (" + controllers.quorumVoters() + ") in " + dir);
            controllers.start(Map.of("metadata.log.snapshot.interval.records", Long.toString(snapshotIntervalRecords())),
                    controllerJvmOptions(), START_TIMEOUT);
            client = ControllerClient.builder().clusterId(clusterId).controllers(controllers.quorumVoters())
                    .requestTimeoutMs((int) REQUEST_TIMEOUT.toMillis()).apiTimeoutMs((int) STEP_TIMEOUT.toMillis()).build();
            try (BrokerAgents brokers = new BrokerAgents(client, options.brokers(),
                    ControllerConfig.DEFAULT.brokerHeartbeatIntervalMs())) {
                result = measure(brokers);
            }
        } finally {
            if (client != null) {
                client.close();
            }
            controllers.close();
        }
        if (ownsDir) {
            BenchProcesses.deleteRecursively(dir);
        }
        return result;
    }

    private ControllerBenchResult measure(BrokerAgents brokers) throws IOException, InterruptedException {
        brokers.register(START_TIMEOUT);
        say(options.brokers() + " brokers registered and unfenced; warming up (" + WARMUP_ROUNDS + " x "
                + warmupPartitions() + " partitions created and deleted)");
        for (int round = 0; round < WARMUP_ROUNDS; round++) {
            List<NewTopic> topics = topics(WARMUP_PREFIX + round + "-", warmupPartitions());
            createTopics(topics);
            deleteTopics(topics.stream().map(NewTopic::name).toList());
            brokers.checkHealthy();
        }

        say("creating " + options.partitions() + " partitions (RF " + options.replicationFactor() + ") in "
                + options.topics() + " topics, " + CREATES_IN_FLIGHT + " requests in flight");
        List<NewTopic> topics = topics(TOPIC_PREFIX, options.partitions());
        long createStart = System.nanoTime();
        createTopics(topics);
        double createMs = (System.nanoTime() - createStart) / 1e6;
        brokers.checkHealthy();
        long createdEndOffset = get(client.describeCluster(), "DescribeCluster").metadataOffset();
        say(String.format(java.util.Locale.ROOT, "created in %.1f ms; waiting for a snapshot past offset %d",
                createMs, createdEndOffset));

        Path snapshot = awaitSnapshot(createdEndOffset);
        long snapshotBytes = Files.size(snapshot);
        say("snapshot " + snapshot.getFileName() + ": " + snapshotBytes + " bytes; loading it in a fresh JVM");
        Map<String, String> load = loadInOwnJvm(snapshot.getParent());
        long partitions = Long.parseLong(load.get("partitions"));
        if (partitions != options.partitions()) {
            throw new BenchFailedException("the snapshot holds " + partitions + " partitions, expected "
                    + options.partitions() + "; see " + snapshot);
        }
        double loadMs = Double.parseDouble(load.get("load_ms"));
        double imageBytesPerPartition = Double.parseDouble(load.get("heap_bytes")) / partitions;

        Failover failover = failover(brokers, topics);
        return new ControllerBenchResult(createMs, imageBytesPerPartition, snapshotBytes, loadMs,
                failover.partitions(), failover.millis());
    }

    /** Runs {@link SnapshotImageLoad} in its own JVM and returns the fields of its result line. */
    private Map<String, String> loadInOwnJvm(Path snapshotDir) throws IOException, InterruptedException {
        Path log = dir.resolve("snapshot-load.log");
        Process process = BenchProcesses.startJava(SnapshotImageLoad.jvmOptions(options.partitions()),
                SnapshotImageLoad.class.getName(), List.of(snapshotDir.toString()), log);
        try {
            if (!process.waitFor(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new BenchFailedException("loading the snapshot took longer than " + STEP_TIMEOUT.toSeconds()
                        + " s; see " + log);
            }
        } finally {
            process.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        if (process.exitValue() != 0 || lines.isEmpty()) {
            throw new BenchFailedException("loading the snapshot failed (exit status " + process.exitValue() + "); see "
                    + log);
        }
        try {
            return FlatJson.parse(lines.get(lines.size() - 1));
        } catch (IllegalArgumentException malformed) {
            throw new BenchFailedException("loading the snapshot printed no result (" + malformed.getMessage()
                    + "); see " + log);
        }
    }

    private int warmupPartitions() {
        return Math.min(options.partitions(), WARMUP_PARTITIONS_MAX);
    }

    /**
     * The controllers' snapshot interval: above every record the run writes before the filler
     * (broker registrations and unfencing, the warm-up's topics, partitions and removals, the
     * measured topics and partitions), so the first snapshot comes after the creation.
     */
    long snapshotIntervalRecords() {
        long warmup = WARMUP_ROUNDS * (warmupPartitions() + 2L * topicCount(warmupPartitions()));
        return 2L * options.brokers() + warmup + options.partitions() + options.topics() + SNAPSHOT_MARGIN_RECORDS;
    }

    /**
     * A fixed heap (-Xms = -Xmx, as Kafka's start script sets it) with room for the committed and
     * the latest image, a snapshot being encoded and the log's buffers. The warm-up has touched
     * it before the measured creation.
     */
    List<String> controllerJvmOptions() {
        long megabytes = Math.min(512 + options.partitions() / 125L, 8192);
        return List.of("-Xms" + megabytes + "m", "-Xmx" + megabytes + "m");
    }

    /** Topics of at most 1,000 partitions named {@code prefix00000, prefix00001, ...} holding {@code partitions} in all. */
    List<NewTopic> topics(String prefix, int partitions) {
        List<NewTopic> topics = new ArrayList<>();
        for (int first = 0; first < partitions; first += ControllerBenchOptions.PARTITIONS_PER_TOPIC_MAX) {
            int count = Math.min(ControllerBenchOptions.PARTITIONS_PER_TOPIC_MAX, partitions - first);
            topics.add(NewTopic.of(String.format("%s%05d", prefix, topics.size()), count, options.replicationFactor()));
        }
        return topics;
    }

    private static long topicCount(int partitions) {
        return (partitions + ControllerBenchOptions.PARTITIONS_PER_TOPIC_MAX - 1)
                / ControllerBenchOptions.PARTITIONS_PER_TOPIC_MAX;
    }

    /** One CreateTopics request per topic, at most {@value #CREATES_IN_FLIGHT} in flight; returns once all are committed. */
    private void createTopics(List<NewTopic> topics) throws InterruptedException {
        Semaphore inFlight = new Semaphore(CREATES_IN_FLIGHT);
        List<CompletableFuture<CreateTopicsReply>> replies = new ArrayList<>();
        for (NewTopic topic : topics) {
            if (!inFlight.tryAcquire(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new BenchFailedException("no CreateTopics answer within " + STEP_TIMEOUT.toSeconds() + " s");
            }
            CompletableFuture<CreateTopicsReply> reply = client.createTopics(new CreateTopicsRequest(List.of(topic), false));
            reply.whenComplete((answer, error) -> inFlight.release());
            replies.add(reply);
        }
        int retried = 0;
        for (CompletableFuture<CreateTopicsReply> reply : replies) {
            for (CreatedTopic created : get(reply, "CreateTopics").topics()) {
                // Names are unique in a new cluster: the topic exists because an attempt the client
                // gave up on (and retried) created it, as a Kafka client's retry can find.
                if (created.error().error() == ControllerError.TOPIC_ALREADY_EXISTS) {
                    retried++;
                } else {
                    requireSuccess(created.error(), "creating " + created.name());
                }
            }
        }
        if (retried > 0) {
            say(retried + " CreateTopics were retried and found their topic created by the first attempt");
        }
        controllers.checkAlive();
    }

    private void deleteTopics(List<String> names) throws InterruptedException {
        for (int first = 0; first < names.size(); first += TOPICS_PER_REQUEST) {
            List<String> chunk = names.subList(first, Math.min(names.size(), first + TOPICS_PER_REQUEST));
            for (ControllerApi.DeletedTopic deleted : get(client.deleteTopics(new ControllerApi.DeleteTopicsRequest(chunk)),
                    "DeleteTopics").topics()) {
                requireSuccess(deleted.error(), "deleting " + deleted.name());
            }
        }
    }

    /**
     * Commits filler records until a controller's snapshot covers {@code endOffset}, and returns
     * a private copy of the active controller's newest snapshot file.
     */
    private Path awaitSnapshot(long endOffset) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        long fillerRequests = 2 * snapshotIntervalRecords() / FILLER_RECORDS_PER_REQUEST + 10;
        for (long sent = 0; ; ) {
            int active = client.activeControllerId();
            Optional<Path> snapshot = controllers.newestSnapshot(active)
                    .filter(file -> ControllerProcesses.snapshotId(file).endOffset() >= endOffset);
            if (snapshot.isPresent()) {
                Optional<Path> copy = copy(snapshot.get());
                if (copy.isPresent()) {
                    return copy.get();
                }
                continue; // replaced by a newer one while copying
            }
            controllers.checkAlive();
            if (System.nanoTime() > deadline) {
                throw new BenchFailedException("no snapshot past offset " + endOffset + " within "
                        + STEP_TIMEOUT.toSeconds() + " s; see " + controllers.log(active));
            }
            if (sent < fillerRequests) {
                sendFiller();
                sent++;
            } else {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MS));
            }
        }
    }

    private void sendFiller() throws InterruptedException {
        List<ControllerApi.ConfigChange> changes = new ArrayList<>();
        for (int i = 0; i < FILLER_RECORDS_PER_REQUEST; i++) {
            changes.add(new ControllerApi.ConfigChange(ConfigResource.CLUSTER_DEFAULTS, "min.insync.replicas",
                    Integer.toString(ControllerConfig.DEFAULT.defaultMinInsyncReplicas())));
        }
        for (ControllerApi.ConfigResult result : get(client.alterConfigs(new ControllerApi.AlterConfigsRequest(changes,
                false)), "AlterConfigs").resources()) {
            requireSuccess(result.error(), "the filler records");
        }
    }

    /** Copies the snapshot into {@code snapshot/}; empty if the controller deleted it first. */
    private Optional<Path> copy(Path snapshot) throws IOException {
        Path copyDir = Files.createDirectories(dir.resolve("snapshot"));
        try {
            return Optional.of(Files.copy(snapshot, copyDir.resolve(snapshot.getFileName())));
        } catch (NoSuchFileException deleted) {
            return Optional.empty();
        }
    }

    /** The partitions a broker leads and how long fencing it took. */
    record Failover(int brokerId, long partitions, double millis) {
    }

    /** Fences the broker that leads the most partitions, timing the heartbeat that asks for it. */
    private Failover failover(BrokerAgents brokers, List<NewTopic> topics) throws InterruptedException {
        Map<Integer, Long> led = leadersCount(topics);
        int brokerId = led.entrySet().stream().max(Map.Entry.<Integer, Long>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder()))).orElseThrow().getKey();
        long partitions = led.get(brokerId);
        say("fencing broker " + brokerId + ", which leads " + partitions + " partitions");
        brokers.checkHealthy();
        brokers.stopHeartbeats(brokerId, STEP_TIMEOUT);
        long epoch = brokers.epoch(brokerId);
        long start = System.nanoTime();
        BrokerHeartbeatReply reply = get(client.brokerHeartbeat(new ControllerApi.BrokerHeartbeatRequest(brokerId, epoch,
                epoch + 1, true, false)), "BrokerHeartbeat");
        double millis = (System.nanoTime() - start) / 1e6;
        requireSuccess(reply.error(), "fencing broker " + brokerId);
        if (!reply.isFenced()) {
            throw new BenchFailedException("broker " + brokerId + " asked to be fenced, but the controller answered"
                    + " that it is not");
        }
        // The answer came once everything was committed; the image reads are served from may lag a moment.
        poll("fenced broker " + brokerId + " to lead no partition", STEP_TIMEOUT, () -> {
            try {
                return leadersCount(topics).containsKey(brokerId) ? Optional.empty() : Optional.of(true);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new BenchFailedException("interrupted", interrupted);
            }
        });
        return new Failover(brokerId, partitions, millis);
    }

    /** Partitions led by each broker, from the active controller's committed image. */
    private Map<Integer, Long> leadersCount(List<NewTopic> topics) throws InterruptedException {
        Map<Integer, Long> led = new HashMap<>();
        List<String> names = topics.stream().map(NewTopic::name).toList();
        for (int first = 0; first < names.size(); first += TOPICS_PER_REQUEST) {
            List<String> chunk = names.subList(first, Math.min(names.size(), first + TOPICS_PER_REQUEST));
            for (TopicDescription topic : get(client.describeTopics(chunk), "DescribeTopics").topics()) {
                requireSuccess(topic.error(), "describing " + topic.name());
                for (PartitionDescription partition : topic.partitions()) {
                    led.merge(partition.leader(), 1L, Long::sum);
                }
            }
        }
        return led;
    }

    private static void requireSuccess(ApiError error, String what) {
        if (!error.isSuccess()) {
            throw new BenchFailedException(what + " failed: " + error);
        }
    }

    private <T> T get(CompletableFuture<T> future, String rpc) throws InterruptedException {
        try {
            return future.get(STEP_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException failed) {
            throw new BenchFailedException(rpc + " failed: " + failed.getCause(), failed.getCause());
        } catch (TimeoutException slow) {
            controllers.checkAlive();
            throw new BenchFailedException(rpc + " got no answer within " + STEP_TIMEOUT.toSeconds() + " s");
        }
    }

    private <T> void poll(String what, Duration timeout, java.util.function.Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (probe.get().isEmpty()) {
            controllers.checkAlive();
            if (System.nanoTime() > deadline) {
                throw new BenchFailedException("timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + "; see the logs in " + dir);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MS));
        }
    }

    private void say(String line) {
        progress.println(line);
        progress.flush();
    }
}

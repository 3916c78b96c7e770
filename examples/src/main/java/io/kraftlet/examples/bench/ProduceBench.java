package io.kraftlet.examples.bench;

import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerApi.CreatedTopic;
import io.kraftlet.controller.ControllerApi.PartitionDescription;
import io.kraftlet.controller.ControllerApi.TopicDescription;
import io.kraftlet.transport.grpc.ControllerClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The coordinator of a produce benchmark. It starts a quorum of three controllers
 * ({@link ControllerProcesses}) and three brokers ({@link BrokerProcesses}), each its own
 * {@code kraftlet node} JVM on loopback (the real nodes, fsync on), creates one topic of
 * {@code --partitions} partitions with replication factor 3 and {@code min.insync.replicas=2}
 * through a {@link ControllerClient}, waits until every partition is led with a full ISR, and
 * then runs the producer as a separate client process ({@code bench produce-client},
 * {@link ProduceLoadClient}) that sends to the leaders over gRPC. The client's last line is the
 * result.
 *
 * <p>Layout of the run directory: those of the two process groups, and {@code client.log}. A
 * directory the bench created itself is deleted after a successful run and kept after a failed
 * one.
 */
public final class ProduceBench {
    static final List<Integer> CONTROLLER_IDS = List.of(1001, 1002, 1003);
    static final List<Integer> BROKER_IDS = List.of(1, 2, 3);
    static final String TOPIC = "bench-produce";
    static final int REPLICATION_FACTOR = 3;
    static final int MIN_INSYNC_REPLICAS = 2;
    /** How long the nodes may take to start, elect a controller and unfence the brokers. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /** Bound on one controller request, retries included, and on waiting for the topic. */
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
    /** How long the client may run beyond warm-up and duration: its JVM start and the leaders' probes. */
    static final Duration CLIENT_SLACK = Duration.ofSeconds(120);
    static final List<String> CONTROLLER_JVM_OPTIONS = List.of("-Xms256m", "-Xmx256m");
    static final List<String> BROKER_JVM_OPTIONS = List.of("-Xms512m", "-Xmx512m");
    static final List<String> CLIENT_JVM_OPTIONS = List.of("-Xms512m", "-Xmx512m");
    private static final long POLL_MS = 50;

    private final ProduceBenchOptions options;
    private final Path dir;
    private final boolean ownsDir;
    private final PrintWriter progress;
    private final String clusterId = "kraftlet-bench-" + UUID.randomUUID().toString().substring(0, 8);

    /**
     * @param options validated options
     * @param dir the run directory (created if missing, must be empty), or null for a fresh
     *     temporary one
     * @param progress where progress lines go
     */
    public ProduceBench(ProduceBenchOptions options, Path dir, PrintWriter progress) throws IOException {
        this.options = options.validate();
        this.ownsDir = dir == null;
        // Absolute: the nodes' configurations name their directories.
        this.dir = (ownsDir ? Files.createTempDirectory("kraftlet-bench-") : BenchProcesses.requireEmpty(dir))
                .toAbsolutePath();
        this.progress = progress;
    }

    /**
     * Runs the whole benchmark; blocks until done.
     *
     * @throws BenchFailedException if a node or the client dies, a request is refused or a
     *     deadline passes
     */
    public ProduceBenchResult run() throws IOException, InterruptedException {
        ProduceBenchResult result;
        ControllerProcesses controllers = new ControllerProcesses(dir, clusterId, CONTROLLER_IDS);
        BrokerProcesses brokers = null;
        ControllerClient client = null;
        try {
            say("starting " + CONTROLLER_IDS.size() + " controllers (" + controllers.quorumVoters() + ") in " + dir);
            controllers.start(Map.of(), CONTROLLER_JVM_OPTIONS, START_TIMEOUT);
            brokers = new BrokerProcesses(dir, clusterId, controllers.quorumVoters(), BROKER_IDS);
            say("starting " + BROKER_IDS.size() + " brokers");
            brokers.start(Map.of(), BROKER_JVM_OPTIONS, START_TIMEOUT);
            client = ControllerClient.builder().clusterId(clusterId).controllers(controllers.quorumVoters())
                    .apiTimeoutMs((int) STEP_TIMEOUT.toMillis()).build();
            TopicDescription topic = createTopic(client);
            controllers.checkAlive();
            result = produce(leaders(topic, brokers), brokers);
            brokers.checkAlive();
            controllers.checkAlive();
        } finally {
            if (client != null) {
                client.close();
            }
            if (brokers != null) {
                brokers.close();
            }
            controllers.close();
        }
        if (ownsDir && result.failure() == null) {
            BenchProcesses.deleteRecursively(dir);
        }
        return result;
    }

    /** Creates the topic and waits until every partition has a leader and all three replicas in its ISR. */
    private TopicDescription createTopic(ControllerClient client) throws InterruptedException {
        say("creating " + TOPIC + ": " + options.partitions() + " partitions, replication factor " + REPLICATION_FACTOR
                + ", min.insync.replicas " + MIN_INSYNC_REPLICAS);
        ControllerApi.CreateTopicsReply reply = get(client.createTopics(new ControllerApi.CreateTopicsRequest(List.of(
                new ControllerApi.NewTopic(TOPIC, options.partitions(), REPLICATION_FACTOR, Map.of(),
                        Map.of("min.insync.replicas", Integer.toString(MIN_INSYNC_REPLICAS)))), false)), "CreateTopics");
        for (CreatedTopic created : reply.topics()) {
            if (!created.error().isSuccess()) {
                throw new BenchFailedException("CreateTopics " + TOPIC + " failed: " + created.error());
            }
        }
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (true) {
            TopicDescription topic = get(client.describeTopics(List.of(TOPIC)), "DescribeTopics").topics().get(0);
            if (topic.error().isSuccess() && topic.partitions().size() == options.partitions()
                    && topic.partitions().stream().allMatch(p -> p.leader() >= 0 && p.isr().size() == REPLICATION_FACTOR)) {
                return topic;
            }
            if (System.nanoTime() > deadline) {
                throw new BenchFailedException("the partitions of " + TOPIC + " were not all led with a full ISR within "
                        + STEP_TIMEOUT.toSeconds() + " s: " + topic);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MS));
        }
    }

    /** {@code partition=127.0.0.1:port} of each partition's leader, for the client's command line. */
    private static String leaders(TopicDescription topic, BrokerProcesses brokers) {
        List<String> entries = new ArrayList<>();
        for (PartitionDescription partition : topic.partitions()) {
            entries.add(partition.partition() + "=127.0.0.1:" + brokers.port(partition.leader()));
        }
        return String.join(",", entries);
    }

    /** Runs the client process and reads its result line. */
    private ProduceBenchResult produce(String leaders, BrokerProcesses brokers) throws IOException,
            InterruptedException {
        say(String.format(java.util.Locale.ROOT, "producing with acks=%s from a client process: %d-byte records, %d"
                + " a request, %d requests in flight per partition; warm-up %d s, then %d s measured",
                ProduceBenchOptions.acksName(options.acks()), options.recordSize(), options.batchRecords(),
                options.inFlight(), options.warmupS(), options.durationS()));
        Path log = dir.resolve("client.log");
        List<String> args = new ArrayList<>(List.of("produce-client", "--cluster-id", clusterId, "--topic", TOPIC,
                "--leaders", leaders));
        args.addAll(options.toArgs());
        Process process = BenchProcesses.startJava(CLIENT_JVM_OPTIONS, BenchCommand.class.getName(), args, log);
        long waitMs = (options.warmupS() + options.durationS()) * 1000L + CLIENT_SLACK.toMillis();
        try {
            if (!process.waitFor(waitMs, TimeUnit.MILLISECONDS)) {
                throw new BenchFailedException("the client process ran longer than " + waitMs / 1000 + " s; see " + log);
            }
        } finally {
            process.destroyForcibly();
        }
        brokers.checkAlive();
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        Optional<String> last = lines.isEmpty() ? Optional.empty() : Optional.of(lines.get(lines.size() - 1));
        if (last.isEmpty() || !last.get().startsWith("{")) {
            throw new BenchFailedException("the client process failed (exit status " + process.exitValue() + "): "
                    + last.orElse("no output") + "; see " + log);
        }
        try {
            return ProduceBenchResult.parse(last.get());
        } catch (IllegalArgumentException malformed) {
            throw new BenchFailedException("the client's result is malformed: " + malformed.getMessage() + "; see " + log,
                    malformed);
        }
    }

    private static <T> T get(CompletableFuture<T> future, String rpc) throws InterruptedException {
        try {
            return future.get(STEP_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException failed) {
            throw new BenchFailedException(rpc + " failed: " + failed.getCause(), failed.getCause());
        } catch (TimeoutException slow) {
            throw new BenchFailedException(rpc + " got no answer within " + STEP_TIMEOUT.toSeconds() + " s", slow);
        }
    }

    private void say(String line) {
        progress.println(line);
        progress.flush();
    }
}

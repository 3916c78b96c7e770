package io.kraftlet.examples.demo;

import io.kraftlet.controller.ControllerApi.PartitionDescription;
import io.kraftlet.controller.ControllerApi.TopicDescription;
import io.kraftlet.examples.KraftletCli;
import io.kraftlet.examples.cluster.ClusterNode;
import io.kraftlet.examples.cluster.ClusterOperations;
import io.kraftlet.examples.cluster.ClusterPlan;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.metadata.Uuids;
import io.kraftlet.replication.ProduceAcks;
import io.kraftlet.replication.ProduceResult;
import io.kraftlet.replication.ReplicationError;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kraftlet demo}: the seed walkthrough, narrated, on a fresh cluster of three controllers
 * and three brokers, each its own process on this machine. Every step runs the same commands a
 * user would ({@code topics}, {@code zk-shell}, {@code leader-election}, {@code cluster ...}) and
 * waits, with progress lines, for the cluster to show what the narration says; a step whose
 * expectation is not met within the timeout fails the demo (exit 1) and the cluster is shut
 * down either way.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The seed walkthrough on a fresh 3-controller + 3-broker cluster: create topic-p3r3, produce "
                + "with acks=all, read the ZooKeeper-shaped paths, kill broker 2 and watch leaders move and ISRs "
                + "shrink, bring it back, run a preferred election, see min.insync.replicas refuse acks=all, and "
                + "shut down."})
public final class DemoCommand implements Callable<Integer> {
    static final String TOPIC = "topic-p3r3";
    private static final long POLL_MS = 200;
    private static final long PROGRESS_MS = 5_000;

    @Spec
    private CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Where the cluster lives (default: a new directory under the system temp directory).")
    private Path dir;

    @Option(names = "--base-port", paramLabel = "PORT", defaultValue = "19092",
            description = "First of the cluster's consecutive ports (default: ${DEFAULT-VALUE}).")
    private int basePort;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long one step may wait for the cluster (default: ${DEFAULT-VALUE}).")
    private long timeoutSeconds;

    private PrintWriter out;
    private Duration timeout;
    private int step;

    @Override
    public Integer call() throws IOException {
        out = spec.commandLine().getOut();
        timeout = Duration.ofSeconds(timeoutSeconds);
        Path clusterDir = dir != null ? dir : Files.createTempDirectory("kraftlet-demo-").resolve("cluster");
        ClusterPlan plan = new ClusterPlan(clusterDir, Uuids.toKafkaString(UUID.randomUUID()), basePort, 3, 3);
        ClusterOperations cluster = new ClusterOperations(clusterDir, out, timeout);
        Map<Integer, Integer> brokerPorts = new LinkedHashMap<>();
        for (ClusterNode node : plan.nodes()) {
            if (node.isBroker()) {
                brokerPorts.put(node.nodeId(), node.port());
            }
        }
        String servers = plan.bootstrapServers();
        try {
            narrate("Start three controllers (3001-3003) and three brokers (1-3), each its own process.",
                    "The controllers elect an active controller with Raft; the brokers register and are unfenced once "
                            + "they have caught up with the metadata log.");
            cluster.up(plan);
            try (DemoClient client = new DemoClient(plan.clusterId(), brokerPorts)) {
                walkthrough(cluster, client, servers);
            }
            narrate("Shut the cluster down.", "Brokers first (a controlled shutdown each), then the controllers.");
            return 0;
        } finally {
            cluster.down();
            out.flush();
        }
    }

    private void walkthrough(ClusterOperations cluster, DemoClient client, String servers) {
        narrate("Create " + TOPIC + ": 3 partitions, replication factor 3, min.insync.replicas=2.",
                "The active controller places the replicas round-robin and elects each partition's first replica.");
        run("topics", "--bootstrap-server", servers, "--create", "--topic", TOPIC, "--partitions", "3",
                "--replication-factor", "3", "--config", "min.insync.replicas=2");
        await("every partition led, ISR {1,2,3}", client, p -> p.leader() > 0 && p.isr().size() == 3);
        run("topics", "--bootstrap-server", servers, "--describe", "--topic", TOPIC);

        narrate("Produce with acks=all.", "A write is acknowledged once every in-sync replica holds it durably.");
        produce(client, "before", ProduceAcks.ALL, 3);

        narrate("Read the old ZooKeeper paths.", "The same data, in the shape ZooKeeper held it, from the metadata log.");
        run("zk-shell", "--bootstrap-server", servers, "get", "/controller");
        run("zk-shell", "--bootstrap-server", servers, "ls", "/brokers/ids");
        run("zk-shell", "--bootstrap-server", servers, "get", "/brokers/topics/" + TOPIC + "/partitions/0/state");

        narrate("Kill broker 2 (SIGKILL).", "Its heartbeats stop; after broker.session.timeout.ms the controller fences "
                + "it, moves its leaderships to in-sync replicas and removes it from every ISR.");
        cluster.killNode(2);
        await("broker 2 out of every ISR and leadership", client,
                p -> p.leader() != 2 && p.leader() > 0 && !p.isr().contains(2));
        run("topics", "--bootstrap-server", servers, "--describe", "--topic", TOPIC);
        narrate("Producing goes on with two in-sync replicas.", "min.insync.replicas=2 is still met.");
        produce(client, "two-replicas", ProduceAcks.ALL, 3);

        narrate("Restart broker 2.", "It registers with a new epoch, catches up from the leaders, and each leader adds "
                + "it back to the ISR once it holds the high watermark and the leader's epoch start (AlterPartition).");
        cluster.startNode(2);
        await("broker 2 back in every ISR", client, p -> p.isr().size() == 3);
        run("topics", "--bootstrap-server", servers, "--describe", "--topic", TOPIC);

        narrate("Run a preferred leader election.", "Each partition's first replica leads again where it is in sync.");
        run("leader-election", "--bootstrap-server", servers, "--election-type", "preferred", "--all-topic-partitions");
        await("every partition led by its preferred replica", client, p -> p.leader() == p.replicas().get(0));
        run("topics", "--bootstrap-server", servers, "--describe", "--topic", TOPIC);

        narrate("Kill brokers 2 and 3.", "Every ISR shrinks to {1}: fewer than min.insync.replicas=2.");
        cluster.killNode(2);
        cluster.killNode(3);
        await("every ISR {1}", client, p -> p.isr().equals(List.of(1)));
        run("topics", "--bootstrap-server", servers, "--describe", "--topic", TOPIC);
        TopicPartition p0 = new TopicPartition(TOPIC, 0);
        ProduceResult refused = awaitRefusal(client, p0);
        out.println("  acks=all to " + p0 + ": " + refused.error() + " (" + refused.message() + ")");
        ProduceResult one = client.produce(p0, "acks-1", ProduceAcks.LEADER);
        out.println("  acks=1 to " + p0 + ": " + (one.isSuccess() ? "written at offset " + one.baseOffset()
                : one.error() + " " + one.message()));
        if (!one.isSuccess()) {
            throw new IllegalStateException("acks=1 should still be written with one replica: " + one);
        }

        narrate("Unclean leader election.", "Had broker 1 died too, the partitions would have no in-sync replica "
                + "left. With unclean.leader.election.enable=false (the default) they stay offline until an ISR "
                + "member returns, and nothing acknowledged is lost. With it true (per topic: topics --alter --config "
                + "unclean.leader.election.enable=true, or leader-election --election-type unclean), the controller "
                + "may elect an out-of-sync replica: the partition comes back at once, the new leader is RECOVERING, "
                + "and records it never had are lost - the brokers count them (UncleanTruncatedOffsets) and log the "
                + "offsets.");
    }

    private void produce(DemoClient client, String prefix, int acks, int perPartition) {
        for (int p = 0; p < 3; p++) {
            TopicPartition partition = new TopicPartition(TOPIC, p);
            for (int i = 0; i < perPartition; i++) {
                String value = prefix + "-" + p + "-" + i;
                ProduceResult result = awaitWritten(client, partition, value, acks);
                out.println("  " + partition + " <- " + value + " at offset " + result.baseOffset());
            }
        }
        out.flush();
    }

    /** Retries while leadership or ISRs settle (retriable errors), up to the step timeout. */
    private ProduceResult awaitWritten(DemoClient client, TopicPartition partition, String value, int acks) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ProduceResult result = client.produce(partition, value, acks);
            if (result.isSuccess()) {
                return result;
            }
            if (!result.error().retriable() || System.nanoTime() > deadline) {
                throw new IllegalStateException("could not write to " + partition + ": " + result.error() + " "
                        + result.message());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MS));
        }
    }

    /** acks=all until the leader itself holds the ISR of one and refuses before appending. */
    private ProduceResult awaitRefusal(DemoClient client, TopicPartition partition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ProduceResult result = client.produce(partition, "refused", ProduceAcks.ALL);
            if (result.error() == ReplicationError.NOT_ENOUGH_REPLICAS) {
                return result;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("acks=all was never refused NOT_ENOUGH_REPLICAS; last answer " + result);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MS));
        }
    }

    private void await(String what, DemoClient client, Predicate<PartitionDescription> every) {
        out.println("  waiting until " + what + "...");
        out.flush();
        long start = System.nanoTime();
        long nextProgress = start + TimeUnit.MILLISECONDS.toNanos(PROGRESS_MS);
        while (true) {
            TopicDescription topic;
            try {
                topic = client.describe(TOPIC);
            } catch (IllegalStateException notYet) {
                topic = null;
            }
            if (topic != null && topic.error().isSuccess() && topic.partitions().size() == 3
                    && topic.partitions().stream().allMatch(every)) {
                out.println("  ... " + what + " after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
                        + " ms");
                out.flush();
                return;
            }
            long now = System.nanoTime();
            if (now - start > timeout.toNanos()) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting until " + what
                        + (topic == null ? "" : "; the partitions are " + topic.partitions()));
            }
            if (now >= nextProgress) {
                out.println("  still waiting (" + TimeUnit.NANOSECONDS.toSeconds(now - start) + " s)");
                out.flush();
                nextProgress = now + TimeUnit.MILLISECONDS.toNanos(PROGRESS_MS);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MS));
        }
    }

    private void narrate(String title, String explanation) {
        out.println();
        out.println("== " + (++step) + ". " + title);
        out.println("   " + explanation);
        out.flush();
    }

    /** Runs a kraftlet command in this process, as a user would type it, and prints what it prints. */
    private void run(String... args) {
        out.println("$ kraftlet " + String.join(" ", args));
        out.flush();
        CommandLine command = KraftletCli.commandLine();
        command.setOut(out);
        command.setErr(out);
        int exit = command.execute(args);
        out.flush();
        if (exit != 0) {
            throw new IllegalStateException("kraftlet " + args[0] + " failed with exit code " + exit);
        }
    }
}

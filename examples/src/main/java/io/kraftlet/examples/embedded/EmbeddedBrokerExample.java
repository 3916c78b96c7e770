package io.kraftlet.examples.embedded;

import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.quorum.ControllerServer;
import io.kraftlet.quorum.MetadataQuorum;
import io.kraftlet.raft.Batch;
import io.kraftlet.replication.ProduceAcks;
import io.kraftlet.replication.ProduceResult;
import io.kraftlet.replication.ReadResult;
import io.kraftlet.replication.ReplicationError;
import io.kraftlet.replication.broker.KraftletBroker;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * kraftlet embedded in an application, in one short {@code main}: a one-controller metadata
 * quorum ({@link ControllerServer}) and one {@link KraftletBroker} run inside this JVM. The
 * example formats both data directories for a new cluster, starts them, creates a topic with
 * one partition and replication factor 1, writes three records with acks=all, reads them back
 * and closes everything (the broker first: its controlled shutdown needs the controller).
 *
 * <p>Run it with {@code java -cp kraftlet.jar io.kraftlet.examples.embedded.EmbeddedBrokerExample [DIR]};
 * without a directory it uses a fresh temporary one.
 */
public final class EmbeddedBrokerExample {
    private static final String CLUSTER_ID = "embedded-example";
    private static final String TOPIC = "greetings";
    /** How long any one step (election, registration, the first write) may take. */
    private static final long STEP_TIMEOUT_MS = 30_000;

    private EmbeddedBrokerExample() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("kraftlet-embedded");
        run(dir, System.out);
    }

    /** The whole example, printing what it does to {@code out}. */
    public static void run(Path dir, PrintStream out) throws Exception {
        String voters = "1@127.0.0.1:" + freePort();
        int brokerPort = freePort();

        // 1. Format: each node's metadata directory is stamped with the cluster id and its node id.
        MetadataQuorum.format(dir.resolve("controller-1"), CLUSTER_ID, 1);
        MetadataQuorum.format(dir.resolve("broker-2-metadata"), CLUSTER_ID, 2);

        // 2. Start the controller (it elects itself) and the broker (it registers and is unfenced).
        try (ControllerServer controller = ControllerServer.builder().nodeId(1).clusterId(CLUSTER_ID)
                .voters(voters).dataDir(dir.resolve("controller-1")).build()) {
            controller.start();
            try (KraftletBroker broker = KraftletBroker.builder().nodeId(2).clusterId(CLUSTER_ID).voters(voters)
                    .metadataDir(dir.resolve("broker-2-metadata")).logDir(dir.resolve("broker-2-data"))
                    .listenAddress("127.0.0.1:" + brokerPort)
                    .endpoint(new Endpoint("PLAINTEXT", "127.0.0.1", brokerPort))
                    .build()) {
                broker.start();
                long epoch = broker.unfenced().get(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                out.println("broker 2 unfenced with epoch " + epoch);

                // 3. Create a topic through the broker, which forwards to the active controller.
                ControllerApi.CreateTopicsReply created = broker.controller().createTopics(
                        new ControllerApi.CreateTopicsRequest(List.of(ControllerApi.NewTopic.of(TOPIC, 1, 1)), false))
                        .get(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                ControllerApi.CreatedTopic topic = created.topics().get(0);
                if (topic.error().error() != ControllerError.NONE) {
                    throw new IllegalStateException("creating " + TOPIC + " failed: " + topic.error());
                }
                out.println("created topic " + TOPIC + " with id " + topic.topicId());

                // 4. Write with acks=all, once the broker has taken the leadership the controller gave it.
                TopicPartition partition = new TopicPartition(TOPIC, 0);
                List<byte[]> records = List.of(bytes("hello"), bytes("from"), bytes("kraftlet"));
                ProduceResult written = appendOnceLeader(broker, partition, records);
                out.println("wrote " + records.size() + " records at offset " + written.baseOffset());

                // 5. Read them back: committed records, whole batches from the offset.
                ReadResult read = broker.read(partition, written.baseOffset(), 1 << 20)
                        .get(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                for (Batch batch : read.batches()) {
                    for (int i = 0; i < batch.records().size(); i++) {
                        out.println("read offset " + (batch.baseOffset() + i) + ": "
                                + new String(batch.records().get(i), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        out.println("closed");
    }

    /**
     * Appends, retrying while the broker does not lead the new partition yet: the topic reaches
     * the broker's metadata image, and then its replication layer, a moment after it is created.
     */
    private static ProduceResult appendOnceLeader(KraftletBroker broker, TopicPartition partition,
            List<byte[]> records) throws Exception {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STEP_TIMEOUT_MS);
        while (true) {
            ProduceResult result = broker.append(partition, records, ProduceAcks.ALL, STEP_TIMEOUT_MS)
                    .get(2 * STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            boolean notLeaderYet = result.error() == ReplicationError.NOT_LEADER_OR_FOLLOWER
                    || result.error() == ReplicationError.UNKNOWN_TOPIC_OR_PARTITION;
            if (!notLeaderYet) {
                if (!result.isSuccess()) {
                    throw new IllegalStateException("writing to " + partition + " failed: " + result);
                }
                return result;
            }
            if (System.nanoTime() > deadlineNs) {
                throw new IllegalStateException("broker 2 did not lead " + partition + " in time: " + result);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

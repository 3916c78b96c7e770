package io.kraftlet.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.log.SnapshotStore;
import io.kraftlet.raft.AppendResult;
import io.kraftlet.raft.Batch;
import io.kraftlet.raft.LeaderAndEpoch;
import io.kraftlet.raft.QuorumDescription;
import io.kraftlet.raft.RaftListener;
import io.kraftlet.runtime.AppendFailedException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three voters (and an observer) in one JVM over real gRPC on loopback, with real files and
 * fsync: elections, commits seen identically by every member, leader failover, rejoining, and
 * the refusals of a misconfigured start.
 */
class MetadataQuorumTest {
    private static final String CLUSTER = "quorum-test-cluster";
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    /** How often a condition is polled until its deadline. */
    private static final long POLL_INTERVAL_NANOS = 5_000_000;

    @TempDir
    Path dir;

    private final Map<Integer, MetadataQuorum> nodes = new HashMap<>();
    private final Map<Integer, RecordingListener> listeners = new HashMap<>();
    private String voters;

    /**
     * Keeps every committed data record in order, as a state machine would; its snapshot is
     * the list itself, one record per line.
     */
    static final class RecordingListener implements RaftListener {
        final List<String> records = Collections.synchronizedList(new ArrayList<>());
        volatile LeaderAndEpoch leader = LeaderAndEpoch.UNKNOWN;
        volatile long nextOffset;
        volatile int snapshotsLoaded;

        @Override
        public void handleCommit(Batch batch) {
            if (!batch.control()) {
                batch.records().forEach(record -> records.add(new String(record, StandardCharsets.UTF_8)));
            }
            nextOffset = batch.endOffset();
        }

        @Override
        public void handleLoadSnapshot(SnapshotStore.Snapshot snapshot) {
            records.clear();
            String text = new String(snapshot.data(), StandardCharsets.UTF_8);
            if (!text.isEmpty()) {
                records.addAll(List.of(text.split("\n")));
            }
            nextOffset = snapshot.id().endOffset();
            snapshotsLoaded++;
        }

        byte[] snapshot() {
            return String.join("\n", records).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void handleLeaderChange(LeaderAndEpoch leader) {
            this.leader = leader;
        }
    }

    @AfterEach
    void closeAll() {
        nodes.values().forEach(MetadataQuorum::close);
    }

    @Test
    void threeVotersElectALeaderAndEveryMemberSeesTheSameCommits() throws Exception {
        startVoters(3);
        MetadataQuorum leader = awaitLeader();
        List<String> written = appendAll(leader, "a", 50);
        for (int id = 1; id <= 3; id++) {
            RecordingListener listener = listeners.get(id);
            await(() -> listener.records.size() >= written.size(), "node " + listener + " applies every commit");
            assertEquals(written, List.copyOf(listener.records), "node " + id + " saw other records or another order");
        }
        QuorumDescription description = leader.describe().get(5, TimeUnit.SECONDS);
        assertEquals(leader.nodeId(), description.leaderId());
        assertEquals(3, description.voters().size());
        assertTrue(description.highWatermark() >= written.size());
        assertTrue(leader.meterRegistry().get("kraftlet.raft.commit-latency").timer().count() >= written.size());
    }

    @Test
    void appendOnAFollowerFailsWithTheLeaderAsHint() throws Exception {
        startVoters(3);
        MetadataQuorum leader = awaitLeader();
        MetadataQuorum follower = nodes.values().stream().filter(node -> node != leader).findFirst().orElseThrow();
        await(() -> listeners.get(follower.nodeId()).leader.leaderId().isPresent(), "the follower knows the leader");
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> follower.append(List.of(bytes("x"))).get(10, TimeUnit.SECONDS));
        AppendFailedException refusal = assertInstanceOf(AppendFailedException.class, failure.getCause());
        assertEquals(AppendResult.Status.NOT_LEADER, refusal.status());
        assertEquals(leader.nodeId(), refusal.leader().leaderIdOrNil());
    }

    @Test
    void aNewLeaderTakesOverAndTheOldOneRejoinsAndCatchesUp() throws Exception {
        startVoters(3);
        MetadataQuorum first = awaitLeader();
        List<String> before = appendAll(first, "before", 20);
        int oldLeaderId = first.nodeId();
        first.close();
        nodes.remove(oldLeaderId);

        MetadataQuorum second = awaitLeader();
        assertNotEquals(oldLeaderId, second.nodeId());
        List<String> after = appendAll(second, "after", 20);

        startNode(oldLeaderId);
        List<String> all = new ArrayList<>(before);
        all.addAll(after);
        RecordingListener rejoined = listeners.get(oldLeaderId);
        await(() -> rejoined.records.size() >= all.size(), "the old leader catches up after restarting");
        assertEquals(all, List.copyOf(rejoined.records));
    }

    @Test
    void anObserverFollowsTheLogButNeverVotes() throws Exception {
        startVoters(3);
        MetadataQuorum leader = awaitLeader();
        List<String> written = appendAll(leader, "o", 10);
        MetadataQuorum.format(dir.resolve("node-9"), CLUSTER, 9);
        MetadataQuorum observer = MetadataQuorum.builder().nodeId(9).clusterId(CLUSTER).voters(voters)
                .dataDir(dir.resolve("node-9")).listener("127.0.0.1:0").build();
        nodes.put(9, observer);
        RecordingListener listener = new RecordingListener();
        observer.register(listener);
        observer.start();
        assertTrue(!observer.isVoter());
        await(() -> listener.records.size() >= written.size(), "the observer catches up");
        assertEquals(written, List.copyOf(listener.records));
        QuorumDescription description = leader.describe().get(5, TimeUnit.SECONDS);
        assertTrue(description.observers().stream().anyMatch(replica -> replica.replicaId() == 9));
    }

    @Test
    void aMemberStartingAfterThePrefixWasDeletedLoadsTheSnapshot() throws Exception {
        startVoters(3);
        MetadataQuorum leader = awaitLeader();
        List<String> all = new ArrayList<>();
        // Each node keeps its log back to its previous snapshot, so two rounds of snapshots
        // delete a prefix. The listener's offset is a batch boundary it reached, so a snapshot
        // covers exactly the records it holds. Snapshot on every voter so nobody keeps the prefix.
        for (String round : List.of("s", "t")) {
            all.addAll(appendAll(leader, round, 15));
            for (int id = 1; id <= 3; id++) {
                RecordingListener listener = listeners.get(id);
                await(() -> listener.records.size() >= all.size(), "node applies every commit");
                nodes.get(id).createSnapshot(listener.nextOffset, listener.snapshot()).get(10, TimeUnit.SECONDS);
            }
        }
        all.addAll(appendAll(leader, "u", 5));

        MetadataQuorum.format(dir.resolve("node-8"), CLUSTER, 8);
        MetadataQuorum observer = MetadataQuorum.builder().nodeId(8).clusterId(CLUSTER).voters(voters)
                .dataDir(dir.resolve("node-8")).listener("127.0.0.1:0").build();
        nodes.put(8, observer);
        RecordingListener listener = new RecordingListener();
        observer.register(listener);
        observer.start();
        await(() -> listener.records.size() >= all.size(), "the new member catches up");
        assertEquals(1, listener.snapshotsLoaded, "the new member must start from the snapshot");
        assertEquals(all, List.copyOf(listener.records));

        ExecutionException aboveHighWatermark = assertThrows(ExecutionException.class,
                () -> leader.createSnapshot(1_000_000, new byte[0]).get(10, TimeUnit.SECONDS));
        assertTrue(aboveHighWatermark.getCause().getMessage().contains("high watermark"));
    }

    @Test
    void aListenerThatThrowsStopsTheNodeVisiblyAndNothingHangs() throws Exception {
        voters = "1@127.0.0.1:" + freePort();
        MetadataQuorum.format(dir.resolve("node-1"), CLUSTER, 1);
        MetadataQuorum node = MetadataQuorum.builder().nodeId(1).clusterId(CLUSTER).voters(voters)
                .dataDir(dir.resolve("node-1")).build();
        nodes.put(1, node);
        RecordingListener leaderWatch = new RecordingListener();
        node.register(leaderWatch);
        node.register(new RaftListener() {
            @Override
            public void handleCommit(Batch batch) {
                if (!batch.control()) {
                    throw new IllegalStateException("state machine bug");
                }
            }

            @Override
            public void handleLoadSnapshot(SnapshotStore.Snapshot snapshot) {
            }

            @Override
            public void handleLeaderChange(LeaderAndEpoch leader) {
            }
        });
        node.start();
        await(() -> leaderWatch.leader.isLeader(1), "the single voter leads");
        ExecutionException first = assertThrows(ExecutionException.class,
                () -> node.append(List.of(bytes("boom"))).get(10, TimeUnit.SECONDS));
        AppendFailedException outcomeUnknown = assertInstanceOf(AppendFailedException.class, first.getCause());
        assertEquals(AppendResult.Status.LEADERSHIP_LOST, outcomeUnknown.status(), "the record may have committed");
        assertTrue(node.failure().isPresent());
        assertTrue(node.failure().get().getMessage().contains("state machine bug"));
        ExecutionException later = assertThrows(ExecutionException.class,
                () -> node.append(List.of(bytes("x"))).get(10, TimeUnit.SECONDS));
        assertTrue(later.getCause().getMessage().contains("stopped after a failure"), later.getCause().getMessage());
        assertThrows(ExecutionException.class, () -> node.describe().get(10, TimeUnit.SECONDS));
    }

    @Test
    void aNodeReopenedOnTheSameRegistryPublishesFreshMeters() throws Exception {
        voters = "1@127.0.0.1:" + freePort();
        MetadataQuorum.format(dir.resolve("node-1"), CLUSTER, 1);
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        for (int round = 1; round <= 2; round++) {
            MetadataQuorum node = MetadataQuorum.builder().nodeId(1).clusterId(CLUSTER).voters(voters)
                    .dataDir(dir.resolve("node-1")).meterRegistry(registry).build();
            RecordingListener listener = new RecordingListener();
            node.register(listener);
            node.start();
            try {
                await(() -> listener.leader.isLeader(1), "the single voter leads");
                node.append(List.of(bytes("r" + round))).get(10, TimeUnit.SECONDS);
                double epoch = registry.get("kraftlet.raft.current-epoch").gauge().value();
                assertEquals(round, epoch, "round " + round + " must read the live node's epoch");
            } finally {
                node.close();
            }
        }
    }

    @Test
    void startRefusesAnUnformattedDirectoryAndAnotherClustersDirectory() throws IOException {
        String onePort = "1@127.0.0.1:" + freePort();
        IllegalStateException unformatted = assertThrows(IllegalStateException.class,
                () -> MetadataQuorum.builder().nodeId(1).clusterId(CLUSTER).voters(onePort).dataDir(dir.resolve("empty"))
                        .build());
        assertTrue(unformatted.getMessage().contains("not formatted"), unformatted.getMessage());

        MetadataQuorum.format(dir.resolve("other"), "another-cluster", 1);
        RuntimeException mismatch = assertThrows(RuntimeException.class,
                () -> MetadataQuorum.builder().nodeId(1).clusterId(CLUSTER).voters(onePort).dataDir(dir.resolve("other"))
                        .build());
        assertTrue(mismatch.getMessage().contains("another-cluster") && mismatch.getMessage().contains(CLUSTER),
                mismatch.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> MetadataQuorum.builder().nodeId(1).clusterId(CLUSTER).voters("1@nohostport").dataDir(dir).build());
    }

    // ---------------------------------------------------------------- helpers

    private void startVoters(int count) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int id = 1; id <= count; id++) {
            text.append(id == 1 ? "" : ",").append(id).append("@127.0.0.1:").append(freePort());
        }
        voters = text.toString();
        for (int id = 1; id <= count; id++) {
            MetadataQuorum.format(dir.resolve("node-" + id), CLUSTER, id);
            startNode(id);
        }
    }

    private void startNode(int id) {
        MetadataQuorum node = MetadataQuorum.builder().nodeId(id).clusterId(CLUSTER).voters(voters)
                .dataDir(dir.resolve("node-" + id)).build();
        RecordingListener listener = new RecordingListener();
        node.register(listener);
        node.start();
        nodes.put(id, node);
        listeners.put(id, listener);
    }

    /** The node whose own listener was told it leads. */
    private MetadataQuorum awaitLeader() {
        MetadataQuorum[] leader = new MetadataQuorum[1];
        await(() -> {
            for (Map.Entry<Integer, MetadataQuorum> entry : nodes.entrySet()) {
                RecordingListener listener = listeners.get(entry.getKey());
                if (listener != null && listener.leader.isLeader(entry.getKey())) {
                    leader[0] = entry.getValue();
                    return true;
                }
            }
            return false;
        }, "a leader is elected");
        return leader[0];
    }

    /** Appends {@code count} single-record batches, retrying while leadership settles. */
    private List<String> appendAll(MetadataQuorum leader, String prefix, int count) throws Exception {
        List<String> written = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String record = prefix + "-" + i;
            leader.append(List.of(bytes(record))).get(10, TimeUnit.SECONDS);
            written.add(record);
        }
        return written;
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(POLL_INTERVAL_NANOS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

package io.kraftlet.examples.process;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.quorum.MetadataQuorum;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An observer that starts after the leader deleted its log prefix (snapshots every 50 records)
 * loads the leader's snapshot, then commits the tail.
 */
class SnapshotCatchUpProcessIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(40);
    private static final Pattern LAST_SEQUENCE = Pattern.compile("lastSequence=(\\d+)");

    private ProcessCluster cluster;

    @AfterEach
    void killEveryNode() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aLateObserverLoadsTheSnapshotThenCommitsTheTail() {
        cluster = new ProcessCluster("snapshot-catch-up", 3, Map.of(
                "kraftlet.example.state.machine", "true",
                "kraftlet.example.append.records.per.second", "100",
                "metadata.log.snapshot.interval.records", "50"));
        List<NodeProcess> voters = cluster.addVoters();
        cluster.startAll(voters);
        NodeProcess leader = cluster.node(cluster.awaitLeader("a leader", TIMEOUT, voters, id -> id > 0)
                .description().leaderId());
        Poll.until("the leader to commit 300 records and snapshot", TIMEOUT, cluster::diagnostics,
                () -> leader.lastCommitted() >= 300 && hasSnapshot(leader));

        NodeProcess observer = cluster.addNode(4, Map.of());
        observer.start();

        String firstLoad = Poll.value("the observer to load a snapshot", TIMEOUT, cluster::diagnostics,
                () -> observer.snapshotLoads().stream().findFirst());
        assertTrue(lastSequence(firstLoad) >= 50, "the snapshot covers the deleted prefix: " + firstLoad);
        long target = leader.lastCommitted();
        Poll.until("the observer to commit up to " + target, TIMEOUT, cluster::diagnostics,
                () -> observer.lastCommitted() >= target);
        // The prefix came in a snapshot; committed.txt holds the tail. The leader deletes its prefix at every
        // snapshot, so an observer still behind may load a newer one and skip ahead to right after it.
        Set<Long> snapshotSequences = observer.snapshotLoads().stream()
                .map(SnapshotCatchUpProcessIT::lastSequence).collect(Collectors.toSet());
        List<Long> tail = observer.committed();
        assertTrue(!tail.isEmpty() && snapshotSequences.contains(tail.get(0) - 1),
                "the tail starts right after a snapshot: " + snapshotSequences + ", " + tail.subList(0, Math.min(3, tail.size())));
        CommittedLog.assertContiguousExceptSnapshots(tail, snapshotSequences, "observer");
        CommittedLog.assertContiguousFromOne(leader.committed(), "leader " + leader.nodeId);
        Poll.until("the leader to list observer 4", TIMEOUT, cluster::diagnostics,
                () -> cluster.describe(voters).map(answer -> answer.description().observers().stream()
                        .anyMatch(replica -> replica.replicaId() == 4)).orElse(false));
    }

    private static long lastSequence(String snapshotLoad) {
        Matcher lastSequence = LAST_SEQUENCE.matcher(snapshotLoad);
        assertTrue(lastSequence.find(), snapshotLoad);
        return Long.parseLong(lastSequence.group(1));
    }

    /** A snapshot file in the leader's log directory: the prefix below it is deleted. */
    private static boolean hasSnapshot(NodeProcess node) {
        Path logDir = node.dataDir.resolve(MetadataQuorum.LOG_DIR_NAME);
        if (!Files.isDirectory(logDir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(logDir)) {
            return files.anyMatch(file -> file.getFileName().toString().endsWith(".checkpoint"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.kraftlet.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.examples.describe.QuorumDescribeClient;
import io.kraftlet.raft.QuorumDescription.ReplicaDescription;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §7 tier 5: three voters in three JVMs; the leader is killed with SIGKILL while it
 * appends, a new leader takes over without losing anything committed, and the old leader, restarted,
 * catches up.
 */
class LeaderFailoverProcessIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(40);

    private ProcessCluster cluster;

    @AfterEach
    void killEveryNode() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aKilledLeaderIsReplacedWithoutLosingCommittedRecordsAndCatchesUpWhenRestarted() {
        // No snapshots here, so every node's committed.txt holds every sequence number from 1.
        cluster = new ProcessCluster("leader-failover", 3, Map.of(
                "kraftlet.example.state.machine", "true",
                "kraftlet.example.append.records.per.second", "50",
                "metadata.log.snapshot.interval.records", "1000000"));
        List<NodeProcess> voters = cluster.addVoters();
        cluster.startAll(voters);
        int oldLeaderId = cluster.awaitLeader("a leader", TIMEOUT, voters, id -> id > 0).description().leaderId();
        NodeProcess oldLeader = cluster.node(oldLeaderId);
        Poll.until("the leader to commit 100 records", TIMEOUT, cluster::diagnostics, () -> oldLeader.lastCommitted() >= 100);

        long committedBeforeKill = voters.stream().mapToLong(NodeProcess::lastCommitted).max().orElseThrow();
        oldLeader.kill();

        List<NodeProcess> survivors = voters.stream().filter(node -> node != oldLeader).toList();
        QuorumDescribeClient.Answer answer = cluster.awaitLeader("a new leader among the survivors", TIMEOUT, survivors,
                id -> id > 0 && id != oldLeaderId);
        NodeProcess newLeader = cluster.node(answer.description().leaderId());
        Poll.until("the new leader to resume appending", TIMEOUT, cluster::diagnostics,
                () -> newLeader.lastCommitted() >= committedBeforeKill + 50);
        // Contiguous from 1 up past everything any node had committed before the kill: nothing was lost.
        CommittedLog.assertContiguousFromOne(newLeader.committed(), "new leader " + newLeader.nodeId);
        for (NodeProcess survivor : survivors) {
            CommittedLog.assertContiguousFromOne(survivor.committed(), "node " + survivor.nodeId);
            CommittedLog.assertSamePrefix(newLeader.committed(), survivor.committed(), "node " + survivor.nodeId);
        }
        CommittedLog.assertContiguousFromOne(oldLeader.committed(), "killed leader " + oldLeaderId);

        oldLeader.start();
        long target = newLeader.lastCommitted();
        Poll.until("the restarted node to catch up to " + target, TIMEOUT, cluster::diagnostics,
                () -> oldLeader.lastCommitted() >= target);

        CommittedLog.assertContiguousFromOne(oldLeader.committed(), "restarted node " + oldLeaderId);
        CommittedLog.assertSamePrefix(newLeader.committed(), oldLeader.committed(), "restarted node " + oldLeaderId);
        ReplicaDescription rejoined = cluster.awaitLeader("the leader to see node " + oldLeaderId + " fetch", TIMEOUT,
                voters, id -> id > 0).description().voters().stream()
                .filter(voter -> voter.replicaId() == oldLeaderId).findFirst().orElseThrow();
        assertTrue(rejoined.logEndOffset() > 0, "node " + oldLeaderId + " fetches again: " + rejoined);
        assertNotEquals(-1, rejoined.lastFetchTimestampMs());
        assertEquals(3, answer.description().voters().size());
    }
}

package io.kraftlet.examples.describe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kraftlet.raft.QuorumDescription;
import io.kraftlet.raft.QuorumDescription.ReplicaDescription;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuorumDescriptionFormatTest {
    private static final long NOW_MS = 1_700_000_010_000L;

    /** Leader 2 at 120; voter 1 at 100 (caught up 3 s before the leader); voter 3 never fetched; observer 4. */
    private static final QuorumDescription DESCRIPTION = new QuorumDescription(2, 7, 118,
            List.of(new ReplicaDescription(1, 100, 1_700_000_009_500L, 1_700_000_007_000L),
                    new ReplicaDescription(2, 120, 1_700_000_010_000L, 1_700_000_010_000L),
                    new ReplicaDescription(3, -1, -1, -1)),
            List.of(new ReplicaDescription(4, 115, 1_700_000_009_900L, 1_700_000_009_000L)));

    @Test
    void statusPrintsKafkasFieldsAlignedAtColumn25() {
        QuorumDescription healthy = new QuorumDescription(2, 7, 118,
                List.of(new ReplicaDescription(1, 100, 1_700_000_009_500L, 1_700_000_007_000L),
                        new ReplicaDescription(2, 120, 1_700_000_010_000L, 1_700_000_010_000L)),
                List.of(new ReplicaDescription(4, 115, 1_700_000_009_900L, 1_700_000_009_000L)));

        assertEquals(""
                + "ClusterId:              MkU3OEVBNTcwNTJENDM2Qk\n"
                + "LeaderId:               2\n"
                + "LeaderEpoch:            7\n"
                + "HighWatermark:          118\n"
                + "MaxFollowerLag:         20\n"
                + "MaxFollowerLagTimeMs:   3000\n"
                + "CurrentVoters:          [{\"id\": 1}, {\"id\": 2}]\n"
                + "CurrentObservers:       [{\"id\": 4}]\n",
                QuorumDescriptionFormat.status("MkU3OEVBNTcwNTJENDM2Qk", healthy));
    }

    @Test
    void statusOfAQuorumWithAVoterThatNeverFetched() {
        String status = QuorumDescriptionFormat.status("c", DESCRIPTION);

        // The voter that never fetched has log end -1: the lag counts from there, its catch-up time is unknown.
        assertEquals(List.of("MaxFollowerLag:         121", "MaxFollowerLagTimeMs:   -1"),
                status.lines().filter(line -> line.startsWith("MaxFollower")).toList());
    }

    @Test
    void statusOfACaughtUpQuorumHasNoLag() {
        QuorumDescription caughtUp = new QuorumDescription(1, 3, 50,
                List.of(new ReplicaDescription(1, 50, 10, 10), new ReplicaDescription(2, 50, 9, 9)), List.of());

        String status = QuorumDescriptionFormat.status("c", caughtUp);

        assertEquals(List.of("MaxFollowerLag:         0", "MaxFollowerLagTimeMs:   0"),
                status.lines().filter(line -> line.startsWith("MaxFollower")).toList());
    }

    @Test
    void replicationPrintsLeaderFollowersThenObserversInPaddedTabSeparatedColumns() {
        assertEquals(""
                + "NodeId\tLogEndOffset\tLag\tLastFetchTimestamp\tLastCaughtUpTimestamp\tStatus  \t\n"
                + "2     \t120         \t0  \t1700000010000     \t1700000010000        \tLeader  \t\n"
                + "1     \t100         \t20 \t1700000009500     \t1700000007000        \tFollower\t\n"
                + "3     \t-1          \t-1 \t-1                \t-1                   \tFollower\t\n"
                + "4     \t115         \t5  \t1700000009900     \t1700000009000        \tObserver\t\n",
                QuorumDescriptionFormat.replication(DESCRIPTION, false, NOW_MS));
    }

    @Test
    void humanReadableReplicationPrintsHowLongAgo() {
        assertEquals(""
                + "NodeId\tLogEndOffset\tLag\tLastFetchTimestamp\tLastCaughtUpTimestamp\tStatus  \t\n"
                + "2     \t120         \t0  \t0 ms ago          \t0 ms ago             \tLeader  \t\n"
                + "1     \t100         \t20 \t500 ms ago        \t3000 ms ago          \tFollower\t\n"
                + "3     \t-1          \t-1 \t-1                \t-1                   \tFollower\t\n"
                + "4     \t115         \t5  \t100 ms ago        \t1000 ms ago          \tObserver\t\n",
                QuorumDescriptionFormat.replication(DESCRIPTION, true, NOW_MS));
    }

    @Test
    void anAnswerWithoutTheLeadersProgressIsRefused() {
        QuorumDescription fromFollower = new QuorumDescription(2, 7, 118, List.of(), List.of());

        assertThrows(IllegalArgumentException.class, () -> QuorumDescriptionFormat.status("c", fromFollower));
        assertThrows(IllegalArgumentException.class, () -> QuorumDescriptionFormat.replication(fromFollower, false, 0));
    }
}

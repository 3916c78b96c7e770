package io.kraftlet.examples.describe;

import io.kraftlet.raft.QuorumDescription;
import io.kraftlet.raft.QuorumDescription.ReplicaDescription;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Prints a leader's {@link QuorumDescription} in the layouts of Kafka's
 * {@code kafka-metadata-quorum describe}: {@code --status} (one {@code Name: value} line per
 * field, values aligned at column 25) and {@code --replication} (a table, each cell padded to
 * its column's width and followed by a tab). Kafka's DirectoryId column and endpoints are left
 * out: DescribeQuorum does not carry them. Unknown values print as -1. Pure functions.
 */
public final class QuorumDescriptionFormat {
    static final List<String> REPLICATION_HEADERS = List.of("NodeId", "LogEndOffset", "Lag", "LastFetchTimestamp",
            "LastCaughtUpTimestamp", "Status");
    private static final int STATUS_LABEL_WIDTH = 24;

    private QuorumDescriptionFormat() {
    }

    /**
     * The {@code --status} lines: ClusterId, LeaderId, LeaderEpoch, HighWatermark,
     * MaxFollowerLag (leader's log end minus the lowest voter's), MaxFollowerLagTimeMs (how much
     * earlier that voter was last caught up than the leader; 0 if the leader is the lowest, -1 if
     * unknown), CurrentVoters, CurrentObservers.
     *
     * @throws IllegalArgumentException if the description has no progress for its leader (it did
     *     not come from the leader)
     */
    public static String status(String clusterId, QuorumDescription description) {
        ReplicaDescription leader = leader(description);
        ReplicaDescription laggiest = description.voters().stream()
                .min(Comparator.comparingLong(ReplicaDescription::logEndOffset))
                .orElseThrow();
        long maxFollowerLag = leader.logEndOffset() - laggiest.logEndOffset();
        long maxFollowerLagTimeMs;
        if (laggiest == leader || laggiest.logEndOffset() == leader.logEndOffset()) {
            maxFollowerLagTimeMs = 0;
        } else if (leader.lastCaughtUpTimestampMs() >= 0 && laggiest.lastCaughtUpTimestampMs() >= 0) {
            maxFollowerLagTimeMs = leader.lastCaughtUpTimestampMs() - laggiest.lastCaughtUpTimestampMs();
        } else {
            maxFollowerLagTimeMs = -1;
        }
        StringBuilder out = new StringBuilder();
        statusLine(out, "ClusterId", clusterId);
        statusLine(out, "LeaderId", description.leaderId());
        statusLine(out, "LeaderEpoch", description.leaderEpoch());
        statusLine(out, "HighWatermark", description.highWatermark());
        statusLine(out, "MaxFollowerLag", maxFollowerLag);
        statusLine(out, "MaxFollowerLagTimeMs", maxFollowerLagTimeMs);
        statusLine(out, "CurrentVoters", nodes(description.voters()));
        statusLine(out, "CurrentObservers", nodes(description.observers()));
        return out.toString();
    }

    /**
     * The {@code --replication} table: the leader, then the other voters (Follower), then the
     * observers (Observer). Lag is the leader's log end minus the replica's.
     *
     * @param humanReadable print timestamps as {@code "<n> ms ago"} relative to {@code nowMs}
     * @throws IllegalArgumentException if the description has no progress for its leader
     */
    public static String replication(QuorumDescription description, boolean humanReadable, long nowMs) {
        ReplicaDescription leader = leader(description);
        List<List<String>> rows = new ArrayList<>();
        rows.add(row(leader, leader, "Leader", humanReadable, nowMs));
        for (ReplicaDescription voter : description.voters()) {
            if (voter != leader) {
                rows.add(row(leader, voter, "Follower", humanReadable, nowMs));
            }
        }
        for (ReplicaDescription observer : description.observers()) {
            rows.add(row(leader, observer, "Observer", humanReadable, nowMs));
        }
        return table(REPLICATION_HEADERS, rows);
    }

    private static ReplicaDescription leader(QuorumDescription description) {
        return description.voters().stream()
                .filter(voter -> voter.replicaId() == description.leaderId())
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the answer has no progress for leader "
                        + description.leaderId() + ": it did not come from the leader"));
    }

    private static List<String> row(ReplicaDescription leader, ReplicaDescription replica, String status,
            boolean humanReadable, long nowMs) {
        long lag = replica.logEndOffset() < 0 ? -1 : leader.logEndOffset() - replica.logEndOffset();
        return List.of(Integer.toString(replica.replicaId()), Long.toString(replica.logEndOffset()), Long.toString(lag),
                timestamp(replica.lastFetchTimestampMs(), humanReadable, nowMs),
                timestamp(replica.lastCaughtUpTimestampMs(), humanReadable, nowMs), status);
    }

    private static String timestamp(long timestampMs, boolean humanReadable, long nowMs) {
        if (timestampMs < 0 || !humanReadable) {
            return Long.toString(timestampMs);
        }
        return Math.max(0, nowMs - timestampMs) + " ms ago";
    }

    private static String table(List<String> headers, List<List<String>> rows) {
        int[] widths = new int[headers.size()];
        for (int column = 0; column < widths.length; column++) {
            widths[column] = headers.get(column).length();
            for (List<String> row : rows) {
                widths[column] = Math.max(widths[column], row.get(column).length());
            }
        }
        StringBuilder out = new StringBuilder();
        tableRow(out, widths, headers);
        rows.forEach(row -> tableRow(out, widths, row));
        return out.toString();
    }

    private static void tableRow(StringBuilder out, int[] widths, List<String> cells) {
        for (int column = 0; column < widths.length; column++) {
            String cell = cells.get(column);
            out.append(cell).append(" ".repeat(widths[column] - cell.length())).append('\t');
        }
        out.append('\n');
    }

    private static void statusLine(StringBuilder out, String label, Object value) {
        String prefix = label + ":";
        out.append(prefix).append(" ".repeat(Math.max(1, STATUS_LABEL_WIDTH - prefix.length()))).append(value).append('\n');
    }

    /** Kafka's node list, {@code [{"id": 1}, {"id": 2}]}, without the directory ids and endpoints we do not know. */
    private static String nodes(List<ReplicaDescription> replicas) {
        return replicas.stream()
                .map(replica -> "{\"id\": " + replica.replicaId() + "}")
                .collect(Collectors.joining(", ", "[", "]"));
    }
}

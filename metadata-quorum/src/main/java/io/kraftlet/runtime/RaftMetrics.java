package io.kraftlet.runtime;

import io.kraftlet.raft.LeaderAndEpoch;
import io.kraftlet.raft.RaftNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The raft meters of DESIGN §8, with Kafka's names under {@code kraftlet.raft.}: gauges for the
 * current leader, epoch, state (one gauge per state, 1 for the current one), high watermark
 * and log end offset; timers for commit latency (append call to commit) and election latency
 * (leader lost to leader known); counters whose rates are the append and fetch record rates.
 *
 * <p>Threading: updated only by the driver thread; gauges read published values, so any
 * thread may scrape.
 */
public final class RaftMetrics {
    private static final List<String> STATES = List.of("unattached", "prospective", "candidate", "leader",
            "follower", "resigned");

    private final AtomicLong currentLeader = new AtomicLong(-1);
    private final AtomicLong currentEpoch = new AtomicLong();
    private final AtomicLong highWatermark = new AtomicLong();
    private final AtomicLong logEndOffset = new AtomicLong();
    private final AtomicLong[] stateFlags = new AtomicLong[STATES.size()];
    private final Timer commitLatency;
    private final Timer electionLatency;
    private final Counter appendRecords;
    private final Counter fetchRecords;
    private final MeterRegistry registry;
    private final List<Meter> meters = new java.util.ArrayList<>();
    private long fetchedRecordsSeen;
    private long leaderLostAtMs = -1;

    public RaftMetrics(MeterRegistry registry, int nodeId) {
        this.registry = registry;
        String node = Integer.toString(nodeId);
        meters.add(Gauge.builder("kraftlet.raft.current-leader", currentLeader, AtomicLong::get).tag("node", node)
                .description("the leader this node knows, -1 if none").register(registry));
        meters.add(Gauge.builder("kraftlet.raft.current-epoch", currentEpoch, AtomicLong::get).tag("node", node)
                .register(registry));
        meters.add(Gauge.builder("kraftlet.raft.high-watermark", highWatermark, AtomicLong::get).tag("node", node)
                .register(registry));
        meters.add(Gauge.builder("kraftlet.raft.log-end-offset", logEndOffset, AtomicLong::get).tag("node", node)
                .register(registry));
        for (int i = 0; i < STATES.size(); i++) {
            stateFlags[i] = new AtomicLong();
            meters.add(Gauge.builder("kraftlet.raft.current-state", stateFlags[i], AtomicLong::get).tag("node", node)
                    .tag("state", STATES.get(i)).description("1 for the role this node is in").register(registry));
        }
        commitLatency = Timer.builder("kraftlet.raft.commit-latency").tag("node", node)
                .description("from append call to commit").publishPercentiles(0.5, 0.99, 0.999).register(registry);
        electionLatency = Timer.builder("kraftlet.raft.election-latency").tag("node", node)
                .description("from losing the leader to knowing the next").register(registry);
        appendRecords = Counter.builder("kraftlet.raft.append-records").tag("node", node)
                .description("records committed through append; its rate is append-records-rate").register(registry);
        fetchRecords = Counter.builder("kraftlet.raft.fetch-records").tag("node", node)
                .description("records fetched as follower or observer; its rate is fetch-records-rate").register(registry);
        meters.addAll(List.of(commitLatency, electionLatency, appendRecords, fetchRecords));
    }

    /** Removes this node's meters, so a node reopened on the same registry registers fresh ones. */
    void close() {
        meters.forEach(registry::remove);
        meters.clear();
    }

    /** Publishes the core's state after a step. */
    void update(RaftNode core, long nowMs) {
        LeaderAndEpoch leader = core.leaderAndEpoch();
        if (leader.leaderId().isEmpty() && leaderLostAtMs < 0) {
            leaderLostAtMs = nowMs;
        } else if (leader.leaderId().isPresent() && leaderLostAtMs >= 0) {
            electionLatency.record(Duration.ofMillis(nowMs - leaderLostAtMs));
            leaderLostAtMs = -1;
        }
        currentLeader.set(leader.leaderIdOrNil());
        currentEpoch.set(leader.epoch());
        highWatermark.set(core.highWatermark());
        logEndOffset.set(core.flushedEndOffset());
        String state = core.state().name();
        for (int i = 0; i < STATES.size(); i++) {
            stateFlags[i].set(STATES.get(i).equals(state) ? 1 : 0);
        }
        long fetched = core.fetchedRecords();
        if (fetched > fetchedRecordsSeen) {
            fetchRecords.increment(fetched - fetchedRecordsSeen);
            fetchedRecordsSeen = fetched;
        }
    }

    void recordCommit(long latencyMs, int records) {
        commitLatency.record(Duration.ofMillis(latencyMs));
        appendRecords.increment(records);
    }
}

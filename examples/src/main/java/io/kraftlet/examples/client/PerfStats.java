package io.kraftlet.examples.client;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The statistics {@code producer-perf} prints, in the words of Kafka's ProducerPerformance: a
 * progress line per reporting window,
 * {@code N records sent, X records/sec (Y MB/sec), Z ms avg latency, W ms max latency.}, and a
 * final summary with the latency percentiles of the whole run,
 * {@code N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency, P50 ms 50th, P95 ms 95th, P99 ms 99th, P999 ms 99.9th.}
 *
 * <p>Thread-safe: sender threads call {@link #record}; a window's line is printed by the call
 * that closes it. Latencies are kept in a histogram of bounded size (1 ms to
 * {@link #MAX_LATENCY_MS}), so a run of any length uses the same memory.
 */
final class PerfStats {
    /** The largest latency the histogram tells apart; longer ones count as this. */
    static final long MAX_LATENCY_MS = TimeUnit.MINUTES.toMillis(10);
    private static final double MB = 1024.0 * 1024.0;

    private final PrintWriter out;
    private final long reportingIntervalNs;
    private final Histogram latencies = new Histogram(MAX_LATENCY_MS, 3);
    private final long startNs;
    private long count;
    private long bytes;
    private long totalLatencyMs;
    private long maxLatencyMs;
    private long windowStartNs;
    private long windowCount;
    private long windowBytes;
    private long windowTotalLatencyMs;
    private long windowMaxLatencyMs;

    PerfStats(PrintWriter out, long reportingIntervalMs, long nowNs) {
        this.out = out;
        this.reportingIntervalNs = TimeUnit.MILLISECONDS.toNanos(reportingIntervalMs);
        this.startNs = nowNs;
        this.windowStartNs = nowNs;
    }

    /** One acknowledged record of {@code size} bytes, {@code latencyMs} after it was sent. */
    synchronized void record(long latencyMs, int size, long nowNs) {
        count++;
        bytes += size;
        totalLatencyMs += latencyMs;
        maxLatencyMs = Math.max(maxLatencyMs, latencyMs);
        latencies.recordValue(Math.min(Math.max(latencyMs, 0), MAX_LATENCY_MS));
        windowCount++;
        windowBytes += size;
        windowTotalLatencyMs += latencyMs;
        windowMaxLatencyMs = Math.max(windowMaxLatencyMs, latencyMs);
        if (nowNs - windowStartNs >= reportingIntervalNs) {
            printWindow(nowNs);
            windowStartNs = nowNs;
            windowCount = 0;
            windowBytes = 0;
            windowTotalLatencyMs = 0;
            windowMaxLatencyMs = 0;
        }
    }

    private void printWindow(long nowNs) {
        double seconds = Math.max(nowNs - windowStartNs, 1) / 1e9;
        out.printf(Locale.ROOT, "%d records sent, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency,"
                + " %.1f ms max latency.%n", windowCount, windowCount / seconds, windowBytes / MB / seconds,
                windowCount == 0 ? 0.0 : (double) windowTotalLatencyMs / windowCount, (double) windowMaxLatencyMs);
        out.flush();
    }

    /** The summary line of the whole run, as of {@code nowNs}. */
    synchronized String summary(long nowNs) {
        double seconds = Math.max(nowNs - startNs, 1) / 1e9;
        return String.format(Locale.ROOT, "%d records sent, %f records/sec (%.2f MB/sec), %.2f ms avg latency,"
                + " %.2f ms max latency, %d ms 50th, %d ms 95th, %d ms 99th, %d ms 99.9th.", count, count / seconds,
                bytes / MB / seconds, count == 0 ? 0.0 : (double) totalLatencyMs / count, (double) maxLatencyMs,
                percentile(50), percentile(95), percentile(99), percentile(99.9));
    }

    private long percentile(double percentile) {
        return count == 0 ? 0 : latencies.getValueAtPercentile(percentile);
    }

    synchronized long count() {
        return count;
    }
}

package io.kraftlet.sim;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The trace of a simulation run: every line is stamped with the simulated time, printed, and the
 * last {@value #LINES} are kept so a violation can be reported with what led to it.
 */
final class SimTrace {
    static final int LINES = 400;
    /** Trace lines quoted in a failure report. */
    private static final int REPORTED_LINES = 40;

    private final Deque<String> lines = new ArrayDeque<>();
    private final LongSupplier nowMs;
    private final Consumer<String> printer;

    SimTrace(LongSupplier nowMs, Consumer<String> printer) {
        this.nowMs = nowMs;
        this.printer = printer;
    }

    void add(String line) {
        String stamped = String.format("%8dms  %s", nowMs.getAsLong(), line);
        if (lines.size() == LINES) {
            lines.removeFirst();
        }
        lines.addLast(stamped);
        printer.accept(stamped);
    }

    /**
     * The violation again, its message extended with the encoded schedule, the replay command,
     * every node's state and the last trace lines.
     */
    InvariantViolation report(InvariantViolation violation, String schedule, String replayCommand,
            List<?> nodes) {
        StringBuilder text = new StringBuilder(violation.getMessage());
        text.append("\n  schedule: ").append(schedule);
        text.append("\n  replay:   ").append(replayCommand);
        text.append("\n  nodes:\n");
        for (Object node : nodes) {
            text.append("    ").append(node).append('\n');
        }
        text.append("  last trace lines:\n");
        lines.stream().skip(Math.max(0, lines.size() - REPORTED_LINES))
                .forEach(line -> text.append("    ").append(line).append('\n'));
        InvariantViolation withTrace = new InvariantViolation(violation.invariant(), text.substring(
                violation.invariant().length() + " violated: ".length()));
        withTrace.initCause(violation);
        return withTrace;
    }
}

package io.kraftlet.examples.cluster;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which OS process runs a node: its pid and, where the OS reports it, when it started. The start
 * time tells the node's process apart from an unrelated one that later got the same pid, so
 * {@code cluster down} never signals a stranger.
 *
 * @param pid the process id
 * @param startedAt the process's start time, if the OS reports it
 */
public record NodeProcessId(long pid, Optional<Instant> startedAt) {
    public NodeProcessId {
        Objects.requireNonNull(startedAt, "startedAt");
    }

    /** The id of a running process. */
    public static NodeProcessId of(ProcessHandle process) {
        return new NodeProcessId(process.pid(), process.info().startInstant());
    }

    /** The process, if it still runs and is the one that was recorded (same start time, when known). */
    public Optional<ProcessHandle> handle() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(process -> startedAt.isEmpty() || process.info().startInstant().isEmpty()
                        || process.info().startInstant().equals(startedAt));
    }

    public boolean isAlive() {
        return handle().isPresent();
    }
}

package io.kraftlet.log;

import io.kraftlet.raft.ElectionState;

/**
 * Where a voter keeps its {@link ElectionState} (epoch, vote, known leader) across crashes.
 *
 * <p>Contract: called only from the node's driver thread, never concurrently.
 * {@link #write} blocks until the state is durable (for a file: temp file, fsync, rename,
 * fsync directory), because the driver sends no message that depends on a vote or epoch
 * before it returns (DESIGN §2 "Durability"). A crash during {@link #write} leaves either the
 * old or the new state, never a mix. Writing the same state again is harmless. I/O failures
 * throw {@link java.io.UncheckedIOException}; a damaged stored state throws
 * {@link CorruptStorageException} naming the file. Either stops the node.
 */
public interface QuorumStateStore {
    /** The last state written, or {@link ElectionState#INITIAL} when none was ever written. */
    ElectionState read();

    /** Durably replaces the stored state; the epoch never goes backwards. */
    void write(ElectionState state);
}

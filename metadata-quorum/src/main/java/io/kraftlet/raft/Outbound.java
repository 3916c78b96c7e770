package io.kraftlet.raft;

import io.kraftlet.raft.message.RaftMessage;

/** A message for the driver to send to node {@code destination}. */
public record Outbound(int destination, RaftMessage message) {
}

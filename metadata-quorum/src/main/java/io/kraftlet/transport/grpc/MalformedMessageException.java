package io.kraftlet.transport.grpc;

/**
 * A protobuf message from the wire that cannot be turned into a core record: a required field
 * is missing, or a field holds a value the Raft protocol never produces (a negative id, offset
 * or epoch, an empty batch, ...). The message names the offending field, e.g.
 * {@code "VoteRequest.candidate_id must be >= 0, got -1"}; the server sends it back as the
 * description of an {@code INVALID_ARGUMENT} status, the client drops such a response.
 *
 * <p>Thrown by {@link ProtoMapping}; never escapes the transport's threads.
 */
public final class MalformedMessageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public MalformedMessageException(String field, String problem) {
        super(field + " " + problem);
        this.field = field;
    }

    /** The offending field, qualified by its message, e.g. {@code FetchRequest.fetch_offset}. */
    public String field() {
        return field;
    }
}

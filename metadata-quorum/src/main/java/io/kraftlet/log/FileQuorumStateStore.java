package io.kraftlet.log;

import io.kraftlet.raft.ElectionState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A {@link QuorumStateStore} in the file {@value #FILE_NAME} of a directory: readable text,
 * {@code version}, {@code epoch}, {@code voted.id} and {@code leader.id} ({@code -1} for none),
 * then a {@code crc32c} line over everything before it (see {@link ChecksummedProperties}).
 * Each write goes to a temporary file that is fsynced, renamed over the old one, and the
 * directory fsynced, before {@link #write} returns.
 *
 * <p>Driver thread only; blocks on the disk; throws as {@link QuorumStateStore} says, and
 * {@link IllegalArgumentException} for a write that would move the epoch backwards (the
 * epoch a voter persisted never decreases, DESIGN §6 MonotonicEpoch).
 */
public final class FileQuorumStateStore implements QuorumStateStore {
    public static final String FILE_NAME = "quorum-state";
    private static final int VERSION = 1;
    private static final int NONE = -1;

    private final Path file;
    private ElectionState current;

    /** Opens the store in {@code dir} (created if missing) and reads the state once. */
    public FileQuorumStateStore(Path dir) {
        Path absolute = dir.toAbsolutePath();
        this.file = absolute.resolve(FILE_NAME);
        try {
            Files.createDirectories(absolute);
        } catch (IOException e) {
            throw DurableFiles.failure("create", absolute, e);
        }
        this.current = load();
    }

    public Path file() {
        return file;
    }

    @Override
    public ElectionState read() {
        return current;
    }

    @Override
    public void write(ElectionState state) {
        if (state.epoch() < current.epoch()) {
            throw new IllegalArgumentException("refusing to move the persisted epoch backwards from " + current.epoch()
                    + " to " + state.epoch() + " in " + file);
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("version", Integer.toString(VERSION));
        values.put("epoch", Integer.toString(state.epoch()));
        values.put("voted.id", Integer.toString(state.votedId().orElse(NONE)));
        values.put("leader.id", Integer.toString(state.leaderId().orElse(NONE)));
        byte[] content = ChecksummedProperties.encode("kraftlet quorum state; written atomically, do not edit", values);
        try {
            DurableFiles.writeAtomically(file, content);
        } catch (IOException e) {
            throw DurableFiles.failure("write the quorum state to", file, e);
        }
        current = state;
    }

    private ElectionState load() {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return ElectionState.INITIAL;
        } catch (IOException e) {
            throw DurableFiles.failure("read the quorum state from", file, e);
        }
        Map<String, String> values = ChecksummedProperties.decode(file, content);
        int version = ChecksummedProperties.requireInt(file, values, "version");
        if (version != VERSION) {
            throw new CorruptStorageException(file, "unsupported quorum-state version " + version + " (this build reads " + VERSION + ")");
        }
        int epoch = ChecksummedProperties.requireInt(file, values, "epoch");
        if (epoch < 0) {
            throw new CorruptStorageException(file, "negative epoch " + epoch);
        }
        return new ElectionState(epoch, optionalId(values, "voted.id"), optionalId(values, "leader.id"));
    }

    private OptionalInt optionalId(Map<String, String> values, String key) {
        int id = ChecksummedProperties.requireInt(file, values, key);
        if (id < NONE) {
            throw new CorruptStorageException(file, key + " is " + id + "; node ids are >= 0, or -1 for none");
        }
        return id == NONE ? OptionalInt.empty() : OptionalInt.of(id);
    }
}

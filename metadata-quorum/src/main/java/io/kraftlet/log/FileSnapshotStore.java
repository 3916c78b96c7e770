package io.kraftlet.log;

import io.kraftlet.raft.SnapshotId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * A {@link SnapshotStore} of files named {@link SnapshotId#fileName()} in one directory (it
 * may be the log directory). A file is {@code magic int32 ("KSNP"), version int8 (1),
 * endOffset int64, epoch int32, dataLength int64, data, CRC32C int32} of everything before the
 * CRC; the id inside must match the name. {@link #write} writes {@code <name>.tmp}, fsyncs it,
 * renames it and fsyncs the directory, so a crash never leaves a partial snapshot under a
 * real name; leftover temporary files are deleted on open.
 *
 * <p>Like {@link MemorySnapshotStore}, keeps the two newest snapshots (by end offset; one per
 * end offset) so a follower still fetching the previous one can finish, and deletes older
 * ones after a write. The last snapshot read or written is cached, since a leader serves a
 * snapshot to followers in many chunks.
 *
 * <p>Driver thread only; every method may block on the disk. I/O failures throw
 * {@link java.io.UncheckedIOException}; a damaged file throws {@link CorruptStorageException}
 * naming it.
 */
public final class FileSnapshotStore implements SnapshotStore {
    private static final int SNAPSHOTS_KEPT = 2;
    private static final int MAGIC = 0x4B534E50;
    private static final byte VERSION = 1;
    private static final int HEADER_BYTES = 25;
    private static final int CRC_BYTES = 4;
    private static final Pattern NAME = Pattern.compile("(\\d{20})-(\\d{10})\\.checkpoint");

    private final Path dir;
    private final TreeMap<Long, SnapshotId> byEndOffset = new TreeMap<>();
    private Snapshot cached;

    /** Opens the store in {@code dir} (created if missing), deleting leftover temporary files. */
    public FileSnapshotStore(Path dir) {
        this.dir = dir.toAbsolutePath();
        try {
            Files.createDirectories(this.dir);
            scanDirectory();
        } catch (IOException e) {
            throw DurableFiles.failure("open the snapshot directory", this.dir, e);
        }
    }

    private void scanDirectory() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                Matcher matcher = NAME.matcher(name);
                if (matcher.matches()) {
                    keep(new SnapshotId(Long.parseLong(matcher.group(1)), Integer.parseInt(matcher.group(2))));
                } else if (name.endsWith(".checkpoint" + DurableFiles.TEMP_SUFFIX)) {
                    Files.delete(file);
                }
            }
        }
    }

    /**
     * Tracks {@code id}, deleting what a crash in {@link #write} may have left behind: a file
     * with the same end offset (the newer epoch wins) and snapshots beyond the two newest.
     */
    private void keep(SnapshotId id) throws IOException {
        SnapshotId other = byEndOffset.get(id.endOffset());
        if (other != null && other.epoch() > id.epoch()) {
            Files.deleteIfExists(dir.resolve(id.fileName()));
            return;
        }
        byEndOffset.put(id.endOffset(), id);
        if (other != null) {
            Files.deleteIfExists(dir.resolve(other.fileName()));
        }
        while (byEndOffset.size() > SNAPSHOTS_KEPT) {
            Files.deleteIfExists(dir.resolve(byEndOffset.pollFirstEntry().getValue().fileName()));
        }
    }

    public Path directory() {
        return dir;
    }

    @Override
    public Optional<Snapshot> latest() {
        return byEndOffset.isEmpty() ? Optional.empty() : read(byEndOffset.lastEntry().getValue());
    }

    @Override
    public Optional<Snapshot> read(SnapshotId id) {
        if (!id.equals(byEndOffset.get(id.endOffset()))) {
            return Optional.empty();
        }
        if (cached != null && cached.id().equals(id)) {
            return Optional.of(cached);
        }
        Path file = dir.resolve(id.fileName());
        try {
            cached = decode(id, file, Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            byEndOffset.remove(id.endOffset());
            return Optional.empty();
        } catch (IOException e) {
            throw DurableFiles.failure("read the snapshot", file, e);
        }
        return Optional.of(cached);
    }

    @Override
    public void write(Snapshot snapshot) {
        Path file = dir.resolve(snapshot.id().fileName());
        try {
            writeDurably(snapshot, file);
            // The snapshot just written replaces any other at its end offset, as in memory.
            SnapshotId replaced = byEndOffset.remove(snapshot.id().endOffset());
            if (replaced != null && !replaced.equals(snapshot.id())) {
                Files.deleteIfExists(dir.resolve(replaced.fileName()));
            }
            keep(snapshot.id());
        } catch (IOException e) {
            throw DurableFiles.failure("write the snapshot", file, e);
        }
        cached = snapshot;
    }

    private void writeDurably(Snapshot snapshot, Path file) throws IOException {
        Path temp = DurableFiles.tempFileFor(file);
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).putInt(MAGIC).put(VERSION)
                .putLong(snapshot.id().endOffset()).putInt(snapshot.id().epoch()).putLong(snapshot.data().length).flip();
        CRC32C crc = new CRC32C();
        crc.update(header.duplicate());
        crc.update(snapshot.data());
        ByteBuffer trailer = ByteBuffer.allocate(CRC_BYTES).putInt((int) crc.getValue()).flip();
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long position = 0;
            for (ByteBuffer part : new ByteBuffer[] {header, ByteBuffer.wrap(snapshot.data()), trailer}) {
                int length = part.remaining();
                DurableFiles.writeFully(channel, part, position);
                position += length;
            }
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        DurableFiles.fsyncDirectory(dir);
    }

    private static Snapshot decode(SnapshotId id, Path file, byte[] content) {
        if (content.length < HEADER_BYTES + CRC_BYTES) {
            throw new CorruptStorageException(file, "only " + content.length + " bytes; a snapshot file has at least "
                    + (HEADER_BYTES + CRC_BYTES));
        }
        ByteBuffer buffer = ByteBuffer.wrap(content);
        CRC32C crc = new CRC32C();
        crc.update(content, 0, content.length - CRC_BYTES);
        int stored = buffer.getInt(content.length - CRC_BYTES);
        if (stored != (int) crc.getValue()) {
            throw new CorruptStorageException(file, String.format("CRC32C mismatch: stored %08x, computed %08x",
                    stored, (int) crc.getValue()));
        }
        if (buffer.getInt(0) != MAGIC || buffer.get(4) != VERSION) {
            throw new CorruptStorageException(file, "not a version " + VERSION + " kraftlet snapshot (bad magic or version)");
        }
        long dataLength = buffer.getLong(17);
        if (buffer.getLong(5) != id.endOffset() || buffer.getInt(13) != id.epoch() || dataLength != content.length - HEADER_BYTES - CRC_BYTES) {
            throw new CorruptStorageException(file, "holds snapshot " + buffer.getLong(5) + "/" + buffer.getInt(13) + " with " + dataLength
                    + " data bytes, which does not match its name or size");
        }
        byte[] data = new byte[(int) dataLength];
        buffer.get(HEADER_BYTES, data);
        return new Snapshot(id, data);
    }
}

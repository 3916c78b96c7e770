package io.kraftlet.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.log.SnapshotStore.Snapshot;
import io.kraftlet.raft.SnapshotId;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSnapshotStoreTest {
    @TempDir
    Path dir;

    private static Snapshot snapshot(long endOffset, int epoch, String data) {
        return new Snapshot(new SnapshotId(endOffset, epoch), data.getBytes());
    }

    @Test
    void anEmptyStoreHasNoSnapshot() {
        assertEquals(Optional.empty(), new FileSnapshotStore(dir).latest());
    }

    @Test
    void snapshotsRoundTripAndSurviveReopening() {
        FileSnapshotStore store = new FileSnapshotStore(dir);
        store.write(snapshot(10, 1, "ten"));
        store.write(snapshot(20, 2, ""));
        FileSnapshotStore reopened = new FileSnapshotStore(dir);
        assertEquals(new SnapshotId(20, 2), reopened.latest().orElseThrow().id());
        assertArrayEquals(new byte[0], reopened.latest().orElseThrow().data());
        assertArrayEquals("ten".getBytes(), reopened.read(new SnapshotId(10, 1)).orElseThrow().data());
        assertEquals(Optional.empty(), reopened.read(new SnapshotId(10, 2)), "same offset, other epoch");
        assertTrue(Files.exists(dir.resolve(new SnapshotId(10, 1).fileName())));
    }

    @Test
    void keepsTheTwoNewestSnapshots() throws IOException {
        FileSnapshotStore store = new FileSnapshotStore(dir);
        store.write(snapshot(10, 1, "a"));
        store.write(snapshot(20, 1, "b"));
        store.write(snapshot(30, 2, "c"));
        assertEquals(Optional.empty(), store.read(new SnapshotId(10, 1)));
        assertTrue(store.read(new SnapshotId(20, 1)).isPresent());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count());
        }
    }

    @Test
    void aSnapshotAtTheSameOffsetReplacesTheOldOne() {
        FileSnapshotStore store = new FileSnapshotStore(dir);
        store.write(snapshot(10, 1, "old"));
        store.write(snapshot(10, 2, "new"));
        assertEquals(Optional.empty(), store.read(new SnapshotId(10, 1)));
        assertTrue(Files.notExists(dir.resolve(new SnapshotId(10, 1).fileName())));
        assertArrayEquals("new".getBytes(), new FileSnapshotStore(dir).latest().orElseThrow().data());
    }

    @Test
    void leftoverTemporaryFilesAreDeletedAndIgnored() throws IOException {
        Path leftover = dir.resolve(new SnapshotId(99, 3).fileName() + ".tmp");
        Files.write(leftover, new byte[] {1, 2, 3});
        FileSnapshotStore store = new FileSnapshotStore(dir);
        assertTrue(Files.notExists(leftover));
        assertEquals(Optional.empty(), store.latest());
    }

    @Test
    void aFlippedBitIsRefusedNamingTheFile() throws IOException {
        new FileSnapshotStore(dir).write(snapshot(10, 1, "precious state"));
        Path file = dir.resolve(new SnapshotId(10, 1).fileName());
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(30);
            raf.write(raf.read() ^ 1);
        }
        FileSnapshotStore store = new FileSnapshotStore(dir);
        CorruptStorageException error = assertThrows(CorruptStorageException.class, store::latest);
        assertEquals(file, error.file());
        assertTrue(error.getMessage().startsWith(file.toString()) && error.getMessage().contains("CRC32C"), error.getMessage());
    }

    @Test
    void aTruncatedOrRenamedFileIsRefused() throws IOException {
        new FileSnapshotStore(dir).write(snapshot(10, 1, "state"));
        Path file = dir.resolve(new SnapshotId(10, 1).fileName());
        Path renamed = dir.resolve(new SnapshotId(11, 1).fileName());
        Files.copy(file, renamed);
        Files.delete(file);
        CorruptStorageException error = assertThrows(CorruptStorageException.class, () -> new FileSnapshotStore(dir).latest());
        assertTrue(error.getMessage().contains("does not match its name"), error.getMessage());
        Files.write(renamed, new byte[] {1, 2});
        assertThrows(CorruptStorageException.class, () -> new FileSnapshotStore(dir).latest());
    }
}

package io.kraftlet.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.raft.ElectionState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileQuorumStateStoreTest {
    @TempDir
    Path dir;

    @Test
    void aFreshDirectoryReadsTheInitialState() {
        assertEquals(ElectionState.INITIAL, new FileQuorumStateStore(dir).read());
    }

    @Test
    void writtenStatesSurviveReopening() {
        FileQuorumStateStore store = new FileQuorumStateStore(dir);
        ElectionState voted = ElectionState.withVote(3, 2);
        store.write(voted);
        assertEquals(voted, store.read());
        assertEquals(voted, new FileQuorumStateStore(dir).read());

        ElectionState led = ElectionState.withLeader(3, 1, OptionalInt.of(2));
        store.write(led);
        assertEquals(led, new FileQuorumStateStore(dir).read());
        store.write(ElectionState.withUnknownLeader(7));
        assertEquals(ElectionState.withUnknownLeader(7), new FileQuorumStateStore(dir).read());
        assertTrue(Files.notExists(dir.resolve(FileQuorumStateStore.FILE_NAME + ".tmp")), "no temporary file is left");
    }

    @Test
    void theFileIsReadableText() throws IOException {
        new FileQuorumStateStore(dir).write(ElectionState.withLeader(5, 1, OptionalInt.empty()));
        String text = Files.readString(dir.resolve(FileQuorumStateStore.FILE_NAME));
        assertTrue(text.contains("epoch=5\n") && text.contains("voted.id=-1\n") && text.contains("leader.id=1\n"), text);
        assertTrue(text.matches("(?s).*crc32c=[0-9a-f]{8}\n"), text);
    }

    @Test
    void theEpochNeverGoesBackwards() {
        FileQuorumStateStore store = new FileQuorumStateStore(dir);
        store.write(ElectionState.withUnknownLeader(4));
        assertThrows(IllegalArgumentException.class, () -> store.write(ElectionState.withVote(3, 1)));
        assertEquals(4, new FileQuorumStateStore(dir).read().epoch());
    }

    @Test
    void anEditedFileIsRefusedNamingIt() throws IOException {
        new FileQuorumStateStore(dir).write(ElectionState.withVote(3, 2));
        Path file = dir.resolve(FileQuorumStateStore.FILE_NAME);
        Files.writeString(file, Files.readString(file).replace("voted.id=2", "voted.id=1"));
        CorruptStorageException error = assertThrows(CorruptStorageException.class, () -> new FileQuorumStateStore(dir));
        assertEquals(file, error.file());
        assertTrue(error.getMessage().startsWith(file.toString()) && error.getMessage().contains("checksum"), error.getMessage());
    }

    @Test
    void aTruncatedFileIsRefusedNamingIt() throws IOException {
        new FileQuorumStateStore(dir).write(ElectionState.withVote(3, 2));
        Path file = dir.resolve(FileQuorumStateStore.FILE_NAME);
        byte[] content = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(content, content.length - 5));
        CorruptStorageException error = assertThrows(CorruptStorageException.class, () -> new FileQuorumStateStore(dir));
        assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
    }

    @Test
    void aValidChecksumOverNonsenseIsStillRefused() throws IOException {
        Path file = dir.resolve(FileQuorumStateStore.FILE_NAME);
        Files.write(file, ChecksummedProperties.encode("test", java.util.Map.of("version", "1", "epoch", "x")));
        CorruptStorageException error = assertThrows(CorruptStorageException.class, () -> new FileQuorumStateStore(dir));
        assertTrue(error.getMessage().contains("missing key") || error.getMessage().contains("epoch"), error.getMessage());
        Files.writeString(file, "garbage", StandardCharsets.UTF_8);
        assertThrows(CorruptStorageException.class, () -> new FileQuorumStateStore(dir));
    }
}

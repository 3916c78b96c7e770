package io.kraftlet.examples.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommittedFileTest {
    @TempDir
    Path dir;

    @Test
    void appendsEachSequenceOnceAcrossReopens() {
        try (CommittedFile file = CommittedFile.open(dir)) {
            assertEquals(0, file.lastWritten());
            file.append(List.of(1L, 2L, 3L));
        }
        try (CommittedFile reopened = CommittedFile.open(dir)) {
            assertEquals(3, reopened.lastWritten());
            // A restarted node is handed the records after its snapshot again.
            reopened.append(List.of(2L, 3L, 4L));
        }

        assertEquals(List.of(1L, 2L, 3L, 4L), CommittedFile.read(dir));
    }

    @Test
    void aLineCutShortByACrashIsDropped() throws IOException {
        Files.writeString(dir.resolve(CommittedFile.FILE_NAME), "1\n2\n3\n4", StandardOpenOption.CREATE_NEW);

        try (CommittedFile file = CommittedFile.open(dir)) {
            assertEquals(3, file.lastWritten());
            file.append(List.of(4L, 5L));
        }

        assertEquals("1\n2\n3\n4\n5\n", Files.readString(dir.resolve(CommittedFile.FILE_NAME)));
    }

    @Test
    void readIgnoresAnUnfinishedLastLine() throws IOException {
        Files.writeString(dir.resolve(CommittedFile.FILE_NAME), "7\n8\n9", StandardOpenOption.CREATE_NEW);

        assertEquals(List.of(7L, 8L), CommittedFile.read(dir));
    }
}

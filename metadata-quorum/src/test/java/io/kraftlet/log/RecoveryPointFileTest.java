package io.kraftlet.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryPointFileTest {
    @TempDir
    Path dir;

    private void flip(long position) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(RecoveryPointFile.fileIn(dir).toFile(), "rw")) {
            raf.seek(position);
            int value = raf.read();
            raf.seek(position);
            raf.write(value ^ 0x40);
        }
    }

    @Test
    void theNewestWriteWinsAcrossReopening() throws IOException {
        try (RecoveryPointFile file = RecoveryPointFile.create(dir, 5)) {
            assertEquals(5, file.offset());
            file.write(9);
            file.write(12);
        }
        try (RecoveryPointFile file = RecoveryPointFile.open(dir)) {
            assertEquals(12, file.offset());
            file.write(3);
        }
        try (RecoveryPointFile file = RecoveryPointFile.open(dir)) {
            assertEquals(3, file.offset(), "a truncation may lower it");
        }
    }

    @Test
    void aTornSlotFallsBackToTheOtherSlot() throws IOException {
        try (RecoveryPointFile file = RecoveryPointFile.create(dir, 0)) {
            file.write(9);
            file.write(12);
        }
        // Sequence 3 (offset 12) sits in slot 1; tear it.
        flip(32 + 14);
        try (RecoveryPointFile file = RecoveryPointFile.open(dir)) {
            assertEquals(9, file.offset());
            file.write(20);
        }
        try (RecoveryPointFile file = RecoveryPointFile.open(dir)) {
            assertEquals(20, file.offset());
        }
    }

    @Test
    void twoBadSlotsAreRefusedNamingTheFile() throws IOException {
        RecoveryPointFile.create(dir, 0).close();
        flip(2);
        flip(32 + 2);
        CorruptStorageException error = assertThrows(CorruptStorageException.class, () -> RecoveryPointFile.open(dir));
        assertTrue(error.getMessage().contains(RecoveryPointFile.FILE_NAME), error.getMessage());
    }
}

package io.kraftlet.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetaPropertiesTest {
    private static final String CLUSTER = "MkU3OEVBNTcwNTJENDM2Qg";

    @TempDir
    Path dir;

    @Test
    void formatWritesAKafkaStyleFileThatLoadsBack() throws IOException {
        MetaProperties formatted = MetaProperties.format(dir, CLUSTER, 3);
        assertEquals(formatted, MetaProperties.load(dir));
        assertEquals(22, formatted.directoryId().length(), formatted.directoryId());
        String text = Files.readString(dir.resolve(MetaProperties.FILE_NAME));
        assertTrue(text.contains("version=1\n") && text.contains("cluster.id=" + CLUSTER + "\n") && text.contains("node.id=3\n")
                && text.contains("directory.id=" + formatted.directoryId() + "\n"), text);
    }

    @Test
    void everyFormatGetsANewDirectoryId(@TempDir Path other) {
        assertNotEquals(MetaProperties.format(dir, CLUSTER, 1).directoryId(), MetaProperties.format(other, CLUSTER, 1).directoryId());
    }

    @Test
    void formatRefusesToOverwriteNamingTheFileAndTheExistingIdentity() {
        MetaProperties first = MetaProperties.format(dir, CLUSTER, 1);
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> MetaProperties.format(dir, "other", 2));
        assertTrue(error.getMessage().contains(dir.resolve(MetaProperties.FILE_NAME).toString()), error.getMessage());
        assertTrue(error.getMessage().contains("cluster.id=" + CLUSTER) && error.getMessage().contains("node.id=1"), error.getMessage());
        assertEquals(first, MetaProperties.load(dir));
    }

    @Test
    void verifyAcceptsTheMatchingIdentity() {
        MetaProperties formatted = MetaProperties.format(dir, CLUSTER, 4);
        assertEquals(formatted, MetaProperties.verify(dir, CLUSTER, 4));
    }

    @Test
    void verifyRefusesAnUnformattedDirectory() {
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> MetaProperties.verify(dir, CLUSTER, 1));
        assertTrue(error.getMessage().contains("is not formatted; run `kraftlet format`"), error.getMessage());
        assertTrue(error.getMessage().contains(dir.toAbsolutePath().toString()), error.getMessage());
    }

    @Test
    void verifyRefusesAnotherClusterNamingBothIdsAndTheFile() {
        MetaProperties.format(dir, CLUSTER, 1);
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> MetaProperties.verify(dir, "someOtherCluster", 1));
        assertTrue(error.getMessage().contains(CLUSTER) && error.getMessage().contains("someOtherCluster"), error.getMessage());
        assertTrue(error.getMessage().contains(dir.resolve(MetaProperties.FILE_NAME).toString()), error.getMessage());
    }

    @Test
    void verifyRefusesAnotherNodeNamingBothIdsAndTheFile() {
        MetaProperties.format(dir, CLUSTER, 1);
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> MetaProperties.verify(dir, CLUSTER, 2));
        assertTrue(error.getMessage().contains("node.id 1") && error.getMessage().contains("node.id 2"), error.getMessage());
        assertTrue(error.getMessage().contains(dir.resolve(MetaProperties.FILE_NAME).toString()), error.getMessage());
    }

    @Test
    void aGarbledFileIsRefusedNamingIt() throws IOException {
        Path file = dir.resolve(MetaProperties.FILE_NAME);
        Files.writeString(file, "version=1\ncluster.id=" + CLUSTER + "\nnode.id=one\ndirectory.id=x\n");
        CorruptStorageException error = assertThrows(CorruptStorageException.class, () -> MetaProperties.load(dir));
        assertEquals(file.toAbsolutePath(), error.file());
        Files.writeString(file, "version=2\n");
        assertThrows(CorruptStorageException.class, () -> MetaProperties.load(dir));
    }

    @Test
    void formatRefusesBadIds() {
        assertThrows(IllegalArgumentException.class, () -> MetaProperties.format(dir, "", 1));
        assertThrows(IllegalArgumentException.class, () -> MetaProperties.format(dir, "has space", 1));
        assertThrows(IllegalArgumentException.class, () -> MetaProperties.format(dir, CLUSTER, -1));
        assertTrue(Files.notExists(dir.resolve(MetaProperties.FILE_NAME)));
    }
}

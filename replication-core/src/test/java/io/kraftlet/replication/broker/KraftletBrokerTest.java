package io.kraftlet.replication.broker;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.metadata.Endpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration a broker refuses before it touches a file, each with a message naming what was wrong. */
class KraftletBrokerTest {
    @TempDir
    Path dir;

    private KraftletBroker.Builder builder() {
        return KraftletBroker.builder().nodeId(4).clusterId("c").voters("1@127.0.0.1:1")
                .endpoint(new Endpoint("PLAINTEXT", "127.0.0.1", 9092));
    }

    @Test
    void partitionLogsMayNotShareTheMetadataDirectory() {
        for (Path logDir : new Path[] {dir.resolve("meta"), dir.resolve("meta").resolve("data"), dir}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> builder().metadataDir(dir.resolve("meta")).logDir(logDir).build());
            assertTrue(refused.getMessage().contains("log.dirs") && refused.getMessage().contains("metadata.log.dir"),
                    refused.getMessage());
        }
        assertTrue(Files.notExists(dir.resolve("meta")), "nothing was created");
    }

    @Test
    void clusterIdAndVotersAreRequired() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> KraftletBroker.builder().nodeId(4).metadataDir(dir.resolve("m")).logDir(dir.resolve("d")).build());
        assertTrue(refused.getMessage().contains("cluster.id"), refused.getMessage());
    }
}

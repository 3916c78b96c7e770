package io.kraftlet.examples.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@link EmbeddedBrokerExample} as a reader would and checks what it prints. */
class EmbeddedBrokerExampleTest {
    @TempDir
    Path dir;

    @Test
    void startsWritesReadsAndCloses() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            EmbeddedBrokerExample.run(dir, out);
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.get(0).matches("broker 2 unfenced with epoch \\d+"), lines.toString());
        assertTrue(lines.get(1).matches("created topic greetings with id [0-9a-f-]{36}"), lines.toString());
        assertEquals(List.of("wrote 3 records at offset 0", "read offset 0: hello", "read offset 1: from",
                "read offset 2: kraftlet", "closed"), lines.subList(2, lines.size()));
    }
}

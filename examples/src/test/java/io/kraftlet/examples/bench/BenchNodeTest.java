package io.kraftlet.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BenchNodeTest {
    private static final BenchNode.Settings SETTINGS = new BenchNode.Settings(2, "bench-cluster",
            "1@127.0.0.1:9001,2@127.0.0.1:9002,3@127.0.0.1:9003", Path.of("/data/voter-2"),
            new BenchOptions(3, 1024, 10, 64, 30, 20), Path.of("/data/result-2.json"));

    @Test
    void settingsSurviveTheCommandLine() {
        assertEquals(SETTINGS, BenchNode.Settings.parse(SETTINGS.toArgs().toArray(String[]::new)));
    }

    @Test
    void aMissingOrUnknownArgumentIsNamed() {
        String[] args = SETTINGS.toArgs().subList(2, SETTINGS.toArgs().size()).toArray(String[]::new);
        assertEquals("missing arguments: [--node-id]",
                assertThrows(IllegalArgumentException.class, () -> BenchNode.Settings.parse(args)).getMessage());
        assertEquals("unknown argument or missing value: --nodes",
                assertThrows(IllegalArgumentException.class,
                        () -> BenchNode.Settings.parse(new String[] {"--nodes", "3"})).getMessage());
    }

    @Test
    void theStartedMarkerSitsBesideTheResultFile() {
        assertEquals(Path.of("/data/result-2.json.started"), BenchNode.startedMarker(SETTINGS.resultFile()));
    }
}

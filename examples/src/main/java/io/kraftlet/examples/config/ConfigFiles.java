package io.kraftlet.examples.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reads Kafka-style {@code .properties} files into a sorted key → value map (values trimmed),
 * the form {@link NodeConfigParser} and {@link ClientConfigParser} take. Static methods, any
 * thread; they block on the disk.
 */
public final class ConfigFiles {
    private ConfigFiles() {
    }

    /**
     * The properties in {@code file}.
     *
     * @throws IllegalArgumentException if the file does not exist
     * @throws UncheckedIOException if it cannot be read
     */
    public static Map<String, String> load(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException missing) {
            throw new IllegalArgumentException("the configuration file " + file + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the configuration file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new TreeMap<>();
        properties.forEach((key, value) -> values.put(key.toString().trim(), value.toString().trim()));
        return values;
    }
}

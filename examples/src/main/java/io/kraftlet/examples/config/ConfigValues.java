package io.kraftlet.examples.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Typed reads of a key → value map, each failure a {@link ConfigException} naming the key.
 * Used by one parse on one thread.
 */
final class ConfigValues {
    private final Map<String, String> values;

    ConfigValues(Map<String, String> values) {
        this.values = new TreeMap<>(values);
    }

    /**
     * Refuses the first key (in sorted order) that is not in {@code known}, then the first whose
     * value is empty. Checked before anything else, because a misspelt key would otherwise
     * surface as a missing one, and an empty key as ignored.
     */
    void refuseUnknownKeys(Set<String> known, String hint) {
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new ConfigException(key, "unknown configuration key; " + hint);
            }
        }
        for (String key : values.keySet()) {
            string(key);
        }
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    /** The value, never blank: a key that is present but empty is refused rather than ignored. */
    Optional<String> string(String key) {
        String value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value.isBlank()) {
            throw new ConfigException(key, "is empty; set a value or remove the key");
        }
        return Optional.of(value);
    }

    String requiredString(String key, String expected) {
        return string(key).orElseThrow(() -> new ConfigException(key, "is required (" + expected + ")"));
    }

    Optional<Integer> integer(String key, int min, int max) {
        return string(key).map(text -> parseInt(key, text, min, max));
    }

    int integer(String key, int defaultValue, int min, int max) {
        return integer(key, min, max).orElse(defaultValue);
    }

    /** {@code true} or {@code false} (any case), as Kafka reads its boolean settings. */
    boolean bool(String key, boolean defaultValue) {
        return string(key).map(text -> {
            String value = text.trim();
            if (value.equalsIgnoreCase("true")) {
                return true;
            }
            if (value.equalsIgnoreCase("false")) {
                return false;
            }
            throw new ConfigException(key, "'" + text + "' is not true or false");
        }).orElse(defaultValue);
    }

    static int parseInt(String key, String text, int min, int max) {
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException notANumber) {
            throw new ConfigException(key, "'" + text + "' is not an integer");
        }
        if (value < min || value > max) {
            throw new ConfigException(key, value + " is out of range [" + min + ", " + max + "]");
        }
        return (int) value;
    }

    static Path path(String key, String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException bad) {
            throw new ConfigException(key, "'" + text + "' is not a valid path: " + bad.getMessage());
        }
    }

    /** A file that must exist and be readable now, so a typo fails at start-up, not at the first handshake. */
    Optional<Path> readableFile(String key) {
        return string(key).map(text -> {
            Path file = path(key, text);
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new ConfigException(key, file + " does not exist or is not a readable file");
            }
            return file;
        });
    }
}

package io.kraftlet.examples.config;

/**
 * A configuration that cannot be used: an unknown key, a malformed or out-of-range value, a
 * missing required key, or keys that contradict each other. The message is one line and starts
 * with the key it is about, so a node refuses to start with a message the operator can act on.
 */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    /** The configuration key the problem is about. */
    public String key() {
        return key;
    }
}

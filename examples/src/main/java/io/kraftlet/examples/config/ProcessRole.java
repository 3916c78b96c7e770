package io.kraftlet.examples.config;

/**
 * What a node runs, from Kafka's {@code process.roles}: a controller (a voter of the metadata
 * quorum that runs the controller) or a broker (an observer that follows the metadata log and
 * registers with the active controller). Both at once (combined mode) is refused for now.
 */
public enum ProcessRole {
    CONTROLLER("controller"),
    BROKER("broker");

    private final String configName;

    ProcessRole(String configName) {
        this.configName = configName;
    }

    /** The name in {@code process.roles}. */
    public String configName() {
        return configName;
    }
}

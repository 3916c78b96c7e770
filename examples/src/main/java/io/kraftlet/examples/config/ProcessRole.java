package io.kraftlet.examples.config;

/**
 * What a node runs, from Kafka's {@code process.roles}: a controller (a voter of the metadata
 * quorum that runs the controller), a broker (an observer that follows the metadata log and
 * registers with the active controller), or both on one node (combined mode,
 * {@code broker,controller}: a voter whose broker shares the controller's quorum member).
 */
public enum ProcessRole {
    CONTROLLER("controller"),
    BROKER("broker"),
    COMBINED("broker,controller");

    private final String configName;

    ProcessRole(String configName) {
        this.configName = configName;
    }

    /** The value of {@code process.roles}. */
    public String configName() {
        return configName;
    }

    /** Whether the node runs a broker (holds partitions, registers, heartbeats). */
    public boolean runsBroker() {
        return this != CONTROLLER;
    }

    /** Whether the node runs a controller (a voter of the metadata quorum). */
    public boolean runsController() {
        return this != BROKER;
    }
}

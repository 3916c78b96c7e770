package io.kraftlet.controller;

/**
 * A write (or a request that needs the active controller) reached a controller that is not
 * active. Carries what this controller knows of the active one, so a client can go there.
 */
public final class NotControllerException extends RuntimeException {
    private final ControllerApi.ControllerInfo activeController;

    public NotControllerException(String message, ControllerApi.ControllerInfo activeController) {
        super(message, null, false, false);
        this.activeController = activeController;
    }

    /** The active controller as known here; id -1 when unknown. */
    public ControllerApi.ControllerInfo activeController() {
        return activeController;
    }
}

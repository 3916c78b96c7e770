package io.kraftlet.controller;

import java.util.Objects;

/** An error code with a message that names what was wrong. */
public record ApiError(ControllerError error, String message) {
    public static final ApiError NONE = new ApiError(ControllerError.NONE, "");

    public ApiError {
        Objects.requireNonNull(error, "error");
        message = message == null ? "" : message;
    }

    public static ApiError of(ControllerError error, String message) {
        return new ApiError(error, message);
    }

    public boolean isSuccess() {
        return error == ControllerError.NONE;
    }

    @Override
    public String toString() {
        return message.isEmpty() ? error.name() : error + ": " + message;
    }
}

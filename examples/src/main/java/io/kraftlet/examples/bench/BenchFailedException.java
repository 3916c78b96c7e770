package io.kraftlet.examples.bench;

/** A benchmark run could not produce a result; the message says why and where to look. */
public final class BenchFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BenchFailedException(String message) {
        super(message);
    }

    BenchFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}

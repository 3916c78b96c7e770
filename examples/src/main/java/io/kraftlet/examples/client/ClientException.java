package io.kraftlet.examples.client;

/**
 * A {@link KraftletClient} call that could not be carried out: no broker answered, the brokers
 * belong to another cluster, or a topic is unknown. The message says which, in one line, so a
 * tool can print it as it is.
 */
public final class ClientException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public ClientException(String message) {
        super(message);
    }

    public ClientException(String message, Throwable cause) {
        super(message, cause);
    }
}

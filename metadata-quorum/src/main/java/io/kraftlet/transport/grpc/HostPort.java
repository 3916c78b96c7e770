package io.kraftlet.transport.grpc;

/**
 * A {@code host:port} pair as written in configuration ({@code listeners},
 * {@code controller.quorum.voters}). IPv6 literals are written in brackets, {@code [::1]:9093}.
 *
 * @param host a host name or IP literal (without brackets), never empty
 * @param port 0 (listen on any free port) to 65535
 */
public record HostPort(String host, int port) {
    public HostPort {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        }
    }

    /**
     * Parses {@code host:port} or {@code [ipv6]:port}.
     *
     * @throws IllegalArgumentException naming {@code text} when it is not of that form
     */
    public static HostPort parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("expected host:port, got null");
        }
        String trimmed = text.trim();
        int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got '" + text + "'");
        }
        String host = trimmed.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("IPv6 hosts must be in brackets ([::1]:9093), got '" + text + "'");
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("expected host:port with a host, got '" + text + "'");
        }
        int port;
        try {
            port = Integer.parseInt(trimmed.substring(colon + 1));
        } catch (NumberFormatException notANumber) {
            throw new IllegalArgumentException("port of '" + text + "' is not a number");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port of '" + text + "' must be in 0..65535");
        }
        return new HostPort(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}

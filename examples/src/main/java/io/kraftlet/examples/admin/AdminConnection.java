package io.kraftlet.examples.admin;

import io.kraftlet.controller.ApiError;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.transport.grpc.ControllerClient;
import io.kraftlet.transport.grpc.HostPort;
import io.kraftlet.transport.grpc.TlsSettings;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A {@link ControllerClient} pointed at the {@code --bootstrap-server} list, for the length of one
 * tool run. The servers get synthetic ids 1, 2, ... in the order listed (the client wants
 * {@code id@host:port}); brokers forward to the active controller, so the ids never have to match
 * real node ids. The cluster id is discovered first, so no tool needs {@code --cluster-id}.
 *
 * <p>Failures become exceptions with one line that says what went wrong and where:
 * {@link IllegalStateException} when no server answers, so the command line prints it without a
 * stack trace.
 */
final class AdminConnection implements AutoCloseable {
    /** Extra wait, past the client's own deadline, for its answer to arrive before giving up on it. */
    private static final long AWAIT_SLACK_MS = 2000;

    private final List<HostPort> servers;
    private final int timeoutMs;
    private final String clusterId;
    private final ControllerClient client;

    private AdminConnection(List<HostPort> servers, int timeoutMs, String clusterId, ControllerClient client) {
        this.servers = servers;
        this.timeoutMs = timeoutMs;
        this.clusterId = clusterId;
        this.client = client;
    }

    /** Discovers the cluster id and opens the client; fails naming the servers when none answers. */
    static AdminConnection open(List<HostPort> servers, Optional<TlsSettings> tls, int timeoutMs) {
        String voters = voters(servers);
        String clusterId;
        try {
            clusterId = await(ControllerClient.discoverClusterId(voters, tls.orElse(null), timeoutMs), timeoutMs);
        } catch (ControllerClient.ControllerRequestException unanswered) {
            throw new IllegalStateException(noAnswer(servers, timeoutMs, unanswered.error()));
        }
        ControllerClient client = ControllerClient.builder().clusterId(clusterId).controllers(voters)
                .tls(tls.orElse(null)).apiTimeoutMs(timeoutMs)
                .requestTimeoutMs(attemptTimeoutMs(timeoutMs)).build();
        return new AdminConnection(List.copyOf(servers), timeoutMs, clusterId, client);
    }

    /**
     * One attempt's deadline: half the budget, so a hung server leaves time for another, but never
     * less than the client's default. A write forwarded by a broker waits for its commit; cut off
     * too early it is retried elsewhere and may answer, for instance, TOPIC_ALREADY_EXISTS.
     */
    static int attemptTimeoutMs(int timeoutMs) {
        return Math.min(timeoutMs, Math.max(ControllerClient.DEFAULT_REQUEST_TIMEOUT_MS, timeoutMs / 2));
    }

    /** {@code 1@host:port,2@host:port,...}: the servers as the client's controller list. */
    static String voters(List<HostPort> servers) {
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < servers.size(); i++) {
            voters.append(i == 0 ? "" : ",").append(i + 1).append('@').append(servers.get(i));
        }
        return voters.toString();
    }

    /** The one line for "nobody answered": the servers listed, then the client's last error. */
    static String noAnswer(List<HostPort> servers, int timeoutMs, ApiError error) {
        String last = error.message();
        int lastError = last.indexOf("last error: ");
        // The client names servers by the synthetic ids this class gave them: drop them.
        String why = (lastError >= 0 ? last.substring(lastError + "last error: ".length()) : error.toString())
                .replaceFirst("^\\d+@", "");
        // A last attempt cut short by the deadline says nothing about the servers.
        boolean telling = !why.contains("DEADLINE_EXCEEDED") && !why.equals("none");
        return "no bootstrap server answered within " + timeoutMs + " ms: "
                + servers.stream().map(HostPort::toString).collect(Collectors.joining(", "))
                + (telling ? " (last error: " + why + ")" : "");
    }

    String clusterId() {
        return clusterId;
    }

    ControllerClient client() {
        return client;
    }

    /** Waits for one of the client's answers, which always arrives by the client's own deadline. */
    <T> T await(CompletableFuture<T> answer) {
        try {
            return await(answer, timeoutMs);
        } catch (ControllerClient.ControllerRequestException failed) {
            ApiError error = failed.error();
            throw new IllegalStateException(error.error() == ControllerError.REQUEST_TIMED_OUT
                    ? noAnswer(servers, timeoutMs, error) : error.toString());
        }
    }

    private static <T> T await(CompletableFuture<T> answer, int timeoutMs) {
        try {
            return answer.get(timeoutMs + AWAIT_SLACK_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an answer");
        } catch (TimeoutException late) {
            throw new IllegalStateException("no answer within " + (timeoutMs + AWAIT_SLACK_MS) + " ms");
        } catch (ExecutionException | CompletionException failed) {
            Throwable cause = failed.getCause() == null ? failed : failed.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IllegalStateException(cause.getMessage(), cause);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}

package io.kraftlet.transport.grpc;

import io.kraftlet.raft.QuorumDescription;
import io.kraftlet.raft.message.RaftRequest;
import io.kraftlet.raft.message.RaftResponse;
import io.kraftlet.runtime.RaftTransport;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** A test {@link RaftTransport.InboundHandler} that records traffic and answers with a given function. */
final class RecordingHandler implements RaftTransport.InboundHandler {
    record Received<M>(int source, M message) {
    }

    final List<Received<RaftRequest>> requests = new CopyOnWriteArrayList<>();
    final BlockingQueue<Received<RaftResponse>> responses = new LinkedBlockingQueue<>();
    private final Function<RaftRequest, CompletableFuture<RaftResponse>> answer;
    volatile QuorumDescription description = new QuorumDescription(-1, 0, 0, List.of(), List.of());

    RecordingHandler(Function<RaftRequest, CompletableFuture<RaftResponse>> answer) {
        this.answer = answer;
    }

    /** A handler for a node that only sends: it fails every request it gets. */
    static RecordingHandler client() {
        return new RecordingHandler(request -> CompletableFuture.failedFuture(
                new AssertionError("unexpected request " + request)));
    }

    @Override
    public CompletableFuture<RaftResponse> handleRequest(int source, RaftRequest request) {
        requests.add(new Received<>(source, request));
        return answer.apply(request);
    }

    @Override
    public void handleResponse(int source, RaftResponse response) {
        responses.add(new Received<>(source, response));
    }

    @Override
    public CompletableFuture<QuorumDescription> describeQuorum() {
        return CompletableFuture.completedFuture(description);
    }

    Received<RaftResponse> nextResponse() throws InterruptedException {
        Received<RaftResponse> next = responses.poll(10, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("no response within 10 s");
        }
        return next;
    }
}

package io.kraftlet.examples.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.raft.AppendResult;
import io.kraftlet.raft.LeaderAndEpoch;
import io.kraftlet.runtime.AppendFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class LeaderAppenderTest {
    private final List<List<Long>> appended = new ArrayList<>();
    private final List<CompletableFuture<Long>> answers = new ArrayList<>();
    private final LeaderAppender appender = new LeaderAppender(1, 100, records -> {
        appended.add(records.stream().map(record -> ExampleRecord.sequence(record).getAsLong()).toList());
        CompletableFuture<Long> answer = new CompletableFuture<>();
        answers.add(answer);
        return answer;
    });

    private CompletableFuture<Long> lastAnswer() {
        return answers.get(answers.size() - 1);
    }

    @Test
    void appendsNothingUnlessLeading() {
        appender.handleLeaderChange(LeaderAndEpoch.of(2, 1), 1);
        appender.tick(0);
        appender.tick(1000);

        assertTrue(appended.isEmpty());
    }

    @Test
    void appendsAtTheRateWithOneAppendInFlight() {
        appender.handleLeaderChange(LeaderAndEpoch.of(1, 1), 10);
        appender.tick(0);
        appender.tick(100);
        assertEquals(List.of(List.of(10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L)), appended);

        appender.tick(200);
        assertEquals(1, appended.size(), "the next append waits for the commit");

        lastAnswer().complete(99L);
        appender.tick(200);
        assertEquals(10, appended.get(1).size());
        assertEquals(20L, appended.get(1).get(0));
    }

    @Test
    void backPressureRetriesTheSameSequences() {
        appender.handleLeaderChange(LeaderAndEpoch.of(1, 1), 1);
        appender.tick(0);
        appender.tick(50);
        lastAnswer().completeExceptionally(new AppendFailedException(
                new AppendResult(0, AppendResult.Status.BACK_PRESSURE, -1, LeaderAndEpoch.of(1, 1))));

        appender.tick(60);

        assertEquals(appended.get(0).get(0), appended.get(1).get(0));
    }

    @Test
    void anyOtherFailureStopsAppendingUntilTheNextLeaderChange() {
        appender.handleLeaderChange(LeaderAndEpoch.of(1, 1), 1);
        appender.tick(0);
        appender.tick(50);
        lastAnswer().completeExceptionally(new AppendFailedException(
                new AppendResult(0, AppendResult.Status.LEADERSHIP_LOST, -1, LeaderAndEpoch.of(1, 1))));
        appender.tick(500);
        assertEquals(1, appended.size());

        appender.handleLeaderChange(LeaderAndEpoch.of(1, 2), 6);
        appender.tick(600);
        appender.tick(700);

        assertEquals(6L, appended.get(1).get(0));
    }

    @Test
    void aLateCompletionFromAnEarlierTermIsIgnored() {
        appender.handleLeaderChange(LeaderAndEpoch.of(1, 1), 1);
        appender.tick(0);
        appender.tick(50);
        CompletableFuture<Long> earlier = lastAnswer();
        appender.handleLeaderChange(LeaderAndEpoch.of(2, 2), 1);
        appender.handleLeaderChange(LeaderAndEpoch.of(1, 3), 6);
        earlier.complete(5L);

        appender.tick(100);
        appender.tick(200);

        assertEquals(6L, appended.get(1).get(0));
    }
}

package io.kraftlet.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A tally counts each voter at most once, ignores non-voters, and knows when it is won or lost. */
class VoteTallyTest {
    private static VoteTally tally(Integer... voters) {
        return new VoteTally(new VoterSet(List.of(voters)), 1);
    }

    @Test
    void singleVoterWinsWithItsOwnVote() {
        assertTrue(tally(1).won());
    }

    @Test
    void countsItsOwnVoteFromTheStart() {
        VoteTally tally = tally(1, 2, 3);
        assertEquals(Set.of(1), tally.granted());
        assertFalse(tally.won());
        tally.recordGrant(3);
        assertTrue(tally.won());
    }

    @Test
    void fourVotersNeedThree() {
        VoteTally tally = tally(1, 2, 3, 4);
        tally.recordGrant(2);
        assertFalse(tally.won());
        tally.recordGrant(4);
        assertTrue(tally.won());
    }

    @Test
    void aRepeatedGrantCountsOnce() {
        VoteTally tally = tally(1, 2, 3, 4, 5);
        tally.recordGrant(2);
        tally.recordGrant(2);
        tally.recordGrant(2);
        assertFalse(tally.won(), "one voter delivered three times is still two of five");
        assertEquals(Set.of(1, 2), tally.granted());
    }

    @Test
    void answersFromNonVotersAreIgnored() {
        VoteTally tally = tally(1, 2, 3);
        tally.recordGrant(9);
        assertFalse(tally.won());
        tally.recordRejection(8);
        tally.recordRejection(7);
        assertFalse(tally.lost());
    }

    @Test
    void lostOnceAMajorityIsOutOfReach() {
        VoteTally three = tally(1, 2, 3);
        three.recordRejection(2);
        assertFalse(three.lost(), "voter 3 could still grant");
        three.recordRejection(3);
        assertTrue(three.lost());

        VoteTally four = tally(1, 2, 3, 4);
        four.recordRejection(2);
        assertFalse(four.lost());
        four.recordRejection(3);
        assertTrue(four.lost(), "self plus voter 4 is two of four, short of three");

        VoteTally five = tally(1, 2, 3, 4, 5);
        five.recordRejection(2);
        five.recordRejection(3);
        assertFalse(five.lost());
        five.recordRejection(4);
        assertTrue(five.lost());
    }

    @Test
    void aRepeatedRejectionCountsOnce() {
        VoteTally tally = tally(1, 2, 3);
        tally.recordRejection(2);
        tally.recordRejection(2);
        assertFalse(tally.lost());
    }

    @Test
    void theFirstAnswerOfAVoterStands() {
        // A duplicate or reordered answer must not flip a voter's recorded choice.
        VoteTally tally = tally(1, 2, 3);
        tally.recordRejection(2);
        tally.recordGrant(2);
        assertFalse(tally.won());

        VoteTally other = tally(1, 2, 3);
        other.recordGrant(2);
        other.recordRejection(2);
        other.recordRejection(3);
        assertTrue(other.won());
        assertFalse(other.lost());
    }

    @Test
    void grantedIsASnapshot() {
        VoteTally tally = tally(1, 2, 3);
        Set<Integer> granted = tally.granted();
        tally.recordGrant(2);
        assertEquals(Set.of(1), granted);
        assertThrows(UnsupportedOperationException.class, () -> granted.add(5));
    }
}

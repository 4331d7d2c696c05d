package io.approvalguard.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each approval fills a different group: the count is a matching, not a sum. */
class ApproverSlotsTest {

    private static final List<String> GROUPS = List.of("/leads", "/security");

    @Test
    void twoApproversOfTwoGroupsFillBoth() {
        assertEquals(
                2, ApproverSlots.filled(List.of(Set.of("/leads"), Set.of("/security")), GROUPS));
    }

    @Test
    void twoApproversOfOneGroupFillOne() {
        assertEquals(1, ApproverSlots.filled(List.of(Set.of("/leads"), Set.of("/leads")), GROUPS));
    }

    @Test
    void onePersonInBothGroupsFillsOneSlot() {
        assertEquals(1, ApproverSlots.filled(List.of(Set.of("/leads", "/security")), GROUPS));
    }

    @Test
    void anApproverInBothGroupsMovesAsideForOneInOnlyOne() {
        // the first took /leads greedily; the second, only in /leads, gets it, and the first moves
        assertEquals(
                2,
                ApproverSlots.filled(
                        List.of(Set.of("/leads", "/security"), Set.of("/leads")), GROUPS));
    }

    @Test
    void anApproverInNoPolicyGroupFillsNothing() {
        assertEquals(0, ApproverSlots.filled(List.of(Set.of(), Set.of("/elsewhere")), GROUPS));
    }
}

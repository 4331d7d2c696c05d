package io.approvalguard.governance;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Each approval fills a slot of one of the policy's groups, a different group for every approval:
 * how many approvals count is the largest matching of approvers to groups they belong to. One
 * person in both groups fills one slot, and an approver whose only groups are taken adds nothing.
 */
final class ApproverSlots {

    private ApproverSlots() {}

    /**
     * The most approvals that can count at once.
     *
     * @param groupsOfApprovers for each approval, the policy groups its approver belongs to
     * @param groups the policy's groups
     */
    static int filled(List<Set<String>> groupsOfApprovers, List<String> groups) {
        int[] holder = new int[groups.size()];
        Arrays.fill(holder, -1);
        int filled = 0;
        for (int approver = 0; approver < groupsOfApprovers.size(); approver++) {
            if (seat(approver, groupsOfApprovers, groups, holder, new boolean[groups.size()])) {
                filled++;
            }
        }
        return filled;
    }

    /**
     * Kuhn's augmenting path: seat this approver, moving earlier ones to other groups if need be.
     */
    private static boolean seat(
            int approver,
            List<Set<String>> groupsOfApprovers,
            List<String> groups,
            int[] holder,
            boolean[] tried) {
        for (int g = 0; g < groups.size(); g++) {
            if (tried[g] || !groupsOfApprovers.get(approver).contains(groups.get(g))) {
                continue;
            }
            tried[g] = true;
            if (holder[g] < 0 || seat(holder[g], groupsOfApprovers, groups, holder, tried)) {
                holder[g] = approver;
                return true;
            }
        }
        return false;
    }
}

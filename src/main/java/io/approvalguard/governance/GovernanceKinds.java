package io.approvalguard.governance;

import io.approvalguard.governance.kinds.ChangeKinds;

/** The kinds a realm governs: the standard ones, and the policy itself. */
final class GovernanceKinds {

    private GovernanceKinds() {}

    static ChangeKinds of(GovernancePolicy policy) {
        return ChangeKinds.standard(policy.coolingOffMinutes() * 60L).with(new PolicyChange());
    }
}

package io.approvalguard.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy is read strictly: what is set but wrong is refused, naming the setting. */
class GovernancePolicyTest {

    @Test
    void theDefaultsAskTwoApprovalsFromTwoGroups() throws Exception {
        GovernancePolicy policy = GovernancePolicy.from(Map.of());
        assertEquals(2, policy.quorumFor("reset_second_factors").approvals());
        assertEquals(
                List.of("/helpdesk-leads", "/security"), policy.quorumFor("grant_role").groups());
        assertEquals(60, policy.requestLifetimeMinutes());
        assertTrue(policy.reason("access_request").orElseThrow().requiresTicket());
    }

    @Test
    void aQuorumWithFewerGroupsThanApprovalsIsRefused() {
        var invalid =
                assertThrows(
                        GovernancePolicy.Invalid.class,
                        () ->
                                GovernancePolicy.from(
                                        Map.of(
                                                "quorum",
                                                "{\"default\":{\"approvals\":2,\"groups\":[\"/a\"]}}")));
        assertTrue(invalid.getMessage().contains("different group"), invalid.getMessage());
    }

    @Test
    void everyBadSettingIsRefusedByName() {
        for (Map.Entry<String, String> bad :
                Map.of(
                                "requestLifetimeMinutes", "1441",
                                "approvalChallengeSeconds", "601",
                                "ticketPattern", "([",
                                "securityContacts", "not-an-address",
                                "quorum", "{\"tickets\":{\"approvals\":1,\"groups\":[\"/a\"]}}",
                                "reasons", "[]",
                                "nonsense", "1")
                        .entrySet()) {
            var invalid =
                    assertThrows(
                            GovernancePolicy.Invalid.class,
                            () -> GovernancePolicy.from(Map.of(bad.getKey(), bad.getValue())),
                            bad.getKey());
            assertTrue(
                    invalid.getMessage().contains(bad.getKey())
                            || invalid.getMessage().contains("default")
                            || invalid.getMessage().contains("reasons"),
                    invalid.getMessage());
        }
    }

    @Test
    void theJsonFormRoundTrips() throws Exception {
        GovernancePolicy policy = GovernancePolicy.from(Map.of());
        GovernancePolicy again = GovernancePolicy.fromJson(policy.toJson());
        assertEquals(policy.toJson(), again.toJson());
    }
}

package io.approvalguard.governance;

import io.approvalguard.challenge.AnswerRefused;
import io.approvalguard.support.http.ApiError;
import jakarta.ws.rs.core.Response;

/** The governance API's errors that more than one endpoint gives (see docs/governance-api.md). */
final class GovernanceErrors {

    private GovernanceErrors() {}

    static ApiError notPending(ChangeRequestEntity request) {
        return new ApiError(
                Response.Status.CONFLICT,
                "request_not_pending",
                "the change request is " + request.state().wireName() + ", not pending");
    }

    static AnswerRefused notPendingAnswer(ChangeRequestEntity request) {
        return AnswerRefused.notCounted(
                "the change request is "
                        + request.state().wireName()
                        + "; this answer does not count");
    }

    static ApiError notEligible(String reason) {
        return ApiError.forbidden("approver_not_eligible", reason);
    }

    static ApiError missingRole(GovernanceRoles role) {
        return ApiError.forbidden("missing_role", "this needs the realm role " + role.roleName());
    }

    static ApiError policyInvalid(GovernancePolicy.Invalid invalid) {
        return new ApiError(
                Response.Status.CONFLICT,
                "policy_invalid",
                "the realm's governance policy cannot be used: "
                        + invalid.getMessage()
                        + "; no change request can be filed until an administrator fixes it");
    }
}

package io.approvalguard.governance;

import io.approvalguard.governance.kinds.ChangeKinds;
import io.approvalguard.support.http.ApiError;
import java.util.LinkedHashMap;
import java.util.Map;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Filing and cancelling requests: which policy applies, whether the approvers it names exist, and
 * break-glass with its alert and review date.
 */
final class ChangeDesk {

    private final KeycloakSession session;
    private final ChangeRequests requests;

    ChangeDesk(KeycloakSession session) {
        this.session = session;
        this.requests = new ChangeRequests(session);
    }

    ChangeRequestEntity file(RealmModel realm, UserModel requester, Map<String, Object> body) {
        GovernancePolicy policy = policyOf(realm);
        ChangeKinds kinds = GovernanceKinds.of(policy);
        Filing filing = Filing.parse(session, realm, policy, kinds, requester, body);
        GovernanceRoles needed =
                filing.breakGlass() ? GovernanceRoles.BREAK_GLASS : GovernanceRoles.REQUESTER;
        if (!needed.heldBy(realm, requester)) {
            throw GovernanceErrors.missingRole(needed);
        }
        GovernancePolicy.Quorum rule = policy.quorumFor(filing.kind().wireName());
        GovernancePolicy.Quorum quorum =
                filing.breakGlass()
                        ? new GovernancePolicy.Quorum(policy.breakGlassApprovals(), rule.groups())
                        : rule;
        for (String path : quorum.groups()) {
            if (KeycloakModelUtils.findGroupByPath(session, realm, path) == null) {
                throw new ApiError(
                        409,
                        "policy_incomplete",
                        "the policy's approver group "
                                + path
                                + " does not exist in this realm; nobody could approve this"
                                + " request");
            }
        }
        long maxGrant = policy.breakGlassMaxGrantMinutes() * 60L;
        if (filing.breakGlass()
                && filing.change().get("duration_seconds") instanceof Number asked
                && asked.longValue() > maxGrant) {
            // refused rather than shortened, so that what the approvers sign is what is applied
            throw ApiError.badRequest(
                    "invalid_change",
                    "a break-glass grant lasts at most "
                            + policy.breakGlassMaxGrantMinutes()
                            + " minutes; ask for duration_seconds of at most "
                            + maxGrant);
        }
        long lifetime = policy.requestLifetimeMinutes() * 60L;
        ChangeRequestEntity request = requests.file(realm, requester, filing, quorum, lifetime);
        if (filing.breakGlass()) {
            request.reviewDueAt = request.createdAt + policy.breakGlassReviewHours() * 3600L;
            Map<String, Object> alert = new LinkedHashMap<>();
            alert.put("kind", request.kind);
            alert.put("subject_id", request.subjectId);
            alert.put("requester_id", requester.getId());
            alert.put("reason_code", request.reasonCode);
            alert.put("approvals_required", quorum.approvals());
            alert.put("review_due_at", request.reviewDueAt);
            requests.audit()
                    .append(
                            realm,
                            request.id,
                            "break_glass_used",
                            requester.getId(),
                            request.subjectId,
                            alert);
            new SecurityAlert(session).afterCommit(realm, policy, request, requester);
        }
        if (quorum.approvals() == 0) {
            requests.approve(realm, request, 0);
            new ChangeApplication(session).apply(realm, request);
        }
        return request;
    }

    void cancel(RealmModel realm, String id, UserModel caller, String why) {
        ChangeRequestEntity request = requests.lockedOrThrow(realm, id);
        if (!caller.getId().equals(request.requesterId)) {
            throw ApiError.forbidden(
                    "not_requester", "only the requester of a change request may cancel it");
        }
        if (!request.state().isOpen()) {
            throw GovernanceErrors.notPending(request);
        }
        Map<String, Object> outcome = new LinkedHashMap<>();
        outcome.put("cancelled_by", caller.getId());
        if (why != null) {
            outcome.put("reason", why);
        }
        requests.close(realm, request, RequestState.CANCELLED, caller.getId(), outcome);
    }

    static GovernancePolicy policyOf(RealmModel realm) {
        try {
            return GovernancePolicy.of(realm);
        } catch (GovernancePolicy.Invalid invalid) {
            throw GovernanceErrors.policyInvalid(invalid);
        }
    }
}

package io.approvalguard.governance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** The JSON the governance API answers with (see docs/governance-api.md). */
final class GovernanceViews {

    private GovernanceViews() {}

    static Map<String, Object> summary(
            KeycloakSession session, RealmModel realm, ChangeRequestEntity request) {
        Map<String, Object> body = ChangeRequests.body(request);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", request.id);
        view.put("state", request.state().wireName());
        view.put("kind", request.kind);
        view.put("subject", body.get("subject"));
        view.put("requester", body.get("requester"));
        view.put("reason_code", request.reasonCode);
        view.put("break_glass", request.breakGlass);
        view.put("created_at", request.createdAt);
        view.put("expires_at", request.expiresAt);
        if (request.closedAt != null) {
            view.put("closed_at", request.closedAt);
        }
        return view;
    }

    /** One request with its approvals, and what the caller may do with it. */
    static Map<String, Object> request(
            KeycloakSession session,
            RealmModel realm,
            ChangeRequestEntity request,
            UserModel caller) {
        ChangeRequests requests = new ChangeRequests(session);
        Map<String, Object> view = summary(session, realm, request);
        view.put("request", ChangeRequests.body(request));
        view.put("request_hash", request.requestHash);
        if (request.outcome != null) {
            view.put("outcome", ChangeRequests.outcome(request));
        }
        if (request.reviewDueAt != null) {
            Map<String, Object> review = new LinkedHashMap<>();
            review.put("due_at", request.reviewDueAt);
            review.put(
                    "reviews",
                    requests.approvalsOf(request.id).stream()
                            .filter(a -> ChangeApprovalEntity.Role.REVIEW.name().equals(a.role))
                            .count());
            review.put("needed", BreakGlassReviews.REVIEWS_NEEDED);
            if (request.reviewedAt != null) {
                review.put("reviewed_at", request.reviewedAt);
            }
            review.put(
                    "overdue",
                    BreakGlassReviews.isOverdue(
                            request, org.keycloak.common.util.Time.currentTime()));
            if (request.escalatedAt != null) {
                review.put("escalated_at", request.escalatedAt);
            }
            view.put("review", review);
        }
        List<Map<String, Object>> approvals =
                requests.approvalsOf(request.id).stream()
                        .map(
                                a -> {
                                    Map<String, Object> one = new LinkedHashMap<>();
                                    one.put("role", a.role.toLowerCase(java.util.Locale.ROOT));
                                    one.put("approver_id", a.approverId);
                                    UserModel approver =
                                            session.users().getUserById(realm, a.approverId);
                                    if (approver != null) {
                                        one.put("approver_username", approver.getUsername());
                                    }
                                    one.put("decision", a.decision);
                                    one.put("device_key_thumbprint", a.deviceJkt);
                                    one.put("context_hash", a.contextHash);
                                    one.put("decided_at", a.decidedAt);
                                    return one;
                                })
                        .toList();
        view.put("approvals", approvals);
        view.put("approvals_required", ChangeApprovals.quorumOf(request).approvals());
        Map<String, Object> you = new LinkedHashMap<>();
        Optional<String> whyNot =
                request.state().isOpen()
                        ? new ChangeApprovals(session).whyNot(realm, request, caller, null)
                        : Optional.of("the request is " + request.state().wireName());
        you.put("may_approve", whyNot.isEmpty());
        whyNot.ifPresent(reason -> you.put("why_not", reason));
        you.put(
                "may_cancel",
                request.state().isOpen() && caller.getId().equals(request.requesterId));
        view.put("you", you);
        return view;
    }

    static List<Map<String, Object>> audit(List<GovernanceAudit.Entry> entries) {
        return entries.stream()
                .map(
                        e -> {
                            Map<String, Object> one = new LinkedHashMap<>();
                            one.put("seq", e.seq());
                            one.put("id", e.id());
                            one.put("request_id", e.requestId());
                            one.put("type", e.type());
                            one.put("actor", e.actor());
                            one.put("at", e.atMillis());
                            one.put("data", e.data());
                            one.put("prev_hash", e.prevHash());
                            one.put("hash", e.hash());
                            return one;
                        })
                .toList();
    }
}

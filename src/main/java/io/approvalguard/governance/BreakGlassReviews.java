package io.approvalguard.governance;

import io.approvalguard.challenge.ChallengeStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The mandatory review of a break-glass change by two other people: each review is a device-signed
 * answer like an approval; an objection, or no two reviews by the due time, is escalated (an audit
 * record and its stream event), once.
 */
final class BreakGlassReviews {

    static final int REVIEWS_NEEDED = 2;

    private final ChangeRequests requests;

    BreakGlassReviews(KeycloakSession session) {
        this.requests = new ChangeRequests(session);
    }

    /** A review was recorded on the locked request. */
    void counted(
            RealmModel realm,
            ChangeRequestEntity request,
            boolean approves,
            Map<String, Object> data) {
        String reviewer = (String) data.get("approver_id");
        requests.audit()
                .append(
                        realm,
                        request.id,
                        approves ? "break_glass_review_accepted" : "break_glass_review_objected",
                        reviewer,
                        request.subjectId,
                        data);
        if (!approves) {
            escalate(realm, request, "a reviewer objected", reviewer);
        }
        long reviews =
                requests.approvalsOf(request.id).stream()
                        .filter(a -> ChangeApprovalEntity.Role.REVIEW.name().equals(a.role))
                        .count();
        if (reviews >= REVIEWS_NEEDED) {
            request.reviewedAt = (long) Time.currentTime();
            long objections =
                    requests.approvalsOf(request.id).stream()
                            .filter(a -> ChangeApprovalEntity.Role.REVIEW.name().equals(a.role))
                            .filter(a -> !ChallengeStatus.APPROVED.wireName().equals(a.decision))
                            .count();
            requests.audit()
                    .append(
                            realm,
                            request.id,
                            "break_glass_reviewed",
                            ChangeRequests.SYSTEM,
                            request.subjectId,
                            Map.of("reviews", reviews, "objections", objections));
        }
    }

    /** An applied break-glass change past its review date without two reviews: escalated once. */
    void escalateIfOverdue(RealmModel realm, ChangeRequestEntity request, long now) {
        if (request.breakGlass
                && request.state() == RequestState.APPLIED
                && request.reviewedAt == null
                && request.escalatedAt == null
                && request.reviewDueAt != null
                && request.reviewDueAt <= now) {
            escalate(realm, request, "no two reviews by the due time", ChangeRequests.SYSTEM);
        }
    }

    /** Whether the review is late now (for the API's view). */
    static boolean isOverdue(ChangeRequestEntity request, long now) {
        return request.breakGlass
                && request.state() == RequestState.APPLIED
                && request.reviewedAt == null
                && request.reviewDueAt != null
                && request.reviewDueAt <= now;
    }

    private void escalate(RealmModel realm, ChangeRequestEntity request, String why, String actor) {
        if (request.escalatedAt != null) {
            return;
        }
        request.escalatedAt = (long) Time.currentTime();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("reason", why);
        data.put("review_due_at", request.reviewDueAt);
        data.put("kind", request.kind);
        data.put("requester_id", request.requesterId);
        requests.audit()
                .append(realm, request.id, "break_glass_escalated", actor, request.subjectId, data);
    }
}

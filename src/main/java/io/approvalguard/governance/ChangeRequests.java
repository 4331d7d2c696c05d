package io.approvalguard.governance;

import io.approvalguard.challenge.ApprovalEngine;
import io.approvalguard.challenge.Binding;
import io.approvalguard.support.http.ApiError;
import io.approvalguard.support.json.CanonicalJson;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.util.JsonSerialization;

/**
 * Change requests in the database: filed once with their canonical body and its hash, then moved
 * from state to state only while their row is locked, each move audited. The row lock is what makes
 * a quorum reached on two nodes at once apply the change once.
 */
public final class ChangeRequests {

    static final String SYSTEM = "system";

    /** The audit record of an approver's challenge being opened; names its challenge id. */
    static final String APPROVAL_REQUESTED = "approval_requested";

    private final KeycloakSession session;
    private final EntityManager em;
    private final GovernanceAudit audit;

    public ChangeRequests(KeycloakSession session) {
        this.session = session;
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        this.audit = new GovernanceAudit(session);
    }

    /** Stores a new pending request; its body is the canonical form approvers sign the hash of. */
    ChangeRequestEntity file(
            RealmModel realm,
            UserModel requester,
            Filing filing,
            GovernancePolicy.Quorum quorum,
            long lifetimeSeconds) {
        long now = Time.currentTime();
        ChangeRequestEntity entity = new ChangeRequestEntity();
        entity.id = KeycloakModelUtils.generateId();
        entity.realmId = realm.getId();
        entity.kind = filing.kind().wireName();
        entity.subjectId = filing.subject().getId();
        entity.requesterId = requester.getId();
        entity.reasonCode = filing.reason().code();
        entity.breakGlass = filing.breakGlass();
        entity.state = RequestState.PENDING.name();
        entity.createdAt = now;
        entity.expiresAt = now + lifetimeSeconds;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", entity.id);
        body.put("kind", entity.kind);
        body.put("subject", party(filing.subject(), true));
        body.put("change", filing.change());
        body.put("reason_code", entity.reasonCode);
        body.put("justification", filing.justification());
        if (filing.ticket() != null) {
            body.put("ticket", filing.ticket());
        }
        body.put("requester", party(requester, false));
        body.put("evidence", filing.evidence().stream().map(Filing.Evidence::toJson).toList());
        body.put("break_glass", filing.breakGlass());
        body.put("quorum", Map.of("approvals", quorum.approvals(), "groups", quorum.groups()));
        body.put("created_at", entity.createdAt);
        body.put("expires_at", entity.expiresAt);
        entity.body = CanonicalJson.canonicalize(body);
        entity.requestHash = CanonicalJson.hash(body);
        em.persist(entity);
        for (Filing.Evidence e : filing.evidence()) {
            EvidenceEntity stored = new EvidenceEntity();
            stored.id = e.id();
            stored.requestId = entity.id;
            stored.mediaType = e.mediaType();
            stored.content = e.content();
            em.persist(stored);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("kind", entity.kind);
        data.put("subject_id", entity.subjectId);
        data.put("reason_code", entity.reasonCode);
        data.put("break_glass", entity.breakGlass);
        data.put("request_hash", entity.requestHash);
        data.put("expires_at", entity.expiresAt);
        audit.append(realm, entity.id, "request_filed", requester.getId(), entity.subjectId, data);
        return entity;
    }

    /** A request of this realm, as it stands now (a pending one past its time is expired first). */
    public Optional<ChangeRequestEntity> find(RealmModel realm, String id) {
        if (id == null || id.length() > 36) {
            return Optional.empty();
        }
        ChangeRequestEntity entity = em.find(ChangeRequestEntity.class, id);
        if (entity == null || !entity.realmId.equals(realm.getId())) {
            return Optional.empty();
        }
        long now = Time.currentTime();
        if ((entity.state().isOpen() && entity.expiresAt <= now)
                || (BreakGlassReviews.isOverdue(entity, now) && entity.escalatedAt == null)) {
            return locked(realm, id);
        }
        return Optional.of(entity);
    }

    /**
     * A request of this realm with its row locked until this transaction ends; a pending one whose
     * time has passed is expired (and audited) here, the one place that decides it, and an overdue
     * break-glass review is escalated.
     */
    Optional<ChangeRequestEntity> locked(RealmModel realm, String id) {
        if (id == null || id.length() > 36) {
            return Optional.empty();
        }
        ChangeRequestEntity entity = em.find(ChangeRequestEntity.class, id);
        if (entity == null || !entity.realmId.equals(realm.getId())) {
            return Optional.empty();
        }
        // Read again under the lock: another node's commit may have moved it meanwhile.
        em.refresh(entity, LockModeType.PESSIMISTIC_WRITE);
        if (entity.state().isOpen() && entity.expiresAt <= Time.currentTime()) {
            close(
                    realm,
                    entity,
                    RequestState.EXPIRED,
                    SYSTEM,
                    Map.of("reason", "no quorum in time"));
        }
        new BreakGlassReviews(session).escalateIfOverdue(realm, entity, Time.currentTime());
        return Optional.of(entity);
    }

    /** The locked request, or a 404 naming it. */
    ChangeRequestEntity lockedOrThrow(RealmModel realm, String id) {
        return locked(realm, id).orElseThrow(() -> notFound(id));
    }

    static ApiError notFound(String id) {
        return new ApiError(
                Response.Status.NOT_FOUND, "request_not_found", "no change request " + id);
    }

    /** Requests of the realm, newest first, filtered. */
    List<ChangeRequestEntity> list(
            RealmModel realm, String state, String kind, String subjectId, int first, int max) {
        StringBuilder query =
                new StringBuilder("select r from ChangeRequestEntity r where r.realmId = :realm");
        if (state != null) {
            query.append(" and r.state = :state");
        }
        if (kind != null) {
            query.append(" and r.kind = :kind");
        }
        if (subjectId != null) {
            query.append(" and r.subjectId = :subject");
        }
        query.append(" order by r.createdAt desc, r.id");
        var typed = em.createQuery(query.toString(), ChangeRequestEntity.class);
        typed.setParameter("realm", realm.getId());
        if (state != null) {
            typed.setParameter("state", state);
        }
        if (kind != null) {
            typed.setParameter("kind", kind);
        }
        if (subjectId != null) {
            typed.setParameter("subject", subjectId);
        }
        return typed.setFirstResult(first).setMaxResults(max).getResultList();
    }

    /** The approvals cast on a request, in order. */
    List<ChangeApprovalEntity> approvalsOf(String requestId) {
        return em.createQuery(
                        "select a from ChangeApprovalEntity a where a.requestId = :request"
                                + " order by a.decidedAt, a.id",
                        ChangeApprovalEntity.class)
                .setParameter("request", requestId)
                .getResultList();
    }

    Optional<EvidenceEntity> evidence(String requestId, String evidenceId) {
        EvidenceEntity found =
                evidenceId == null ? null : em.find(EvidenceEntity.class, evidenceId);
        return Optional.ofNullable(found).filter(e -> e.requestId.equals(requestId));
    }

    /** Persists an approval now, so the unique keys speak before anything else happens. */
    void record(ChangeApprovalEntity approval) {
        em.persist(approval);
        em.flush();
    }

    /** Moves a locked request to a closing state, audited. */
    void close(
            RealmModel realm,
            ChangeRequestEntity entity,
            RequestState state,
            String actor,
            Map<String, Object> outcome) {
        RequestState from = entity.state();
        entity.state = state.name();
        entity.closedAt = (long) Time.currentTime();
        entity.outcome = CanonicalJson.canonicalize(outcome);
        Map<String, Object> data = new LinkedHashMap<>(outcome);
        data.put("from", from.wireName());
        data.put("to", state.wireName());
        audit.append(
                realm, entity.id, "request_" + state.wireName(), actor, entity.subjectId, data);
        endOpenChallenges(realm, entity);
    }

    /**
     * An approver's challenge still on a device when its request closes ends as cancelled, so the
     * device stops showing it; an answer racing this is refused when counted.
     */
    private void endOpenChallenges(RealmModel realm, ChangeRequestEntity request) {
        ApprovalEngine engine = new ApprovalEngine(session);
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection());
        audit.ofRequest(realm.getId(), request.id).stream()
                .filter(e -> APPROVAL_REQUESTED.equals(e.type()))
                .map(e -> String.valueOf(e.data().get("challenge_id")))
                .forEach(
                        challengeId ->
                                engine.bound(
                                                challengeId,
                                                realm.getId(),
                                                Binding.changeRequest(request.id))
                                        .filter(c -> c.status().isPending())
                                        .ifPresent(c -> engine.cancel(c, event)));
    }

    /** Moves a locked pending request to approved (the quorum is reached), audited. */
    void approve(RealmModel realm, ChangeRequestEntity entity, int approvals) {
        entity.state = RequestState.APPROVED.name();
        audit.append(
                realm,
                entity.id,
                "request_approved",
                SYSTEM,
                entity.subjectId,
                Map.of("approvals", approvals));
    }

    GovernanceAudit audit() {
        return audit;
    }

    /** The request's body as filed. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> body(ChangeRequestEntity entity) {
        try {
            return JsonSerialization.readValue(entity.body, LinkedHashMap.class);
        } catch (IOException e) {
            throw new IllegalStateException("stored change request is unreadable", e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> outcome(ChangeRequestEntity entity) {
        if (entity.outcome == null) {
            return Map.of();
        }
        try {
            return JsonSerialization.readValue(entity.outcome, LinkedHashMap.class);
        } catch (IOException e) {
            throw new IllegalStateException("stored outcome is unreadable", e);
        }
    }

    private static Map<String, Object> party(UserModel user, boolean withEmail) {
        Map<String, Object> party = new LinkedHashMap<>();
        party.put("id", user.getId());
        party.put("username", user.getUsername());
        if (withEmail && user.getEmail() != null) {
            party.put("email", user.getEmail());
        }
        return party;
    }
}

package io.approvalguard.governance;

import io.approvalguard.challenge.ApprovalEngine;
import io.approvalguard.governance.kinds.AppliedBy;
import io.approvalguard.governance.kinds.ChangeKind;
import io.approvalguard.risk.SessionRevocation;
import io.approvalguard.support.tx.AfterTransaction;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Applies an approved request, by the system, in the transaction that reached its quorum (whose row
 * lock makes it once): the kind's change, then for a change to credentials or email the end of
 * every session of the subject and of a sign-in under way, a revocation receipt in the audit, and
 * the subject told. A change that can no longer be made ends the request as failed, changing
 * nothing.
 */
final class ChangeApplication {

    private static final Logger LOG = Logger.getLogger(ChangeApplication.class);

    private final KeycloakSession session;
    private final ChangeRequests requests;

    ChangeApplication(KeycloakSession session) {
        this.session = session;
        this.requests = new ChangeRequests(session);
    }

    void apply(RealmModel realm, ChangeRequestEntity request) {
        GovernancePolicy policy;
        try {
            policy = GovernancePolicy.of(realm);
        } catch (GovernancePolicy.Invalid invalid) {
            fail(realm, request, "the governance policy cannot be read: " + invalid.getMessage());
            return;
        }
        Optional<ChangeKind> kind = GovernanceKinds.of(policy).of(request.kind);
        UserModel subject = session.users().getUserById(realm, request.subjectId);
        if (kind.isEmpty() || subject == null) {
            fail(
                    realm,
                    request,
                    kind.isEmpty() ? "the kind is no longer known" : "the user no longer exists");
            return;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> change =
                (Map<String, Object>) ChangeRequests.body(request).get("change");
        Optional<String> blocked = kind.get().precheck(session, realm, subject, change);
        if (blocked.isPresent()) {
            fail(realm, request, blocked.get());
            return;
        }
        Map<String, Object> applied;
        try {
            applied =
                    kind.get()
                            .apply(
                                    session,
                                    realm,
                                    subject,
                                    change,
                                    new AppliedBy(
                                            request.id,
                                            request.requesterId,
                                            request.breakGlass,
                                            policy.breakGlassMaxGrantMinutes() * 60L));
        } catch (RuntimeException e) {
            // Half a change must not stay: everything rolls back, and the request is marked failed
            // afterwards in a transaction of its own.
            LOG.warnf(
                    "Approval Guard: change request %s could not be applied: %s",
                    request.id, e.toString());
            session.getTransactionManager().setRollbackOnly();
            String realmId = realm.getId();
            String id = request.id;
            String reason = "applying the change failed: " + e.getClass().getSimpleName();
            AfterTransaction.onRollback(
                    session,
                    () ->
                            KeycloakModelUtils.runJobInTransaction(
                                    session.getKeycloakSessionFactory(),
                                    s -> {
                                        RealmModel r = s.realms().getRealm(realmId);
                                        ChangeRequests own = new ChangeRequests(s);
                                        own.locked(r, id)
                                                .filter(q -> q.state() == RequestState.PENDING)
                                                .ifPresent(
                                                        q ->
                                                                own.close(
                                                                        r,
                                                                        q,
                                                                        RequestState.FAILED,
                                                                        ChangeRequests.SYSTEM,
                                                                        Map.of("reason", reason)));
                                    }));
            throw e;
        }
        Map<String, Object> outcome = new LinkedHashMap<>();
        outcome.put("applied", applied);
        if (kind.get().endsSessions()) {
            SessionRevocation.Receipt receipt = SessionRevocation.revoke(session, realm, subject);
            EventBuilder event =
                    new EventBuilder(realm, session, session.getContext().getConnection());
            Optional<String> cancelled =
                    new ApprovalEngine(session).cancelPendingOf(realm, subject, event);
            Map<String, Object> revocation = new LinkedHashMap<>(receipt.toJson());
            revocation.put("sessions_ended", receipt.count());
            cancelled.ifPresent(id -> revocation.put("sign_in_cancelled", id));
            outcome.put("revocation", revocation);
            requests.audit()
                    .append(
                            realm,
                            request.id,
                            "sessions_revoked",
                            ChangeRequests.SYSTEM,
                            subject.getId(),
                            revocation);
        }
        requests.close(realm, request, RequestState.APPLIED, ChangeRequests.SYSTEM, outcome);
        new SubjectNotice(session).afterCommit(realm, request, subject);
        LOG.infof(
                "Approval Guard: change request %s (%s) applied to user %s in realm %s",
                request.id, request.kind, subject.getId(), realm.getName());
    }

    private void fail(RealmModel realm, ChangeRequestEntity request, String reason) {
        requests.close(
                realm,
                request,
                RequestState.FAILED,
                ChangeRequests.SYSTEM,
                Map.of("reason", reason));
    }
}

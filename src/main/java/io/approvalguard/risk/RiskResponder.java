package io.approvalguard.risk;

import io.approvalguard.device.DeviceCredentialModel;
import io.approvalguard.device.DeviceRegistry;
import io.approvalguard.fatigue.PromptThrottle;
import io.approvalguard.stream.CloudEvents;
import io.approvalguard.stream.StreamEventListenerFactory;
import io.approvalguard.support.tx.AfterTransaction;
import jakarta.persistence.EntityManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * Applies risk responses, each idempotent: a second request with the same idempotency key changes
 * nothing. Every applied response is written to the audit table and raised as a stream event in the
 * caller's transaction.
 */
public final class RiskResponder {

    private static final Logger LOG = Logger.getLogger(RiskResponder.class);
    private static final String EMAIL_EXECUTOR = "approval-guard-risk-email";

    /** Who asked and why. */
    public record Reason(String code, String source, String actor, String idempotencyKey) {}

    /**
     * The audit record, and whether this call applied it (false: an earlier call with the same key
     * did).
     */
    public record Applied(boolean applied, RiskActionEntity record) {}

    private final KeycloakSession session;
    private final RealmModel realm;
    private final EntityManager em;
    private final RiskStates states;

    public RiskResponder(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        this.states = new RiskStates(session);
    }

    public Applied apply(
            UserModel user,
            RiskAction action,
            Reason reason,
            long suspendSeconds,
            RiskLevel level) {
        RiskActionEntity earlier = find(user, action, reason.idempotencyKey());
        if (earlier != null) {
            return new Applied(false, earlier);
        }
        long now = Time.currentTimeMillis();
        RiskSettings settings = RiskSettings.of(realm);
        RiskStates.Loaded state = states.load(realm.getId(), RiskStates.userSubject(user.getId()));
        String detail =
                switch (action) {
                    case REVOKE_SESSIONS -> {
                        int ended = revokeSessions(user);
                        state.profile().revokedAt = now;
                        yield ended + " session(s) ended";
                    }
                    case SUSPEND_PUSH -> {
                        long until =
                                Math.max(state.pushSuspendedUntil(), now + suspendSeconds * 1000);
                        state.suspendPushUntil(until);
                        state.profile().suspendedSince = now;
                        yield "push suspended until " + java.time.Instant.ofEpochMilli(until);
                    }
                    case REQUIRE_REENROLMENT -> {
                        int suspended = new DeviceRegistry(session).setSuspended(user, true);
                        if (user.getRequiredActionsStream()
                                .noneMatch(DeviceCredentialModel.ENROLMENT_ACTION::equals)) {
                            user.addRequiredAction(DeviceCredentialModel.ENROLMENT_ACTION);
                        }
                        yield suspended + " device(s) suspended, enrolment required";
                    }
                    case NOTIFY_USER -> notifyUser(user, reason);
                    case SET_LEVEL -> {
                        // the middle of the level's band: the score then decays through it for
                        // hours, not seconds
                        double floor =
                                switch (level) {
                                    case NORMAL -> 0;
                                    case ELEVATED ->
                                            (settings.elevatedAt() + settings.highAt()) / 2.0;
                                    case HIGH -> (settings.highAt() + settings.criticalAt()) / 2.0;
                                    case CRITICAL -> settings.criticalAt() * 1.5;
                                };
                        double current = state.profile().scoreAt(now, settings.halfLifeSeconds());
                        state.profile().score = Math.max(current, floor);
                        state.profile().scoredAt = now;
                        yield "level set to " + level.wireName();
                    }
                    case RESET_THROTTLE -> {
                        new PromptThrottle(session).reset(realm, user);
                        yield "prompt quota, spacing and back-off reset";
                    }
                    case CLEAR -> {
                        state.profile().reset(now);
                        state.suspendPushUntil(0);
                        int resumed = new DeviceRegistry(session).setSuspended(user, false);
                        new PromptThrottle(session).reset(realm, user);
                        yield "score cleared, push resumed, "
                                + resumed
                                + " device(s) resumed, prompt throttle reset";
                    }
                };
        states.save(state, now);
        double score = state.profile().scoreAt(now, settings.halfLifeSeconds());
        RiskActionEntity record =
                audit(user, action, reason, settings.levelOf(score), score, now, detail);
        raise(user, record, now);
        LOG.infof(
                "Approval Guard: risk response %s for user %s in realm %s (%s, %s): %s",
                action.wireName(),
                user.getId(),
                realm.getName(),
                reason.source(),
                reason.code(),
                detail);
        return new Applied(true, record);
    }

    /**
     * Ends a single session that was established by a push approval after the user's sessions were
     * revoked (the browser may consume an approval a moment after the scorer acted on it).
     */
    public void endLateSession(UserSessionModel userSession) {
        AuthenticationManager.backchannelLogout(
                session,
                realm,
                userSession,
                session.getContext().getUri(),
                session.getContext().getConnection(),
                session.getContext().getRequestHeaders(),
                true);
    }

    public List<RiskActionEntity> history(UserModel user, int max) {
        return em.createQuery(
                        "select a from RiskActionEntity a where a.realmId = :realm and a.userId = :user"
                                + " order by a.createdAt desc, a.id",
                        RiskActionEntity.class)
                .setParameter("realm", realm.getId())
                .setParameter("user", user.getId())
                .setMaxResults(max)
                .getResultList();
    }

    private int revokeSessions(UserModel user) {
        return SessionRevocation.revoke(session, realm, user).count();
    }

    /**
     * Emails the user once this transaction has committed, off the request thread: a response can
     * be part of a device's decision, and a slow mail server must not hold that decision up.
     */
    private String notifyUser(UserModel user, Reason reason) {
        if (realm.getSmtpConfig() == null || realm.getSmtpConfig().isEmpty()) {
            return "not sent: the realm has no SMTP server";
        }
        if (user.getEmail() == null || user.getEmail().isBlank()) {
            return "not sent: the user has no email address";
        }
        String realmId = realm.getId();
        String userId = user.getId();
        String reasonCode = reason.code();
        // Only when the response really happened.
        AfterTransaction.onCommitInBackground(
                session,
                EMAIL_EXECUTOR,
                s -> sendAlert(s, realmId, userId, reasonCode),
                e ->
                        LOG.warnf(
                                "Approval Guard: risk alert email to user %s failed: %s",
                                userId, e.toString()));
        return "email queued";
    }

    private static void sendAlert(
            KeycloakSession session, String realmId, String userId, String reasonCode) {
        RealmModel realm = session.realms().getRealm(realmId);
        if (realm == null) {
            return;
        }
        session.getContext().setRealm(realm);
        UserModel user = session.users().getUserById(realm, userId);
        if (user == null) {
            return;
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("reasonCode", reasonCode);
        attributes.put(
                "realmName",
                realm.getDisplayName() != null ? realm.getDisplayName() : realm.getName());
        try {
            session.getProvider(EmailTemplateProvider.class)
                    .setRealm(realm)
                    .setUser(user)
                    .send(
                            "approvalGuardRiskAlertSubject",
                            "approval-guard-risk-alert.ftl",
                            attributes);
        } catch (EmailException e) {
            LOG.warnf(
                    "Approval Guard: risk alert email to user %s failed: %s", userId, e.toString());
        }
    }

    private RiskActionEntity find(UserModel user, RiskAction action, String key) {
        return em.createQuery(
                        "select a from RiskActionEntity a where a.realmId = :realm and a.userId = :user"
                                + " and a.action = :action and a.idempotencyKey = :key",
                        RiskActionEntity.class)
                .setParameter("realm", realm.getId())
                .setParameter("user", user.getId())
                .setParameter("action", action.wireName())
                .setParameter("key", key)
                .getResultStream()
                .findFirst()
                .orElse(null);
    }

    private RiskActionEntity audit(
            UserModel user,
            RiskAction action,
            Reason reason,
            RiskLevel level,
            double score,
            long now,
            String detail) {
        RiskActionEntity record = new RiskActionEntity();
        record.setId(UUID.randomUUID().toString());
        record.setRealmId(realm.getId());
        record.setUserId(user.getId());
        record.setAction(action.wireName());
        record.setReasonCode(reason.code());
        record.setSource(reason.source());
        record.setActor(reason.actor());
        record.setLevel(level.wireName());
        record.setScore(score);
        record.setIdempotencyKey(reason.idempotencyKey());
        record.setCreatedAt(now);
        record.setDetail(detail.length() <= 255 ? detail : detail.substring(0, 255));
        em.persist(record);
        return record;
    }

    private void raise(UserModel user, RiskActionEntity record, long now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("realm_id", realm.getId());
        data.put("user_id", user.getId());
        data.put("action", record.getAction());
        data.put("reason_code", record.getReasonCode());
        data.put("source", record.getSource());
        if (record.getActor() != null) {
            data.put("actor", record.getActor());
        }
        data.put("level", record.getLevel());
        data.put("score", Math.round(record.getScore() * 100) / 100.0);
        data.put("detail", record.getDetail());
        StreamEventListenerFactory.outbox(session)
                .append(
                        session,
                        CloudEvents.own(
                                record.getId(),
                                "risk." + record.getAction(),
                                CloudEvents.source(session, realm.getName(), realm.getId()),
                                realm.getId(),
                                user.getId(),
                                now,
                                data));
    }
}

package io.approvalguard.governance.kinds;

import io.approvalguard.stream.CloudEvents;
import io.approvalguard.stream.StreamEventListenerFactory;
import io.approvalguard.stream.sink.StreamEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jboss.logging.Logger;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Roles and group memberships granted for a limited time: recorded when granted, closed when due.
 * The database holds them, so an expiry survives restarts; closing one locks its row, so two nodes
 * (the scheduled task on one, the start-up run on another) close it once.
 *
 * <p>Closing a due grant removes the role or membership when the user still has it directly
 * ({@value #EXPIRED}); a grant whose role or membership the user lost otherwise is only closed
 * ({@value #ALREADY_REMOVED}), as is one whose user ({@value #SUBJECT_GONE}) or role or group
 * ({@value #TARGET_GONE}) no longer exists. Each close raises the stream event {@code
 * governance.grant_expired} in the same transaction.
 */
public final class TimedGrants {

    static final String EXPIRED = "expired";
    static final String ALREADY_REMOVED = "already_removed";
    static final String SUBJECT_GONE = "subject_gone";
    static final String TARGET_GONE = "target_gone";

    /**
     * The stream event of a closed grant (type {@code io.approvalguard.governance.grant_expired}).
     */
    public static final String EVENT = "governance.grant_expired";

    /** Grants closed per run at most; the rest wait for the next run. */
    static final int BATCH = 500;

    private static final Logger LOG = Logger.getLogger(TimedGrants.class);

    /** A grant that was closed, and how. */
    public record Closed(TimedGrantEntity grant, String outcome) {
        public boolean removed() {
            return EXPIRED.equals(outcome);
        }
    }

    private final Function<KeycloakSession, GrantStore> stores;
    private final BiConsumer<KeycloakSession, StreamEvent> events;

    TimedGrants(
            Function<KeycloakSession, GrantStore> stores,
            BiConsumer<KeycloakSession, StreamEvent> events) {
        this.stores = stores;
        this.events = events;
    }

    /** On Keycloak's database, raising events through the stream's outbox. */
    public static TimedGrants standard() {
        return new TimedGrants(
                GrantStore::jpa,
                (session, event) ->
                        StreamEventListenerFactory.outbox(session).append(session, event));
    }

    /** Records a grant that was just made, in the caller's transaction. */
    public TimedGrantEntity record(
            KeycloakSession session,
            RealmModel realm,
            UserModel user,
            String kind,
            String targetId,
            String requestId,
            long now,
            long seconds) {
        TimedGrantEntity grant = new TimedGrantEntity();
        grant.setId(KeycloakModelUtils.generateId());
        grant.setRealmId(realm.getId());
        grant.setUserId(user.getId());
        grant.setKind(kind);
        grant.setTargetId(targetId);
        grant.setRequestId(requestId);
        grant.setGrantedAt(now);
        grant.setExpiresAt(now + seconds);
        stores.apply(session).insert(grant);
        return grant;
    }

    /** The user's grants that are still open. */
    public List<TimedGrantEntity> open(KeycloakSession session, RealmModel realm, UserModel user) {
        return stores.apply(session).open(realm.getId(), user.getId());
    }

    /**
     * Closes every grant due at {@code now}, each in a transaction of its own (one that fails is
     * logged and tried again next run); answers those this call closed.
     */
    public List<Closed> expireDue(KeycloakSessionFactory factory, long now) {
        List<String> due = new ArrayList<>();
        KeycloakModelUtils.runJobInTransaction(
                factory, s -> due.addAll(stores.apply(s).dueIds(now, BATCH)));
        List<Closed> closed = new ArrayList<>();
        for (String id : due) {
            try {
                KeycloakModelUtils.runJobInTransaction(
                        factory, s -> close(s, id, now).ifPresent(closed::add));
            } catch (RuntimeException e) {
                LOG.warnf(e, "Approval Guard: time-bound grant %s could not be closed", id);
            }
        }
        return closed;
    }

    /**
     * Closes grant {@code id} in the caller's transaction when it is open and due at {@code now};
     * empty when another node closed it first, or it is not due.
     */
    public Optional<Closed> close(KeycloakSession session, String id, long now) {
        TimedGrantEntity grant = stores.apply(session).lock(id);
        if (grant == null || grant.getRevokedAt() != null || grant.getExpiresAt() > now) {
            return Optional.empty();
        }
        String outcome = removeAccess(session, grant);
        grant.setRevokedAt(now);
        grant.setRevokeReason(outcome);
        Closed closed = new Closed(grant, outcome);
        events.accept(session, event(session, closed, now));
        LOG.infof(
                "Approval Guard: time-bound %s grant %s of user %s in realm %s closed: %s",
                grant.getKind(), grant.getId(), grant.getUserId(), grant.getRealmId(), outcome);
        return Optional.of(closed);
    }

    private static String removeAccess(KeycloakSession session, TimedGrantEntity grant) {
        RealmModel realm = session.realms().getRealm(grant.getRealmId());
        if (realm == null) {
            return SUBJECT_GONE;
        }
        // a timer's session has no realm; Keycloak's user lookups need one
        session.getContext().setRealm(realm);
        UserModel user = session.users().getUserById(realm, grant.getUserId());
        if (user == null) {
            return SUBJECT_GONE;
        }
        if (TimedGrantEntity.GROUP.equals(grant.getKind())) {
            GroupModel group = session.groups().getGroupById(realm, grant.getTargetId());
            if (group == null) {
                return TARGET_GONE;
            }
            if (user.getGroupsStream().noneMatch(g -> g.getId().equals(group.getId()))) {
                return ALREADY_REMOVED;
            }
            user.leaveGroup(group);
            return EXPIRED;
        }
        RoleModel role = realm.getRoleById(grant.getTargetId());
        if (role == null) {
            return TARGET_GONE;
        }
        if (!user.hasDirectRole(role)) {
            return ALREADY_REMOVED;
        }
        user.deleteRoleMapping(role);
        return EXPIRED;
    }

    private static StreamEvent event(KeycloakSession session, Closed closed, long now) {
        TimedGrantEntity grant = closed.grant();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("realm_id", grant.getRealmId());
        data.put("user_id", grant.getUserId());
        data.put("grant_id", grant.getId());
        data.put("kind", grant.getKind());
        data.put("target_id", grant.getTargetId());
        data.put("request_id", grant.getRequestId());
        data.put("granted_at", grant.getGrantedAt());
        data.put("expires_at", grant.getExpiresAt());
        data.put("closed_at", now);
        data.put("outcome", closed.outcome());
        data.put("removed", closed.removed());
        RealmModel realm = session.realms().getRealm(grant.getRealmId());
        String realmName = realm == null ? grant.getRealmId() : realm.getName();
        // one id per grant: a close that is retried is the same event
        String id =
                UUID.nameUUIDFromBytes(
                                (EVENT + "/" + grant.getId()).getBytes(StandardCharsets.UTF_8))
                        .toString();
        return CloudEvents.own(
                id,
                EVENT,
                CloudEvents.source(session, realmName, grant.getRealmId()),
                grant.getRealmId(),
                grant.getUserId(),
                now * 1000L,
                data);
    }
}

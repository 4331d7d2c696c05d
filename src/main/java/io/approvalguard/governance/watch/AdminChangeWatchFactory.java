package io.approvalguard.governance.watch;

import io.approvalguard.governance.GovernanceAudit;
import java.util.Optional;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Event listener {@value #PROVIDER_ID}: the watch on changes made around the governed path. It is
 * <em>global</em> ({@link #isGlobal()}): Keycloak 26.7's {@code AdminEventBuilder} hands every
 * admin event of every realm to the listeners the realm enables <em>and</em> to every listener
 * whose factory says it is global, so no realm has to enable it and a realm administrator cannot
 * switch it off in the realm's event settings. Neither does it depend on the realm saving admin
 * events: listeners get the event whether or not the realm stores it.
 */
public final class AdminChangeWatchFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "approval-guard-governance-watch";

    private WatchCounts counts;
    private WatchRecorder recorder;

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new AdminChangeWatch(session, recorder, AdminChangeWatchFactory::priorState);
    }

    @Override
    public boolean isGlobal() {
        return true;
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        counts = WatchCounts.global();
        recorder =
                new WatchRecorder(
                        AdminChangeWatchFactory::append,
                        (outer, work) ->
                                KeycloakModelUtils.runJobInTransaction(
                                        outer.getKeycloakSessionFactory(),
                                        outer.getContext(),
                                        work::accept),
                        counts);
    }

    /** This node's counts. */
    public WatchCounts counts() {
        return counts;
    }

    private static void append(
            KeycloakSession session,
            String realmId,
            String actor,
            String subjectUserId,
            java.util.Map<String, Object> data) {
        RealmModel realm = session.realms().getRealm(realmId);
        if (realm == null) {
            throw new IllegalStateException("realm " + realmId + " not found");
        }
        new GovernanceAudit(session)
                .append(realm, null, WatchRecorder.TYPE, actor, subjectUserId, data);
    }

    /**
     * The user as committed before the admin request: read in a new session and transaction, which
     * sees neither the request's uncommitted writes nor its cache invalidations (those apply at its
     * commit). Empty when the user is not found.
     */
    static Optional<PriorUserState> priorState(
            KeycloakSession session, String realmId, String userId) {
        if (userId == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(
                KeycloakModelUtils.runJobInTransactionWithResult(
                        session.getKeycloakSessionFactory(),
                        s -> {
                            RealmModel realm = s.realms().getRealm(realmId);
                            if (realm == null) {
                                return null;
                            }
                            s.getContext().setRealm(realm); // the user provider wants one
                            UserModel user = s.users().getUserById(realm, userId);
                            return user == null
                                    ? null
                                    : new PriorUserState(
                                            user.getEmail(),
                                            user.isEnabled(),
                                            user.getFederationLink() != null);
                        }));
    }

    @Override
    public void close() {}

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}

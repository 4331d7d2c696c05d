package io.approvalguard.governance;

import jakarta.persistence.EntityManager;
import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * What time does to requests even when nobody looks: a pending request past its lifetime expires
 * (audited, its approver challenges ended), and a break-glass change whose review is overdue is
 * escalated. Each request in a transaction of its own, so one bad row does not stop the rest.
 */
final class GovernanceSweep {

    private static final Logger LOG = Logger.getLogger(GovernanceSweep.class);
    private static final int BATCH = 100;

    private GovernanceSweep() {}

    static void run(KeycloakSession session) {
        long now = Time.currentTime();
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        List<Object[]> due =
                em.createQuery(
                                "select r.id, r.realmId from ChangeRequestEntity r where"
                                        + " (r.state = :pending and r.expiresAt <= :now) or"
                                        + " (r.breakGlass = true and r.state = :applied and"
                                        + " r.reviewedAt is null and r.escalatedAt is null and"
                                        + " r.reviewDueAt <= :now)",
                                Object[].class)
                        .setParameter("pending", RequestState.PENDING.name())
                        .setParameter("applied", RequestState.APPLIED.name())
                        .setParameter("now", now)
                        .setMaxResults(BATCH)
                        .getResultList();
        for (Object[] row : due) {
            String id = (String) row[0];
            String realmId = (String) row[1];
            try {
                KeycloakModelUtils.runJobInTransaction(
                        session.getKeycloakSessionFactory(),
                        s -> {
                            RealmModel realm = s.realms().getRealm(realmId);
                            if (realm == null) {
                                return;
                            }
                            s.getContext().setRealm(realm);
                            // locking expires it, or escalates its overdue review
                            new ChangeRequests(s).locked(realm, id);
                        });
            } catch (RuntimeException e) {
                LOG.warnf(
                        "Approval Guard: governance sweep of request %s failed: %s",
                        id, e.toString());
            }
        }
    }
}

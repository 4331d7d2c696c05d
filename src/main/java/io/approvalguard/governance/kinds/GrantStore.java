package io.approvalguard.governance.kinds;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.util.List;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

/** The {@code AG_GOV_GRANT} rows one session reads and writes. */
interface GrantStore {

    void insert(TimedGrantEntity grant);

    /** Ids of open grants due at {@code now}, earliest first, at most {@code max}. */
    List<String> dueIds(long now, int max);

    /**
     * The grant, locked for this transaction (a second node asking waits until this one ends); null
     * when there is none. Changes to it are written at commit.
     */
    TimedGrantEntity lock(String id);

    /** The open grants of a user, earliest end first. */
    List<TimedGrantEntity> open(String realmId, String userId);

    /** The store of Keycloak's database, in the session's transaction. */
    static GrantStore jpa(KeycloakSession session) {
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        return new GrantStore() {
            @Override
            public void insert(TimedGrantEntity grant) {
                em.persist(grant);
            }

            @Override
            public List<String> dueIds(long now, int max) {
                return em.createQuery(
                                "select g.id from TimedGrantEntity g where g.revokedAt is null"
                                        + " and g.expiresAt <= :now order by g.expiresAt, g.id",
                                String.class)
                        .setParameter("now", now)
                        .setMaxResults(max)
                        .getResultList();
            }

            @Override
            public TimedGrantEntity lock(String id) {
                return em.find(TimedGrantEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
            }

            @Override
            public List<TimedGrantEntity> open(String realmId, String userId) {
                return em.createQuery(
                                "select g from TimedGrantEntity g where g.realmId = :realm"
                                        + " and g.userId = :user and g.revokedAt is null"
                                        + " order by g.expiresAt, g.id",
                                TimedGrantEntity.class)
                        .setParameter("realm", realmId)
                        .setParameter("user", userId)
                        .getResultList();
            }
        };
    }
}

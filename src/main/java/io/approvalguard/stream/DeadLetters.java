package io.approvalguard.stream;

import jakarta.persistence.EntityManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.keycloak.common.util.Time;

/**
 * The operator's view of the outbox: backlog per status, dead letters, replay. Always within one
 * realm.
 */
public final class DeadLetters {

    private DeadLetters() {}

    public static Map<String, Long> countByStatus(EntityManager em, String realmId, String sinkId) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (OutboxStatus status : OutboxStatus.values()) {
            counts.put(status.name().toLowerCase(java.util.Locale.ROOT), 0L);
        }
        em.createQuery(
                        "select r.status, count(r) from OutboxRecordEntity r where r.realmId = :realm and r.sinkId = :sink"
                                + " group by r.status",
                        Object[].class)
                .setParameter("realm", realmId)
                .setParameter("sink", sinkId)
                .getResultList()
                .forEach(
                        row ->
                                counts.put(
                                        ((String) row[0]).toLowerCase(java.util.Locale.ROOT),
                                        (Long) row[1]));
        return counts;
    }

    public static List<OutboxRecordEntity> list(
            EntityManager em, String realmId, String sinkId, int first, int max) {
        // two queries rather than ":sink is null": PostgreSQL cannot type a null parameter
        var query =
                em.createQuery(
                                "select r from OutboxRecordEntity r where r.realmId = :realm and r.status = :dead"
                                        + (sinkId == null ? "" : " and r.sinkId = :sink")
                                        + " order by r.createdAt, r.id",
                                OutboxRecordEntity.class)
                        .setParameter("realm", realmId)
                        .setParameter("dead", OutboxStatus.DEAD.name());
        if (sinkId != null) {
            query.setParameter("sink", sinkId);
        }
        return query.setFirstResult(first).setMaxResults(max).getResultList();
    }

    public static int replay(EntityManager em, String realmId, List<String> ids) {
        return replayWhere(em, realmId, "r.id in :ids", "ids", ids);
    }

    public static int replayAll(EntityManager em, String realmId, String sinkId) {
        return replayWhere(em, realmId, "r.sinkId = :sink", "sink", sinkId);
    }

    /** Dead letters matching the condition are retried from now, with a fresh retry window. */
    private static int replayWhere(
            EntityManager em, String realmId, String condition, String name, Object value) {
        return em.createQuery(
                        "update OutboxRecordEntity r set r.status = :pending, r.attempts = 0, r.retrySince = :now,"
                                + " r.nextAttemptAt = :now, r.lastError = null where r.realmId = :realm and r.status = :dead and "
                                + condition)
                .setParameter("pending", OutboxStatus.PENDING.name())
                .setParameter("now", Time.currentTimeMillis())
                .setParameter("realm", realmId)
                .setParameter("dead", OutboxStatus.DEAD.name())
                .setParameter(name, value)
                .executeUpdate();
    }
}

package io.approvalguard.risk;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.util.JsonSerialization;

/** Reads and writes {@link RiskStateEntity} rows in the caller's transaction. */
public final class RiskStates {

    private final EntityManager em;

    public RiskStates(KeycloakSession session) {
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    public static String userSubject(String userId) {
        return "user:" + userId;
    }

    public static String ipSubject(String ipAddress) {
        return "ip:" + ipAddress;
    }

    /** A state row with its parsed profile; new rows are persisted on {@link #save}. */
    public static final class Loaded {
        final RiskStateEntity entity;
        final RiskProfile profile;
        final boolean isNew;

        Loaded(RiskStateEntity entity, RiskProfile profile, boolean isNew) {
            this.entity = entity;
            this.profile = profile;
            this.isNew = isNew;
        }

        public RiskProfile profile() {
            return profile;
        }

        public long pushSuspendedUntil() {
            return entity.getPushSuspendedUntil();
        }

        public void suspendPushUntil(long until) {
            entity.setPushSuspendedUntil(until);
        }
    }

    public RiskStateEntity find(String realmId, String subject) {
        return em.find(RiskStateEntity.class, realmId + "/" + subject);
    }

    /**
     * What a reader needs of a subject's row (score, when scored, push suspended until), or null.
     */
    public record Standing(double score, long scoredAt, long pushSuspendedUntil) {}

    /**
     * Reads the standing without making the row a managed entity: a sign-in or a device's answer
     * reads it before the same transaction may lock and update the row ({@link #load}), and a
     * managed copy read earlier would be stale by then.
     */
    public Standing standing(String realmId, String subject) {
        return em.createQuery(
                        "select s.score, s.scoredAt, s.pushSuspendedUntil from RiskStateEntity s where s.id = :id",
                        Object[].class)
                .setParameter("id", realmId + "/" + subject)
                .getResultStream()
                .findFirst()
                .map(
                        row ->
                                new Standing(
                                        ((Number) row[0]).doubleValue(),
                                        ((Number) row[1]).longValue(),
                                        ((Number) row[2]).longValue()))
                .orElse(null);
    }

    /**
     * The subject's state for an update, its row locked until the transaction ends: the relay and
     * an admin request acting on the same user wait for each other instead of one failing.
     */
    public Loaded load(String realmId, String subject) {
        RiskStateEntity entity =
                em.find(
                        RiskStateEntity.class,
                        realmId + "/" + subject,
                        LockModeType.PESSIMISTIC_WRITE);
        if (entity == null) {
            entity = new RiskStateEntity();
            entity.setId(realmId + "/" + subject);
            entity.setRealmId(realmId);
            entity.setSubject(subject);
            return new Loaded(entity, new RiskProfile(), true);
        }
        RiskProfile profile = parse(entity.getProfile());
        profile.score = entity.getScore();
        profile.scoredAt = entity.getScoredAt();
        return new Loaded(entity, profile, false);
    }

    public void save(Loaded loaded, long now) {
        RiskStateEntity entity = loaded.entity;
        entity.setScore(loaded.profile.score);
        entity.setScoredAt(loaded.profile.scoredAt);
        entity.setUpdatedAt(now);
        try {
            entity.setProfile(JsonSerialization.writeValueAsString(loaded.profile));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (loaded.isNew) {
            em.persist(entity);
        }
    }

    /** Forgets everything about a subject (user deleted). */
    public void remove(String realmId, String subject) {
        RiskStateEntity entity = find(realmId, subject);
        if (entity != null) {
            em.remove(entity);
        }
    }

    /** Forgets every subject of a realm (realm deleted). */
    public void removeRealm(String realmId) {
        em.createQuery("delete from RiskStateEntity s where s.realmId = :realm")
                .setParameter("realm", realmId)
                .executeUpdate();
    }

    static RiskProfile parse(String json) {
        try {
            return JsonSerialization.readValue(json, RiskProfile.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

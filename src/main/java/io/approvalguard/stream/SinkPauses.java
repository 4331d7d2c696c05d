package io.approvalguard.stream;

import jakarta.persistence.EntityManager;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Sinks whose receiver said it is gone: paused until an operator resumes them; their records wait.
 */
public final class SinkPauses {

    private static final Logger LOG = Logger.getLogger(SinkPauses.class);

    private SinkPauses() {}

    static void pause(EntityManager em, String sinkId, long now, String reason) {
        if (em.find(SinkStateEntity.class, sinkId) != null) {
            return;
        }
        SinkStateEntity state = new SinkStateEntity();
        state.setSinkId(sinkId);
        state.setPausedAt(now);
        state.setReason(
                reason == null || reason.length() <= 255 ? reason : reason.substring(0, 255));
        em.persist(state);
        LOG.warnf(
                "Approval Guard: sink %s is paused (%s); its records are kept until an operator resumes it",
                sinkId, reason);
    }

    /** Answers whether the sink was paused. */
    public static boolean resume(EntityManager em, String sinkId) {
        SinkStateEntity state = em.find(SinkStateEntity.class, sinkId);
        if (state == null) {
            return false;
        }
        em.remove(state);
        LOG.infof("Approval Guard: sink %s resumed by an operator", sinkId);
        return true;
    }

    public static List<SinkStateEntity> all(EntityManager em) {
        return em.createQuery(
                        "select s from SinkStateEntity s order by s.sinkId", SinkStateEntity.class)
                .getResultList();
    }
}

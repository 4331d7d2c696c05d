package io.approvalguard.governance.watch;

import java.util.Map;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;

/**
 * Writes a recognised change to the governance audit (and so to the stream), without ever failing
 * the admin request and without losing a record silently.
 *
 * <p>First in the admin request's own transaction: the record then commits exactly when the change
 * does, and a change that rolls back leaves none. When that append throws, the admin request goes
 * on (Keycloak's {@code AdminEventBuilder} catches what a listener throws, and the issue says the
 * extension cannot block these changes, so it must not start blocking them when its own audit is in
 * trouble); the failure is logged and counted, and once the request's transaction has committed the
 * record is appended again in a transaction of its own. Should that fail too, it is logged as an
 * error with everything the record would have held, and counted as {@value WatchCounts#LOST}. When
 * the failure left the request's transaction rollback-only (the persistence layer does that on some
 * database errors), the admin change is rolled back too and nothing happened that needs a record.
 * At worst a record is written twice (a first append that failed after persisting part of its
 * work): auditors tell the copies apart by {@code admin_event_id}; none is ever missing without a
 * log line.
 */
final class WatchRecorder {

    static final String TYPE = "unapproved_sensitive_change";

    private static final Logger LOG = Logger.getLogger(WatchRecorder.class);

    /** Appends one record of {@link #TYPE} in the session's transaction. */
    @FunctionalInterface
    interface Appender {
        void append(
                KeycloakSession session,
                String realmId,
                String actor,
                String subjectUserId,
                Map<String, Object> data);
    }

    /** Runs work in a new session with a transaction of its own, committed at its end. */
    @FunctionalInterface
    interface OwnTransaction {
        void run(KeycloakSession outer, Consumer<KeycloakSession> work);
    }

    private final Appender appender;
    private final OwnTransaction ownTransaction;
    private final WatchCounts counts;

    WatchRecorder(Appender appender, OwnTransaction ownTransaction, WatchCounts counts) {
        this.appender = appender;
        this.ownTransaction = ownTransaction;
        this.counts = counts;
    }

    void record(
            KeycloakSession session,
            String realmId,
            String actor,
            String subjectUserId,
            Map<String, Object> data) {
        try {
            appender.append(session, realmId, actor, subjectUserId, data);
            counts.recorded();
            return;
        } catch (RuntimeException e) {
            counts.failedInTransaction();
            LOG.warnf(
                    "Approval Guard: could not record an unapproved sensitive change in the admin"
                            + " request's transaction (%s); the admin change goes on and the"
                            + " record is retried after it commits: %s",
                    e.toString(), data);
        }
        session.getTransactionManager()
                .enlistAfterCompletion(
                        new AbstractKeycloakTransaction() {
                            @Override
                            protected void commitImpl() {
                                retry(session, realmId, actor, subjectUserId, data);
                            }

                            @Override
                            protected void rollbackImpl() {
                                counts.rolledBack();
                                LOG.infof(
                                        "Approval Guard: the admin change was rolled back, so"
                                                + " there is no unapproved change to record: %s",
                                        data);
                            }
                        });
    }

    private void retry(
            KeycloakSession session,
            String realmId,
            String actor,
            String subjectUserId,
            Map<String, Object> data) {
        try {
            ownTransaction.run(
                    session, own -> appender.append(own, realmId, actor, subjectUserId, data));
            counts.recordedAfterCommit();
        } catch (RuntimeException e) {
            counts.lost();
            LOG.errorf(
                    "Approval Guard: an unapproved sensitive change was made and could not be"
                            + " recorded in the governance audit (%s); this line is its only"
                            + " record: %s",
                    e.toString(), data);
        }
    }
}

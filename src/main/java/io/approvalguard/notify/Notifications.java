package io.approvalguard.notify;

import java.util.concurrent.Executor;

import org.jboss.logging.Logger;
import org.keycloak.executors.ExecutorsProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Hands a notification to the configured notifier once the current transaction has committed, on
 * Keycloak's managed executor, so that a slow push gateway never delays the login response.
 */
public final class Notifications {

    private static final Logger LOG = Logger.getLogger(Notifications.class);

    private Notifications() {
    }

    static final String EXECUTOR = "approval-guard-notify";

    public static void sendAfterCommit(KeycloakSession session, ChallengeNotification notification) {
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        Executor executor = session.getProvider(ExecutorsProvider.class).getExecutor(EXECUTOR);
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                executor.execute(() -> deliver(factory, notification));
            }

            @Override
            protected void rollbackImpl() {
                // The login's transaction failed: there is nothing to announce.
            }
        });
    }

    private static void deliver(KeycloakSessionFactory factory, ChallengeNotification notification) {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, s -> s.getProvider(Notifier.class).notify(notification));
        } catch (RuntimeException e) {
            // The device also pulls; a failed notification delays an approval, it never blocks one.
            LOG.warnf("Approval Guard: notifying devices of challenge %s failed: %s",
                    notification.challengeId(), e.toString());
        }
    }
}

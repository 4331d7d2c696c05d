package io.approvalguard.notify;

import io.approvalguard.support.tx.AfterTransaction;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;

/**
 * Hands a notification to the configured notifier once the current transaction has committed, on
 * Keycloak's managed executor, so that a slow push gateway never delays the login response.
 */
public final class Notifications {

    private static final Logger LOG = Logger.getLogger(Notifications.class);

    private Notifications() {}

    static final String EXECUTOR = "approval-guard-notify";

    public static void sendAfterCommit(
            KeycloakSession session, ChallengeNotification notification) {
        // Only once the challenge is real. The device also pulls, so a failed notification delays
        // an approval, it never blocks one.
        AfterTransaction.onCommitInBackground(
                session,
                EXECUTOR,
                s -> s.getProvider(Notifier.class).notify(notification),
                e ->
                        LOG.warnf(
                                "Approval Guard: notifying devices of challenge %s failed: %s",
                                notification.challengeId(), e.toString()));
    }
}

package io.approvalguard.notify;

import io.approvalguard.support.tx.AfterTransaction;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * Hands a challenge's notifications to the push providers once the challenge's transaction has
 * committed: each to the queue of the provider its device registered with, which sends off the
 * request thread. Offering never blocks, so a slow or dead push service never delays a sign-in.
 */
public final class Notifications {

    private static final Logger LOG = Logger.getLogger(Notifications.class);

    private Notifications() {}

    public static void sendAfterCommit(
            KeycloakSession session, ChallengeNotification notification) {
        KeycloakSessionFactory sessions = session.getKeycloakSessionFactory();
        // Only once the challenge is real. The device also pulls, so a lost notification delays
        // an approval, it never blocks one.
        AfterTransaction.onCommit(session, () -> dispatch(sessions, notification));
    }

    static void dispatch(KeycloakSessionFactory sessions, ChallengeNotification notification) {
        LOG.infof(
                "Approval Guard: challenge %s waits for user %s in realm %s on %d device(s) until %d, %d with a push address",
                notification.challengeId(),
                notification.userId(),
                notification.realmName(),
                notification.deviceIds().size(),
                notification.expiresAt(),
                notification.targets().size());
        for (ChallengeNotification.Target target : notification.targets()) {
            PushMessage message = notification.messageFor(target);
            String provider = target.address().provider();
            if (sessions.getProviderFactory(Notifier.class, provider)
                    instanceof NotifierFactory factory) {
                factory.queue().offer(message, target.address());
            } else {
                // registered while the provider was there; the server was started without it since
                LOG.warnf(
                        "Approval Guard: device %s has a push address for %s, which this server does not have",
                        target.deviceId(), provider);
                PushCounts.global().counted(provider, PushCounts.DROPPED);
            }
        }
    }
}

package io.approvalguard.notify;

import org.keycloak.provider.Provider;

/**
 * Tells a user's devices that a challenge waits. Called after the challenge's transaction has
 * committed, outside the login request's critical path. Devices also pull, so a lost notification
 * only delays an approval.
 */
public interface Notifier extends Provider {

    void notify(ChallengeNotification notification);

    @Override
    default void close() {}
}

package io.approvalguard.notify;

import io.approvalguard.device.PushAddress;
import org.keycloak.provider.Provider;

/**
 * One push service (FCM, Web Push, an operator's gateway): tells one device that a challenge waits.
 * Called by the provider's {@link PushQueue}, off the request thread, after the challenge's
 * transaction has committed. Devices also pull, so a lost notification only delays an approval.
 */
public interface Notifier extends Provider {

    /**
     * One attempt, within the queue's {@code timeout-ms}: never throws for I/O, the outcome says
     * what happened. Logs never show the address, a token, a key or the payload.
     */
    PushOutcome send(PushMessage message, PushAddress address);

    @Override
    default void close() {}
}

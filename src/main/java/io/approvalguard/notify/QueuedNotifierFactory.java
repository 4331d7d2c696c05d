package io.approvalguard.notify;

import org.keycloak.models.KeycloakSessionFactory;

/**
 * What every push provider's factory shares: the queue it sends through, made once its options are
 * read ({@link #queueSettings()}, from {@code init}) and closed with it.
 */
public abstract class QueuedNotifierFactory implements NotifierFactory {

    private volatile PushQueue queue;

    /** The queue's options as this provider's {@code init} read them. */
    protected abstract PushQueueSettings queueSettings();

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        queue = new PushQueue(getId(), factory, queueSettings(), PushCounts.global());
    }

    @Override
    public final PushQueue queue() {
        if (queue == null) {
            throw new IllegalStateException("the " + getId() + " notifier has not started");
        }
        return queue;
    }

    @Override
    public void close() {
        if (queue != null) {
            queue.close();
        }
    }
}

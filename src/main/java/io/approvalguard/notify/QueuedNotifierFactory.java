package io.approvalguard.notify;

import io.approvalguard.support.config.OptionGroup;
import java.util.List;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * What every push provider's factory shares: the queue it sends through, made once its options are
 * read ({@link #queueSettings()}, from {@code init}) and closed with it.
 */
public abstract class QueuedNotifierFactory implements NotifierFactory {

    private volatile PushQueue queue;

    /** The queue's options as this provider's {@code init} read them. */
    protected abstract PushQueueSettings queueSettings();

    /** Every option of this provider, the queue's included. */
    protected abstract OptionGroup options();

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return options().metadata();
    }

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

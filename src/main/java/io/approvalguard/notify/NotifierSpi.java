package io.approvalguard.notify;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** {@value #NAME}: how a device learns that a challenge waits (log, webhook, FCM, ...). */
public final class NotifierSpi implements Spi {

    public static final String NAME = "approval-guard-notifier";

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return Notifier.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return NotifierFactory.class;
    }
}

package io.approvalguard.stream.sink;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** {@value #NAME}: where the event stream goes (log, webhook, Kafka, the risk scorer). */
public final class SinkSpi implements Spi {

    public static final String NAME = "approval-guard-sink";

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
        return SinkProvider.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return SinkProviderFactory.class;
    }
}

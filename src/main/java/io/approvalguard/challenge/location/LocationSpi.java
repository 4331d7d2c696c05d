package io.approvalguard.challenge.location;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** {@value #NAME}: where the approval context's location and network come from. */
public final class LocationSpi implements Spi {

    public static final String NAME = "approval-guard-location";

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
        return LocationProvider.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return LocationProviderFactory.class;
    }
}

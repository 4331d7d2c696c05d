package io.approvalguard.challenge.location;

import org.keycloak.provider.ProviderFactory;

public interface LocationProviderFactory extends ProviderFactory<LocationProvider> {}

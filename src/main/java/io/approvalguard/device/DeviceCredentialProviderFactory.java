package io.approvalguard.device;

import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.models.KeycloakSession;

public final class DeviceCredentialProviderFactory
        implements CredentialProviderFactory<DeviceCredentialProvider> {

    public static final String PROVIDER_ID = DeviceCredentialModel.TYPE;

    @Override
    public DeviceCredentialProvider create(KeycloakSession session) {
        return new DeviceCredentialProvider(session);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}

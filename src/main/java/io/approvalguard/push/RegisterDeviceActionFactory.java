package io.approvalguard.push;

import io.approvalguard.device.DeviceCredentialModel;
import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

public final class RegisterDeviceActionFactory implements RequiredActionFactory {

    public static final String PROVIDER_ID = DeviceCredentialModel.ENROLMENT_ACTION;

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return new RegisterDeviceAction(session);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayText() {
        return "Approval Guard: enrol an approver device";
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}
}

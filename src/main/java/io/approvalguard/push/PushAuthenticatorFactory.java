package io.approvalguard.push;

import io.approvalguard.device.DeviceCredentialModel;
import java.util.List;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

public final class PushAuthenticatorFactory implements AuthenticatorFactory {

    public static final String PROVIDER_ID = "approval-guard-push";

    private static final AuthenticationExecutionModel.Requirement[] REQUIREMENTS = {
        AuthenticationExecutionModel.Requirement.REQUIRED,
        AuthenticationExecutionModel.Requirement.ALTERNATIVE,
        AuthenticationExecutionModel.Requirement.DISABLED
    };

    @Override
    public Authenticator create(KeycloakSession session) {
        return new PushAuthenticator(session);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Approval Guard push approval";
    }

    @Override
    public String getReferenceCategory() {
        // Ties the execution to the device credential: the Account Console offers "Set up" for it.
        return DeviceCredentialModel.TYPE;
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return REQUIREMENTS;
    }

    @Override
    public boolean isUserSetupAllowed() {
        return true;
    }

    @Override
    public String getHelpText() {
        return "Second factor: the user approves the sign-in on an enrolled device, typing the code shown on the "
                + "sign-in page. The device signs its answer with its own key.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return PushSettings.OPTIONS.configProperties();
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}
}

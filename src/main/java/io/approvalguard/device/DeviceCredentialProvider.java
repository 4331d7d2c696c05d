package io.approvalguard.device;

import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.credential.CredentialTypeMetadataContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Makes approver devices first-class credentials: listed in the Account Console under "Signing in"
 * (two-factor), set up through the enrolment required action, removable by the user and the
 * administrator.
 */
public final class DeviceCredentialProvider implements CredentialProvider<DeviceCredentialModel> {

    private final KeycloakSession session;

    DeviceCredentialProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public String getType() {
        return DeviceCredentialModel.TYPE;
    }

    @Override
    public CredentialModel createCredential(
            RealmModel realm, UserModel user, DeviceCredentialModel credential) {
        return user.credentialManager().createStoredCredential(credential);
    }

    @Override
    public boolean deleteCredential(RealmModel realm, UserModel user, String credentialId) {
        return new DeviceRegistry().remove(user, credentialId);
    }

    @Override
    public DeviceCredentialModel getCredentialFromModel(CredentialModel model) {
        return DeviceCredentialModel.from(model);
    }

    @Override
    public CredentialTypeMetadata getCredentialTypeMetadata(
            CredentialTypeMetadataContext metadataContext) {
        return CredentialTypeMetadata.builder()
                .type(getType())
                .category(CredentialTypeMetadata.Category.TWO_FACTOR)
                .displayName("approvalGuardDeviceDisplayName")
                .helpText("approvalGuardDeviceHelpText")
                .createAction(DeviceCredentialModel.ENROLMENT_ACTION)
                .removeable(true)
                .build(session);
    }
}

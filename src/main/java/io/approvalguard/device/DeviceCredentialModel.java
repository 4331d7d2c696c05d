package io.approvalguard.device;

import java.io.IOException;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.util.JsonSerialization;

/** An approver device as a Keycloak credential of type {@value #TYPE}. */
public final class DeviceCredentialModel extends CredentialModel {

    public static final String TYPE = "approval-guard-device";

    /**
     * The required action that enrols a device (its factory lives with the sign-in flow, in push).
     */
    public static final String ENROLMENT_ACTION = "approval-guard-register";

    private final DeviceCredentialData data;

    private DeviceCredentialModel(DeviceCredentialData data) {
        this.data = data;
    }

    public static DeviceCredentialModel create(String deviceName, DeviceKey key) {
        DeviceCredentialData data =
                new DeviceCredentialData(
                        key.jwk(), key.algorithm(), key.thumbprint(), false, 0L, null);
        DeviceCredentialModel model = new DeviceCredentialModel(data);
        model.setType(TYPE);
        model.setUserLabel(deviceName);
        model.setCreatedDate(Time.currentTimeMillis());
        model.setSecretData("{}");
        model.writeData();
        return model;
    }

    public static DeviceCredentialModel from(CredentialModel stored) {
        try {
            DeviceCredentialData data =
                    JsonSerialization.readValue(
                            stored.getCredentialData(), DeviceCredentialData.class);
            DeviceCredentialModel model = new DeviceCredentialModel(data);
            model.setId(stored.getId());
            model.setType(stored.getType());
            model.setUserLabel(stored.getUserLabel());
            model.setCreatedDate(stored.getCreatedDate());
            model.setSecretData(stored.getSecretData());
            model.setCredentialData(stored.getCredentialData());
            return model;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "device credential " + stored.getId() + " has unreadable data", e);
        }
    }

    public DeviceCredentialData data() {
        return data;
    }

    public DeviceKey key() {
        return DeviceKey.fromStoredJwk(data.publicKey(), data.algorithm());
    }

    public boolean isActive() {
        return !data.suspended();
    }

    DeviceCredentialModel withData(DeviceCredentialData newData) {
        DeviceCredentialModel model = new DeviceCredentialModel(newData);
        model.setId(getId());
        model.setType(getType());
        model.setUserLabel(getUserLabel());
        model.setCreatedDate(getCreatedDate());
        model.setSecretData(getSecretData());
        model.writeData();
        return model;
    }

    private void writeData() {
        try {
            setCredentialData(JsonSerialization.writeValueAsString(data));
        } catch (IOException e) {
            throw new IllegalStateException("device credential data cannot be serialised", e);
        }
    }
}

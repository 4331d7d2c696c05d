package io.approvalguard.governance.kinds;

import io.approvalguard.device.DeviceCredentialModel;
import io.approvalguard.device.DeviceRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * {@code remove_device}: removes one of the subject's Approval Guard devices. Change: {@code
 * {"device_id": "...", "device_name": "Alice's phone"}} (the name as the device was enrolled, for
 * the approvers to recognise it).
 */
public final class RemoveDevice implements ChangeKind {

    public static final String NAME = "remove_device";
    static final String DEVICE_ID = "device_id";
    static final String DEVICE_NAME = "device_name";

    private final DeviceRegistry devices = new DeviceRegistry();

    @Override
    public String wireName() {
        return NAME;
    }

    @Override
    public boolean endsSessions() {
        return true;
    }

    @Override
    public Map<String, Object> parse(
            KeycloakSession s, RealmModel realm, UserModel subject, Map<String, Object> change)
            throws ChangeInvalid {
        Map<String, Object> in = Inputs.only(change, Set.of(DEVICE_ID, DEVICE_NAME));
        String id = Inputs.requiredText(in, DEVICE_ID);
        // the name is shown, not chosen: when given (a normalised change parsed again) it must
        // match
        Object shownName = in.get(DEVICE_NAME);
        DeviceCredentialModel device =
                devices.find(subject, id)
                        .orElseThrow(
                                () -> new ChangeInvalid("device_id names no device of the user"));
        String name = device.getUserLabel() == null ? "" : device.getUserLabel();
        if (in.containsKey(DEVICE_NAME) && !name.equals(shownName)) {
            throw new ChangeInvalid("device_name is not the name of that device");
        }
        Map<String, Object> normalised = new LinkedHashMap<>();
        normalised.put(DEVICE_ID, device.getId());
        normalised.put(DEVICE_NAME, name);
        return normalised;
    }

    @Override
    public Optional<String> precheck(
            KeycloakSession s, RealmModel realm, UserModel subject, Map<String, Object> change) {
        return devices.find(subject, (String) change.get(DEVICE_ID)).isPresent()
                ? Optional.empty()
                : Optional.of("the device is no longer enrolled");
    }

    @Override
    public Map<String, Object> apply(
            KeycloakSession s,
            RealmModel realm,
            UserModel subject,
            Map<String, Object> change,
            AppliedBy by) {
        String id = (String) change.get(DEVICE_ID);
        boolean removed = devices.remove(subject, id);
        Map<String, Object> done = new LinkedHashMap<>();
        done.put(DEVICE_ID, id);
        done.put(DEVICE_NAME, change.get(DEVICE_NAME));
        done.put("removed", removed);
        return done;
    }
}

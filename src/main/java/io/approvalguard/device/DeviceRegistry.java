package io.approvalguard.device;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

/** A user's approver devices, read from and written to Keycloak's credential store. */
public final class DeviceRegistry {

    private final KeycloakSession session;

    /** For reading, and for changes where no row lock can be had (unit tests). */
    public DeviceRegistry() {
        this(null);
    }

    /** Changes lock the device's row in this session's transaction (see {@link DeviceRows}). */
    public DeviceRegistry(KeycloakSession session) {
        this.session = session;
    }

    public Stream<DeviceCredentialModel> devicesOf(UserModel user) {
        return user.credentialManager()
                .getStoredCredentialsByTypeStream(DeviceCredentialModel.TYPE)
                .map(DeviceCredentialModel::from);
    }

    public boolean hasActiveDevice(UserModel user) {
        return devicesOf(user).anyMatch(DeviceCredentialModel::isActive);
    }

    public Optional<DeviceCredentialModel> find(UserModel user, String deviceId) {
        if (deviceId == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(user.credentialManager().getStoredCredentialById(deviceId))
                .filter(c -> DeviceCredentialModel.TYPE.equals(c.getType()))
                .map(DeviceCredentialModel::from);
    }

    public DeviceCredentialModel enrol(UserModel user, String deviceName, DeviceKey key) {
        DeviceCredentialModel model = DeviceCredentialModel.create(deviceName, key);
        return DeviceCredentialModel.from(user.credentialManager().createStoredCredential(model));
    }

    /**
     * Notes that the device answered, on the device as stored now: the answer's own risk response
     * may have suspended it a moment ago, which a copy read before would undo.
     */
    public void markUsed(UserModel user, String deviceId) {
        change(user, deviceId, data -> data.withLastUsedAt(Time.currentTime()));
    }

    /**
     * Suspends (or resumes) every device of the user; answers how many changed. A suspended device
     * is kept, visible to the user and admins, but is never prompted and cannot approve.
     */
    public int setSuspended(UserModel user, boolean suspended) {
        List<String> changing =
                devicesOf(user)
                        .filter(d -> d.data().suspended() != suspended)
                        .map(DeviceCredentialModel::getId)
                        .toList();
        int changed = 0;
        for (String deviceId : changing) {
            if (change(user, deviceId, data -> data.withSuspended(suspended))) {
                changed++;
            }
        }
        return changed;
    }

    /** Stores (or, with null, removes) the device's push address, replacing any earlier one. */
    public void setPushAddress(UserModel user, String deviceId, PushAddress address) {
        change(user, deviceId, data -> data.withPush(address));
    }

    /**
     * Removes the device's push address if it is still {@code gone}: a push service said so, and an
     * address the device registered since must stay. Answers whether it was removed.
     */
    public boolean removePushAddressIf(UserModel user, String deviceId, PushAddress gone) {
        return change(
                user, deviceId, data -> gone.sameAs(data.push()) ? data.withPush(null) : data);
    }

    /**
     * The one way a device's data changes: on the device as stored now, its row locked (see {@link
     * DeviceRows}), so that concurrent changes neither get lost nor undo each other. Answers
     * whether anything changed.
     */
    private boolean change(
            UserModel user, String deviceId, UnaryOperator<DeviceCredentialData> change) {
        Optional<DeviceCredentialModel> device =
                DeviceRows.lockedForChange(session, user, deviceId).or(() -> find(user, deviceId));
        if (device.isEmpty()) {
            return false;
        }
        DeviceCredentialData before = device.get().data();
        DeviceCredentialData after = change.apply(before);
        if (after.equals(before)) {
            return false;
        }
        user.credentialManager().updateStoredCredential(device.get().withData(after));
        return true;
    }

    public boolean remove(UserModel user, String deviceId) {
        return find(user, deviceId).isPresent()
                && user.credentialManager().removeStoredCredentialById(deviceId);
    }
}

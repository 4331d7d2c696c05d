package io.approvalguard.device;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.keycloak.common.util.Time;
import org.keycloak.models.UserModel;

/** A user's approver devices, read from and written to Keycloak's credential store. */
public final class DeviceRegistry {

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
        find(user, deviceId)
                .ifPresent(
                        device ->
                                user.credentialManager()
                                        .updateStoredCredential(
                                                device.withData(
                                                        device.data()
                                                                .withLastUsedAt(
                                                                        Time.currentTime()))));
    }

    /**
     * Suspends (or resumes) every device of the user; answers how many changed. A suspended device
     * is kept, visible to the user and admins, but is never prompted and cannot approve.
     */
    public int setSuspended(UserModel user, boolean suspended) {
        List<DeviceCredentialModel> changing =
                devicesOf(user).filter(d -> d.data().suspended() != suspended).toList();
        changing.forEach(
                d ->
                        user.credentialManager()
                                .updateStoredCredential(
                                        d.withData(d.data().withSuspended(suspended))));
        return changing.size();
    }

    /** Stores (or, with null, removes) the device's push address, replacing any earlier one. */
    public void setPushAddress(UserModel user, String deviceId, PushAddress address) {
        find(user, deviceId)
                .ifPresent(
                        device ->
                                user.credentialManager()
                                        .updateStoredCredential(
                                                device.withData(device.data().withPush(address))));
    }

    /**
     * Removes the device's push address if it is still {@code gone}: a push service said so, and an
     * address the device registered since must stay. Answers whether it was removed.
     */
    public boolean removePushAddressIf(UserModel user, String deviceId, PushAddress gone) {
        Optional<DeviceCredentialModel> device =
                find(user, deviceId).filter(d -> gone.sameAs(d.data().push()));
        device.ifPresent(
                d ->
                        user.credentialManager()
                                .updateStoredCredential(d.withData(d.data().withPush(null))));
        return device.isPresent();
    }

    public boolean remove(UserModel user, String deviceId) {
        return find(user, deviceId).isPresent()
                && user.credentialManager().removeStoredCredentialById(deviceId);
    }
}

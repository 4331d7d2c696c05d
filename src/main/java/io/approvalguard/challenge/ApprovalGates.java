package io.approvalguard.challenge;

import io.approvalguard.device.CoolingOff;
import io.approvalguard.device.DeviceCredentialModel;
import io.approvalguard.device.DeviceRegistry;
import io.approvalguard.risk.RiskStanding;
import java.util.Optional;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.BruteForceProtector;

/**
 * The rules every challenge obeys, whatever it is for, each written once and asked wherever a
 * challenge is opened, listed to a device, answered and spent: the user may sign in (enabled, not
 * locked by brute-force protection), push is not suspended for them, and the device is active and
 * was there before the challenge; a device cooling off after a second-factor reset confirms no
 * further device.
 */
public final class ApprovalGates {

    /** Why a gate is closed; {@link #description()} is for logs and API error descriptions. */
    public enum Closed {
        USER_DISABLED("the user is disabled"),
        USER_LOCKED("the user is locked by brute-force protection"),
        PUSH_SUSPENDED("push approval is suspended for this user"),
        NO_ACTIVE_DEVICE("the user has no active approver device"),
        DEVICE_GONE("the approving device no longer exists"),
        DEVICE_SUSPENDED("the approving device is suspended"),
        DEVICE_NEWER_THAN_CHALLENGE("the device was enrolled after the challenge was created"),
        DEVICE_COOLING_OFF(
                "the device was enrolled after a second-factor reset and is cooling off: it cannot"
                        + " confirm another device yet");

        private final String description;

        Closed(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private final KeycloakSession session;
    private final DeviceRegistry devices = new DeviceRegistry();

    public ApprovalGates(KeycloakSession session) {
        this.session = session;
    }

    /**
     * Whether the account may be used at all: enabled, and not locked by brute-force protection.
     */
    public Optional<Closed> forAccount(RealmModel realm, UserModel user) {
        if (!user.isEnabled()) {
            return Optional.of(Closed.USER_DISABLED);
        }
        return isLockedOut(realm, user) ? Optional.of(Closed.USER_LOCKED) : Optional.empty();
    }

    /** Whether this user may take part in any approval now: the account, and push not suspended. */
    public Optional<Closed> forUser(RealmModel realm, UserModel user) {
        Optional<Closed> account = forAccount(realm, user);
        if (account.isPresent()) {
            return account;
        }
        if (RiskStanding.of(session, realm, user).isPushSuspended()) {
            return Optional.of(Closed.PUSH_SUSPENDED);
        }
        return Optional.empty();
    }

    /**
     * Whether a new challenge may be sent to this user: the user gates, and an active device to
     * send it to.
     */
    public Optional<Closed> forPrompt(RealmModel realm, UserModel user) {
        Optional<Closed> closed = forUser(realm, user);
        if (closed.isPresent()) {
            return closed;
        }
        return devices.hasActiveDevice(user)
                ? Optional.empty()
                : Optional.of(Closed.NO_ACTIVE_DEVICE);
    }

    /**
     * Whether this device of {@code user} may see, answer and spend this challenge: asked when the
     * device lists, when it answers and when the approval is spent.
     */
    public static Optional<Closed> forDevice(
            UserModel user, DeviceCredentialModel device, Challenge challenge) {
        if (!device.isActive()) {
            return Optional.of(Closed.DEVICE_SUSPENDED);
        }
        // A device enrolled after the challenge was created was not there when the login started.
        if (device.getCreatedDate() == null
                || device.getCreatedDate() >= challenge.createdAtMillis()) {
            return Optional.of(Closed.DEVICE_NEWER_THAN_CHALLENGE);
        }
        // After a second-factor reset, the device enrolled since (possibly an attacker's, after a
        // tricked help desk) may not let a further device in while the real user can still object.
        if (challenge.purpose().filter(Purpose.ADD_DEVICE::equals).isPresent()
                && CoolingOff.holds(user, device, Time.currentTime())) {
            return Optional.of(Closed.DEVICE_COOLING_OFF);
        }
        return Optional.empty();
    }

    /**
     * Whether the device that decided this challenge still stands behind it: every gate, checked
     * again.
     */
    public Optional<Closed> forDecision(RealmModel realm, UserModel user, Challenge challenge) {
        Optional<Closed> closed = forUser(realm, user);
        if (closed.isPresent()) {
            return closed;
        }
        Optional<DeviceCredentialModel> device = devices.find(user, challenge.deciderDeviceId());
        return device.isEmpty()
                ? Optional.of(Closed.DEVICE_GONE)
                : forDevice(user, device.get(), challenge);
    }

    private boolean isLockedOut(RealmModel realm, UserModel user) {
        if (!realm.isBruteForceProtected()) {
            return false;
        }
        BruteForceProtector protector = session.getProvider(BruteForceProtector.class);
        return protector.isTemporarilyDisabled(session, realm, user)
                || protector.isPermanentlyLockedOut(session, realm, user);
    }
}

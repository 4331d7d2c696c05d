package io.approvalguard.governance.kinds;

import static io.approvalguard.governance.kinds.KindFixtures.BY;
import static io.approvalguard.governance.kinds.KindFixtures.addDevice;
import static io.approvalguard.governance.kinds.KindFixtures.change;
import static io.approvalguard.governance.kinds.KindFixtures.parsed;
import static io.approvalguard.governance.kinds.KindFixtures.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.device.CoolingOff;
import io.approvalguard.device.DeviceCredentialModel;
import io.approvalguard.testkit.fakes.FakeDirectory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.keycloak.common.util.Time;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.credential.WebAuthnCredentialModel;

/** {@code reset_second_factors} and {@code remove_device}. */
class DeviceKindsTest {

    private final FakeDirectory directory = new FakeDirectory();
    private final FakeDirectory.Person alice = directory.addUser("alice", "alice@example.org");

    @Test
    void aResetRemovesEverySecondFactorAndRequiresEnrolment() throws ChangeInvalid {
        addDevice(alice, "Alice's phone", 1_000);
        addDevice(alice, "Alice's laptop", 2_000);
        alice.addCredential(OTPCredentialModel.TYPE, "authenticator app");
        alice.addCredential(WebAuthnCredentialModel.TYPE_TWOFACTOR, "key");
        alice.addCredential(WebAuthnCredentialModel.TYPE_PASSWORDLESS, "passkey");
        alice.addCredential("password", null);
        ResetSecondFactors kind = new ResetSecondFactors(1800);

        Map<String, Object> normalised = parsed(directory, kind, alice, Map.of());
        assertEquals(Map.of(), normalised);
        long now = Time.currentTime();
        Map<String, Object> done =
                kind.apply(directory.session(), directory.realm(), alice.model(), normalised, BY);

        assertEquals(List.of("password"), alice.credentialTypes(), "the password stays");
        assertEquals(
                Map.of(
                        DeviceCredentialModel.TYPE, 2L,
                        OTPCredentialModel.TYPE, 1L,
                        WebAuthnCredentialModel.TYPE_TWOFACTOR, 1L,
                        WebAuthnCredentialModel.TYPE_PASSWORDLESS, 1L),
                done.get("removed"));
        assertTrue(alice.requiredActions().contains(DeviceCredentialModel.ENROLMENT_ACTION));
        long until = (Long) done.get("cooling_off_until");
        assertTrue(until >= now + 1800 && until <= now + 1801, "cooling off for 30 min");
        assertEquals(until, CoolingOff.endsAt(alice.model()));
        assertTrue(kind.endsSessions());
    }

    @Test
    void aResetTakesNoMembers() {
        ResetSecondFactors kind = new ResetSecondFactors(CoolingOff.DEFAULT_SECONDS);
        refused(directory, kind, alice, change("device_id", "x"), "unknown member(s) [device_id]");
        refused(directory, kind, alice, change("force", true), "this kind takes none");
    }

    @Test
    void aUserWithNothingToResetWhoMustEnrolAlreadyIsRefused() throws ChangeInvalid {
        ResetSecondFactors kind = new ResetSecondFactors(CoolingOff.DEFAULT_SECONDS);
        // no factor yet: a reset still makes sense (it requires enrolment)
        assertEquals(Map.of(), parsed(directory, kind, alice, null));
        alice.addRequiredAction(DeviceCredentialModel.ENROLMENT_ACTION);
        refused(directory, kind, alice, Map.of(), "no second factor to reset");
    }

    @Test
    void removeDeviceNamesTheDevice() throws ChangeInvalid {
        String phone = addDevice(alice, "Alice's phone", 1_000);
        String laptop = addDevice(alice, "Alice's laptop", 2_000);
        RemoveDevice kind = new RemoveDevice();

        Map<String, Object> normalised = parsed(directory, kind, alice, change("device_id", phone));
        assertEquals(
                List.of("device_id", "device_name"), List.copyOf(normalised.keySet()), "order");
        assertEquals(Map.of("device_id", phone, "device_name", "Alice's phone"), normalised);

        Map<String, Object> done =
                kind.apply(directory.session(), directory.realm(), alice.model(), normalised, BY);
        assertEquals(true, done.get("removed"));
        assertEquals(1, alice.credentialTypes().size());
        assertEquals(
                Optional.of("the device is no longer enrolled"),
                kind.precheck(directory.session(), directory.realm(), alice.model(), normalised));
        assertTrue(
                kind.precheck(
                                directory.session(),
                                directory.realm(),
                                alice.model(),
                                Map.of("device_id", laptop, "device_name", "Alice's laptop"))
                        .isEmpty());
    }

    @Test
    void removeDeviceRefusesWhatIsNotOneOfTheUsersDevices() {
        FakeDirectory.Person bob = directory.addUser("bob", "bob@example.org");
        String bobs = addDevice(bob, "Bob's phone", 1_000);
        String otp = alice.addCredential(OTPCredentialModel.TYPE, "app");
        String phone = addDevice(alice, "Alice's phone", 1_000);
        RemoveDevice kind = new RemoveDevice();

        refused(directory, kind, alice, Map.of(), "device_id is required");
        refused(directory, kind, alice, change("device_id", bobs), "no device of the user");
        refused(directory, kind, alice, change("device_id", otp), "no device of the user");
        refused(directory, kind, alice, change("device_id", "nope"), "no device of the user");
        refused(directory, kind, alice, change("device_id", null), "must be a string");
        refused(directory, kind, alice, change("device_id", 42), "must be a string");
        refused(directory, kind, alice, change("device_id", "  "), "must not be blank");
        refused(
                directory,
                kind,
                alice,
                change("device_id", phone, "device_name", "Mallory's phone"),
                "device_name is not the name of that device");
        refused(
                directory,
                kind,
                alice,
                change("device_id", phone, "also", 1),
                "unknown member(s) [also]");
        for (Object bad : KindFixtures.badValues()) {
            refused(directory, kind, alice, change("device_id", bad), "must be a string");
        }
        assertFalse(alice.credentialTypes().isEmpty());
    }
}

package io.approvalguard.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.fakes.FakeDirectory;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.keycloak.credential.CredentialModel;

class CoolingOffTest {

    private static final long RESET = 1_764_640_000L;

    private final FakeDirectory directory = new FakeDirectory();
    private final FakeDirectory.Person alice = directory.addUser("alice", "alice@example.org");

    private static DeviceCredentialModel device(Long createdMillis) {
        CredentialModel stored = new CredentialModel();
        stored.setId("dev-" + createdMillis);
        stored.setType(DeviceCredentialModel.TYPE);
        stored.setUserLabel("phone");
        stored.setCreatedDate(createdMillis);
        stored.setSecretData("{}");
        stored.setCredentialData(
                "{\"publicKey\":{},\"algorithm\":\"ES256\",\"thumbprint\":\"t\",\"suspended\":false,\"lastUsedAt\":0}");
        return DeviceCredentialModel.from(stored);
    }

    @Test
    void aDeviceEnrolledAfterAResetCoolsOffUntilTheEnd() {
        CoolingOff.start(alice.model(), RESET, 3600);
        DeviceCredentialModel enrolledAfter = device((RESET + 120) * 1000);
        DeviceCredentialModel enrolledAtTheReset = device(RESET * 1000);

        assertTrue(CoolingOff.holds(alice.model(), enrolledAfter, RESET + 120));
        assertTrue(CoolingOff.holds(alice.model(), enrolledAtTheReset, RESET + 1));
        assertTrue(CoolingOff.holds(alice.model(), enrolledAfter, RESET + 3599));
        assertFalse(
                CoolingOff.holds(alice.model(), enrolledAfter, RESET + 3600), "over at its end");
        assertFalse(CoolingOff.holds(alice.model(), enrolledAfter, RESET + 86_400));
        assertEquals(RESET + 3600, CoolingOff.endsAt(alice.model()));
    }

    @Test
    void aDeviceEnrolledBeforeTheResetDoesNotCoolOff() {
        CoolingOff.start(alice.model(), RESET, 3600);
        assertFalse(CoolingOff.holds(alice.model(), device(RESET * 1000 - 1), RESET + 10));
    }

    @Test
    void noResetNoCoolingOff() {
        assertFalse(CoolingOff.holds(alice.model(), device(RESET * 1000), RESET));
        assertEquals(0, CoolingOff.endsAt(alice.model()));
    }

    @Test
    void aLaterResetStartsAgain() {
        CoolingOff.start(alice.model(), RESET, 3600);
        CoolingOff.start(alice.model(), RESET + 7200, 600);
        DeviceCredentialModel betweenResets = device((RESET + 60) * 1000);
        DeviceCredentialModel afterSecond = device((RESET + 7300) * 1000);
        assertFalse(CoolingOff.holds(alice.model(), betweenResets, RESET + 7300));
        assertTrue(CoolingOff.holds(alice.model(), afterSecond, RESET + 7300));
        assertFalse(CoolingOff.holds(alice.model(), afterSecond, RESET + 7800));
    }

    @Test
    void aZeroCoolingOffIsNone() {
        CoolingOff.start(alice.model(), RESET, 0);
        assertFalse(CoolingOff.holds(alice.model(), device((RESET + 1) * 1000), RESET));
        assertThrows(
                IllegalArgumentException.class, () -> CoolingOff.start(alice.model(), RESET, -1));
    }

    @Test
    void anUnreadableRecordOrUnknownEnrolmentTimeFailsClosed() {
        CoolingOff.start(alice.model(), RESET, 3600);
        assertTrue(CoolingOff.holds(alice.model(), device(null), RESET + 10), "no creation time");
        Set<String> names = alice.attributes().keySet();
        assertEquals(2, names.size(), "two attributes: " + names);
        names.forEach(name -> alice.setAttribute(name, "garbage"));
        assertTrue(CoolingOff.holds(alice.model(), device(0L), RESET + 10));
    }
}

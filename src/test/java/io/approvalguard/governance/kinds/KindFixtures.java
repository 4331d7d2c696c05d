package io.approvalguard.governance.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.device.DeviceCredentialModel;
import io.approvalguard.testkit.fakes.FakeDirectory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.KeycloakSession;

/** What the kinds' tests share: a directory, devices, refusals checked for no state change. */
final class KindFixtures {

    static final AppliedBy BY = new AppliedBy("req-1", "user-hank", false, 0);

    private KindFixtures() {}

    /** An approver device credential, enrolled at {@code createdMillis}. */
    static String addDevice(FakeDirectory.Person user, String name, long createdMillis) {
        CredentialModel device = new CredentialModel();
        device.setType(DeviceCredentialModel.TYPE);
        device.setUserLabel(name);
        device.setCreatedDate(createdMillis);
        device.setSecretData("{}");
        device.setCredentialData(
                "{\"publicKey\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"x\",\"y\":\"y\"},"
                        + "\"algorithm\":\"ES256\",\"thumbprint\":\"t-"
                        + name.hashCode()
                        + "\",\"suspended\":false,\"lastUsedAt\":0}");
        return user.addCredential(device);
    }

    /** A change map that may hold nulls (Map.of may not). */
    static Map<String, Object> change(Object... pairs) {
        Map<String, Object> change = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            change.put((String) pairs[i], pairs[i + 1]);
        }
        return change;
    }

    /**
     * Parses {@code change} for {@code subject}, expecting a refusal whose message contains {@code
     * expected}; and that nothing was written.
     */
    static ChangeInvalid refused(
            FakeDirectory directory,
            ChangeKind kind,
            FakeDirectory.Person subject,
            Map<String, Object> change,
            String expected) {
        int before = directory.writes();
        KeycloakSession session = directory.session();
        ChangeInvalid refusal =
                assertThrows(
                        ChangeInvalid.class,
                        () -> kind.parse(session, directory.realm(), subject.model(), change),
                        () -> kind.wireName() + " accepted " + change);
        assertTrue(
                refusal.getMessage().contains(expected),
                () -> "message '" + refusal.getMessage() + "' does not say '" + expected + "'");
        assertEquals(before, directory.writes(), "a refused change changed something");
        return refusal;
    }

    /** Parses, and checks that parsing changed nothing and that parsing the result again agrees. */
    static Map<String, Object> parsed(
            FakeDirectory directory,
            ChangeKind kind,
            FakeDirectory.Person subject,
            Map<String, Object> change)
            throws ChangeInvalid {
        int before = directory.writes();
        KeycloakSession session = directory.session();
        Map<String, Object> normalised =
                kind.parse(session, directory.realm(), subject.model(), change);
        assertEquals(
                normalised,
                kind.parse(session, directory.realm(), subject.model(), new HashMap<>(normalised)),
                "parsing the normalised change again gives it back");
        assertEquals(
                java.util.Optional.empty(),
                kind.precheck(session, directory.realm(), subject.model(), normalised));
        assertEquals(before, directory.writes(), "parse or precheck changed something");
        return normalised;
    }

    /** Inputs of the wrong type or shape that every member must refuse. */
    static List<Object> badValues() {
        List<Object> values = new ArrayList<>();
        values.add(List.of("a"));
        values.add(Map.of("a", 1));
        values.add(true);
        values.add(1.5);
        return values;
    }
}

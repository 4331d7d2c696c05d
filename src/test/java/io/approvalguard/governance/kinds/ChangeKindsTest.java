package io.approvalguard.governance.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

class ChangeKindsTest {

    @Test
    void theStandardKindsAreTheSevenOfTheContract() {
        ChangeKinds kinds = ChangeKinds.standard();
        assertEquals(
                List.of(
                        "reset_second_factors",
                        "reset_password",
                        "change_email",
                        "grant_role",
                        "grant_group",
                        "remove_device",
                        "unlock_user"),
                kinds.names());
        kinds.names().forEach(n -> assertEquals(n, kinds.of(n).orElseThrow().wireName()));
        assertEquals(Optional.empty(), kinds.of("policy_change"));
        assertEquals(Optional.empty(), kinds.of(null));
        assertEquals(Optional.empty(), kinds.of("RESET_PASSWORD"));
    }

    @Test
    void kindsThatTouchCredentialsOrEmailEndSessions() {
        ChangeKinds kinds = ChangeKinds.standard();
        List<String> ending =
                kinds.names().stream()
                        .filter(n -> kinds.of(n).orElseThrow().endsSessions())
                        .toList();
        assertEquals(
                List.of("reset_second_factors", "reset_password", "change_email", "remove_device"),
                ending);
    }

    @Test
    void theCoreAddsKindsOfItsOwn() {
        ChangeKinds base = ChangeKinds.standard();
        ChangeKinds more = base.with(new Named("policy_change"));
        assertTrue(more.of("policy_change").isPresent());
        assertFalse(base.of("policy_change").isPresent(), "the registry is immutable");
        assertEquals("policy_change", more.names().get(more.names().size() - 1));
        assertThrows(IllegalArgumentException.class, () -> more.with(new Named("grant_role")));
        assertThrows(IllegalArgumentException.class, () -> base.with(new Named("Bad Name")));
    }

    @Test
    void breakGlassCapsGrantDurations() {
        assertEquals(7200, new AppliedBy("r", "u", false, 0).grantSeconds(7200));
        assertEquals(3600, new AppliedBy("r", "u", true, 3600).grantSeconds(7200));
        assertEquals(600, new AppliedBy("r", "u", true, 3600).grantSeconds(600));
        assertThrows(IllegalArgumentException.class, () -> new AppliedBy("r", "u", true, 0));
        assertThrows(IllegalArgumentException.class, () -> new AppliedBy(" ", "u", false, 0));
    }

    private record Named(String wireName) implements ChangeKind {
        @Override
        public boolean endsSessions() {
            return false;
        }

        @Override
        public Map<String, Object> parse(
                KeycloakSession s, RealmModel r, UserModel u, Map<String, Object> c) {
            return c;
        }

        @Override
        public Optional<String> precheck(
                KeycloakSession s, RealmModel r, UserModel u, Map<String, Object> c) {
            return Optional.empty();
        }

        @Override
        public Map<String, Object> apply(
                KeycloakSession s, RealmModel r, UserModel u, Map<String, Object> c, AppliedBy by) {
            return Map.of();
        }
    }
}

package io.approvalguard.notify.fcm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.notify.PushOutcome;
import io.approvalguard.testkit.FakeFcm;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each realm's service account from its vault secret, kept while the secret stays the same. */
class VaultAccountsTest {

    @TempDir Path dir;

    final FakeFcm keys = new FakeFcm(0); // not started: only writes key files

    @Test
    void theSameSecretKeepsTheAccountAndItsTokens() {
        VaultAccounts vault = new VaultAccounts("fcm-service-account", null, Clock.systemUTC());
        String json = keys.writeServiceAccount(dir, "ag-one").json();

        FcmCredentials.Resolved first = vault.resolve("r1", "one", Optional.of(json));
        FcmCredentials.Resolved again = vault.resolve("r1", "one", Optional.of(json));

        assertNull(first.failure());
        assertSame(first.tokens(), again.tokens());
        assertEquals("ag-one", first.tokens().account().projectId());
    }

    @Test
    void eachRealmHasItsOwnAndARotatedSecretTakesEffect() {
        VaultAccounts vault = new VaultAccounts("fcm-service-account", null, Clock.systemUTC());
        String one = keys.writeServiceAccount(dir, "ag-one").json();
        String two = keys.writeServiceAccount(dir, "ag-two").json();

        AccessTokens realm1 = vault.resolve("r1", "one", Optional.of(one)).tokens();
        AccessTokens realm2 = vault.resolve("r2", "two", Optional.of(two)).tokens();
        assertNotSame(realm1, realm2);
        assertEquals("ag-two", realm2.account().projectId());

        AccessTokens rotated = vault.resolve("r1", "one", Optional.of(two)).tokens();
        assertNotSame(realm1, rotated);
        assertEquals("ag-two", rotated.account().projectId());
    }

    @Test
    void theTokenUriOptionOverridesTheSecretsOwn() {
        URI override = URI.create("http://127.0.0.1:1/token");
        VaultAccounts vault = new VaultAccounts("k", override, Clock.systemUTC());
        String json = keys.writeServiceAccount(dir, "ag-one").json();
        assertNull(vault.resolve("r1", "one", Optional.of(json)).failure());
        assertEquals("${vault.k}", vault.expression());
    }

    @Test
    void aMissingSecretFailsTheSendNamingKeyAndRealm() {
        VaultAccounts vault = new VaultAccounts("fcm-service-account", null, Clock.systemUTC());
        PushOutcome outcome = vault.resolve("r1", "acme", Optional.empty()).failure();
        assertEquals(PushOutcome.Kind.FAILED, outcome.kind());
        assertTrue(
                outcome.error()
                        .startsWith(
                                "the vault secret fcm-service-account of realm acme is not available"),
                outcome.error());
        assertEquals(
                PushOutcome.Kind.FAILED,
                vault.resolve("r1", "acme", Optional.of(" ")).failure().kind());
    }

    @Test
    void anInvalidSecretFailsTheSendNamingTheMemberNeverTheKey() {
        VaultAccounts vault = new VaultAccounts("fcm-service-account", null, Clock.systemUTC());
        String json = keys.writeServiceAccount(dir, "ag-one").json();
        String broken = json.replace("\"client_email\"", "\"email\"");

        PushOutcome outcome = vault.resolve("r1", "acme", Optional.of(broken)).failure();

        assertEquals(PushOutcome.Kind.FAILED, outcome.kind());
        assertEquals(
                "the vault secret fcm-service-account of realm acme is not a usable service-account key: member client_email is missing",
                outcome.error());
        assertFalse(outcome.error().contains("PRIVATE KEY"));
        // once fixed, it works again
        assertNull(vault.resolve("r1", "acme", Optional.of(json)).failure());
    }
}

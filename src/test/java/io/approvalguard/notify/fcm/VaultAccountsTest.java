package io.approvalguard.notify.fcm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.notify.PushMessage;
import io.approvalguard.notify.PushOutcome;
import io.approvalguard.testkit.FakeFcm;
import io.approvalguard.testkit.fakes.StrictProxy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RealmProvider;
import org.keycloak.vault.VaultStringSecret;
import org.keycloak.vault.VaultTranscriber;

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

    // ---- through a Keycloak session ---------------------------------------------------------

    @Test
    void theSecretIsReadFromTheVaultOfTheMessagesRealm() {
        String json = keys.writeServiceAccount(dir, "ag-acme").json();
        List<String> asked = new ArrayList<>();
        KeycloakSession session =
                session(
                        null,
                        (realm, expression) -> {
                            asked.add(realm + " " + expression);
                            return "acme".equals(realm) ? json : null;
                        });
        VaultAccounts vault = new VaultAccounts("fcm-service-account", null, Clock.systemUTC());

        FcmCredentials.Resolved resolved = vault.tokensFor(session, message("r-acme", "acme"));

        assertNull(resolved.failure());
        assertEquals("ag-acme", resolved.tokens().account().projectId());
        assertEquals(List.of("acme ${vault.fcm-service-account}"), asked);

        PushOutcome other = vault.tokensFor(session, message("r-other", "other")).failure();
        assertEquals(PushOutcome.Kind.FAILED, other.kind());
        assertTrue(other.error().contains("of realm other is not available"), other.error());
    }

    @Test
    void aVaultThatFailsFailsTheSendAndAGoneRealmToo() {
        KeycloakSession session =
                session(
                        null,
                        (realm, expression) -> {
                            throw new IllegalStateException("vault down: " + expression);
                        });
        VaultAccounts vault = new VaultAccounts("k", null, Clock.systemUTC());

        PushOutcome down = vault.tokensFor(session, message("r-acme", "acme")).failure();
        assertEquals(
                "the vault secret k of realm acme could not be read (IllegalStateException)",
                down.error());
        PushOutcome gone = vault.tokensFor(session, message("r-gone", "gone")).failure();
        assertEquals(PushOutcome.failed("the realm no longer exists"), gone);
    }

    /** What a realm's vault holds: by realm name and vault expression, null for nothing. */
    interface Vault {
        String read(String realmName, String expression);
    }

    /** A session with realms r-acme and r-other, whose vault reads the context's realm. */
    private static KeycloakSession session(RealmModel initial, Vault vault) {
        Map<String, RealmModel> realms =
                Map.of("r-acme", realm("r-acme", "acme"), "r-other", realm("r-other", "other"));
        RealmModel[] current = {initial};
        KeycloakContext context =
                StrictProxy.of(KeycloakContext.class, "context")
                        .on("getRealm()", a -> current[0])
                        .onCall("setRealm(RealmModel)", a -> current[0] = (RealmModel) a[0])
                        .build();
        RealmProvider realmProvider =
                StrictProxy.of(RealmProvider.class, "realms")
                        .on("getRealm(String)", a -> realms.get((String) a[0]))
                        .build();
        VaultTranscriber transcriber =
                StrictProxy.of(VaultTranscriber.class, "vault")
                        .on(
                                "getStringSecret(String)",
                                a -> {
                                    String value =
                                            vault.read(
                                                    current[0] == null
                                                            ? null
                                                            : current[0].getName(),
                                                    (String) a[0]);
                                    return new VaultStringSecret() {
                                        @Override
                                        public Optional<String> get() {
                                            return Optional.ofNullable(value);
                                        }

                                        @Override
                                        public void close() {}
                                    };
                                })
                        .build();
        return StrictProxy.of(KeycloakSession.class, "session")
                .on("getContext()", a -> context)
                .on("realms()", a -> realmProvider)
                .on("vault()", a -> transcriber)
                .build();
    }

    private static RealmModel realm(String id, String name) {
        return StrictProxy.of(RealmModel.class, "realm " + name)
                .on("getId()", a -> id)
                .on("getName()", a -> name)
                .build();
    }

    private static PushMessage message(String realmId, String realmName) {
        return new PushMessage(realmId, realmName, "u", "d", "c", Long.MAX_VALUE / 2);
    }
}

package io.approvalguard.notify.fcm;

import io.approvalguard.notify.PushMessage;
import io.approvalguard.notify.PushOutcome;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.vault.VaultStringSecret;

/**
 * Service accounts read from each realm's vault ({@code service-account-vault-key}). The parsed
 * account and its access tokens are kept per realm while the secret stays the same (compared by its
 * SHA-256, the secret itself is not kept), so a rotated secret takes effect with the next send.
 */
final class VaultAccounts implements FcmCredentials {

    private record Entry(byte[] hash, AccessTokens tokens) {}

    private final String vaultKey;
    private final URI tokenUriOverride;
    private final Clock clock;
    private final Map<String, Entry> byRealm = new ConcurrentHashMap<>();

    /**
     * @param tokenUriOverride the {@code token-uri} option, or null for the account's own
     */
    VaultAccounts(String vaultKey, URI tokenUriOverride, Clock clock) {
        this.vaultKey = vaultKey;
        this.tokenUriOverride = tokenUriOverride;
        this.clock = clock;
    }

    /** Reads the secret through Keycloak's vault, in the context of the message's realm. */
    @Override
    public Resolved tokensFor(KeycloakSession session, PushMessage message) {
        RealmModel current = session.getContext().getRealm();
        if (current == null || !current.getId().equals(message.realmId())) {
            RealmModel realm = session.realms().getRealm(message.realmId());
            if (realm == null) {
                return new Resolved(null, PushOutcome.failed("the realm no longer exists"));
            }
            // the vault provider finds a realm's secrets through the context's realm
            session.getContext().setRealm(realm);
        }
        Optional<String> secret;
        try (VaultStringSecret held = session.vault().getStringSecret(expression())) {
            secret = held.get();
        } catch (RuntimeException e) {
            return new Resolved(
                    null,
                    PushOutcome.failed(
                            "the vault secret "
                                    + vaultKey
                                    + " of realm "
                                    + message.realmName()
                                    + " could not be read ("
                                    + e.getClass().getSimpleName()
                                    + ")"));
        }
        return resolve(message.realmId(), message.realmName(), secret);
    }

    /** The vault expression Keycloak's vault transcriber resolves in the realm's context. */
    String expression() {
        return "${vault." + vaultKey + "}";
    }

    /**
     * @param secret what the realm's vault holds under the key, empty when nothing
     */
    Resolved resolve(String realmId, String realmName, Optional<String> secret) {
        String where = "the vault secret " + vaultKey + " of realm " + realmName;
        if (secret.isEmpty() || secret.get().isBlank()) {
            byRealm.remove(realmId);
            return new Resolved(
                    null,
                    PushOutcome.failed(
                            where
                                    + " is not available (is a vault provider configured, and the secret stored?)"));
        }
        byte[] json = secret.get().getBytes(StandardCharsets.UTF_8);
        byte[] hash = sha256(json);
        Entry known = byRealm.get(realmId);
        if (known != null && Arrays.equals(known.hash(), hash)) {
            return new Resolved(known.tokens(), null);
        }
        ServiceAccount account;
        try {
            account = ServiceAccount.parse(json);
        } catch (ServiceAccount.InvalidServiceAccountException e) {
            byRealm.remove(realmId);
            return new Resolved(null, PushOutcome.failed(where + " is " + e.getMessage()));
        }
        AccessTokens tokens =
                new AccessTokens(
                        account,
                        tokenUriOverride != null ? tokenUriOverride : account.tokenUri(),
                        clock);
        // two sends racing here both parse; the later entry wins, and both work
        byRealm.put(realmId, new Entry(hash, tokens));
        return new Resolved(tokens, null);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}

package io.approvalguard.device;

import io.approvalguard.support.json.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.SingleUseObjectProvider;

/**
 * Single-use enrolment tokens, bound to a user, a realm and the auth session that showed the QR
 * code. Only the token's hash is stored; spending is an atomic remove, so a token enrols at most
 * one device, cluster-wide.
 */
public final class EnrolmentTokens {

    public static final long LIFETIME_SECONDS = 300;

    private static final String GRANT = "ag:enrol:";
    private static final String DONE = "ag:enrol-done:";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a token grants: enrolling one device for this user from this auth session. */
    public record Grant(
            String tokenHash, String realmId, String userId, String clientId, long expiresAt) {}

    /** A freshly issued token: the secret for the QR code and the hash to remember. */
    public record Issued(String token, String tokenHash, long expiresAt) {}

    private final SingleUseObjectProvider store;

    public EnrolmentTokens(KeycloakSession session) {
        this.store = session.singleUseObjects();
    }

    public Issued issue(String realmId, String userId, String clientId) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String hash = hash(token);
        long expiresAt = Time.currentTime() + LIFETIME_SECONDS;
        Map<String, String> notes = new HashMap<>();
        notes.put("realm", realmId);
        notes.put("user", userId);
        notes.put("client", clientId);
        notes.put("expires", Long.toString(expiresAt));
        store.put(GRANT + hash, LIFETIME_SECONDS, notes);
        return new Issued(token, hash, expiresAt);
    }

    /**
     * Looks a token up without spending it, so that a request failing later checks leaves it
     * usable.
     */
    public Optional<Grant> peek(String token, String realmId) {
        String hash = hash(token);
        return toGrant(hash, store.get(GRANT + hash), realmId);
    }

    /** Spends the token; empty when it was spent meanwhile. */
    public Optional<Grant> spend(String token, String realmId) {
        String hash = hash(token);
        return toGrant(hash, store.remove(GRANT + hash), realmId);
    }

    public void withdraw(String tokenHash) {
        store.remove(GRANT + tokenHash);
    }

    public void markCompleted(Grant grant, String deviceId) {
        long remaining = Math.max(1, grant.expiresAt() - Time.currentTime());
        store.put(
                DONE + grant.tokenHash(),
                remaining + LIFETIME_SECONDS,
                Map.of("device", deviceId, "user", grant.userId()));
    }

    /** The device enrolled with the token of this hash, if any. */
    public Optional<String> completedDevice(String tokenHash, String userId) {
        if (tokenHash == null) {
            return Optional.empty();
        }
        Map<String, String> done = store.get(DONE + tokenHash);
        return done != null && userId.equals(done.get("user"))
                ? Optional.of(done.get("device"))
                : Optional.empty();
    }

    public static String hash(String token) {
        return CanonicalJson.sha256Base64Url(token.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<Grant> toGrant(String hash, Map<String, String> notes, String realmId) {
        if (notes == null || !realmId.equals(notes.get("realm"))) {
            return Optional.empty();
        }
        long expiresAt = Long.parseLong(notes.get("expires"));
        if (Time.currentTime() >= expiresAt) {
            return Optional.empty();
        }
        return Optional.of(
                new Grant(
                        hash,
                        notes.get("realm"),
                        notes.get("user"),
                        notes.get("client"),
                        expiresAt));
    }
}

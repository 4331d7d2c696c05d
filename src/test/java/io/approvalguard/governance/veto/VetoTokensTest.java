package io.approvalguard.governance.veto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.governance.VetoToken;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.common.util.Time;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.crypto.MacSignatureSignerContext;
import org.keycloak.crypto.MacSignatureVerifierContext;
import org.keycloak.jose.jws.JWSBuilder;
import org.keycloak.models.RevokedTokenProvider;
import org.keycloak.representations.JsonWebToken;

/**
 * The "this wasn't me" token as the confirm POST reads it: genuine tokens pass, and a wrong
 * signature, another realm's token, another action token, an expired one and a reused one do not.
 * Signed as Keycloak signs action tokens (HS512 with the realm's key).
 */
class VetoTokensTest {

    private static final String ISSUER = "http://127.0.0.1:8080/realms/demo";
    private static final String KID = "realm-hmac-key";

    private final KeyWrapper realmKey = hmacKey(KID, "the realm's own secret, 64 bytes or so ...");
    private final VetoTokens.Keys realmKeys =
            header ->
                    KID.equals(header.getKeyId())
                            ? new MacSignatureVerifierContext(realmKey)
                            : null;

    @AfterEach
    void resetClock() {
        Time.setOffset(0);
    }

    @Test
    void aGenuineTokenIsReadWithItsClaims() throws Exception {
        VetoToken read =
                VetoTokens.verify(
                        sign(token(VetoToken.CURRENT), ISSUER, realmKey), ISSUER, realmKeys);
        assertEquals("subject-1", read.getUserId());
        assertEquals("request-1", read.getRequestId());
        assertEquals("reset_second_factors", read.getKind());
        assertEquals(VetoToken.CURRENT, read.getAddress());
        assertEquals(VetoToken.TOKEN_TYPE, read.getActionId());
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRefused() {
        KeyWrapper forged = hmacKey(KID, "an attacker's guess at the realm's secret ......");
        assertRefused(
                VetoTokens.Refusal.INVALID, sign(token(VetoToken.CURRENT), ISSUER, forged), ISSUER);
    }

    @Test
    void aTokenWithAnAlteredPayloadIsRefused() {
        String genuine = sign(token(VetoToken.CURRENT), ISSUER, realmKey);
        String other = sign(token(VetoToken.PREVIOUS), ISSUER, realmKey);
        String[] a = genuine.split("\\.");
        String[] b = other.split("\\.");
        assertRefused(VetoTokens.Refusal.INVALID, a[0] + "." + b[1] + "." + a[2], ISSUER);
    }

    @Test
    void anUnsignedTokenIsRefused() {
        String genuine = sign(token(VetoToken.CURRENT), ISSUER, realmKey);
        String[] parts = genuine.split("\\.");
        String none =
                java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(
                                "{\"alg\":\"none\",\"kid\":\"realm-hmac-key\"}"
                                        .getBytes(StandardCharsets.UTF_8));
        assertRefused(VetoTokens.Refusal.INVALID, none + "." + parts[1] + ".", ISSUER);
    }

    @Test
    void anotherRealmsTokenIsRefused() {
        String otherRealm = "http://127.0.0.1:8080/realms/other";
        assertRefused(
                VetoTokens.Refusal.INVALID,
                sign(token(VetoToken.CURRENT), otherRealm, realmKey),
                ISSUER);
    }

    @Test
    void anotherActionTokenOfTheRealmIsRefused() {
        JsonWebToken verifyEmail = token(VetoToken.CURRENT);
        verifyEmail.type("verify-email");
        assertRefused(VetoTokens.Refusal.INVALID, sign(verifyEmail, ISSUER, realmKey), ISSUER);
    }

    @Test
    void anExpiredTokenIsRefusedAsExpired() {
        String serialized = sign(token(VetoToken.CURRENT), ISSUER, realmKey);
        Time.setOffset((int) VetoToken.MIN_LIFETIME_SECONDS + 1);
        assertRefused(VetoTokens.Refusal.EXPIRED, serialized, ISSUER);
    }

    @Test
    void anExpiredForgeryIsRefusedAsInvalidNotExpired() {
        KeyWrapper forged = hmacKey(KID, "an attacker's guess at the realm's secret ......");
        String serialized = sign(token(VetoToken.CURRENT), ISSUER, forged);
        Time.setOffset((int) VetoToken.MIN_LIFETIME_SECONDS + 1);
        assertRefused(VetoTokens.Refusal.INVALID, serialized, ISSUER);
    }

    @Test
    void garbageAndOversizedInputAreRefused() {
        assertRefused(VetoTokens.Refusal.INVALID, null, ISSUER);
        assertRefused(VetoTokens.Refusal.INVALID, "", ISSUER);
        assertRefused(VetoTokens.Refusal.INVALID, "not.a.token", ISSUER);
        assertRefused(VetoTokens.Refusal.INVALID, "a".repeat(VetoTokens.MAX_LENGTH + 1), ISSUER);
    }

    @Test
    void aTokenIsSpentOnceAndEachAddressHasItsOwn() throws Exception {
        InMemoryUsedTokens used = new InMemoryUsedTokens();
        VetoToken current =
                VetoTokens.verify(
                        sign(token(VetoToken.CURRENT), ISSUER, realmKey), ISSUER, realmKeys);
        VetoToken previous =
                VetoTokens.verify(
                        sign(token(VetoToken.PREVIOUS), ISSUER, realmKey), ISSUER, realmKeys);

        assertTrue(VetoReport.spend(used, current, Time.currentTime()), "the first use");
        assertFalse(VetoReport.spend(used, current, Time.currentTime()), "a reuse");
        assertTrue(used.contains(current.serializeKey()), "as Keycloak's endpoint checks it");
        assertEquals(
                VetoToken.MIN_LIFETIME_SECONDS,
                used.lifespans.get(current.serializeKey()),
                "kept until the token's own expiry");
        assertNotEquals(current.serializeKey(), previous.serializeKey());
        assertTrue(VetoReport.spend(used, previous, Time.currentTime()), "the other address");
    }

    @Test
    void theLinkLivesADayOrUntilTheEndOfTheCoolingOffWhenLater() {
        long now = 1_764_640_000L;
        assertEquals(now + 86_400, VetoToken.expiresAt(now, 0));
        assertEquals(now + 86_400, VetoToken.expiresAt(now, now + 3_600));
        assertEquals(now + 172_800, VetoToken.expiresAt(now, now + 172_800));
    }

    private static void assertRefused(
            VetoTokens.Refusal expected, String serialized, String issuer) {
        KeyWrapper key = hmacKey(KID, "the realm's own secret, 64 bytes or so ...");
        VetoTokens.Refused refused =
                assertThrows(
                        VetoTokens.Refused.class,
                        () ->
                                VetoTokens.verify(
                                        serialized,
                                        issuer,
                                        header ->
                                                KID.equals(header.getKeyId())
                                                        ? new MacSignatureVerifierContext(key)
                                                        : null));
        assertEquals(expected, refused.refusal(), refused.getMessage());
    }

    /** As {@code SubjectNotice} makes it and {@code DefaultActionToken.serialize} completes it. */
    private static VetoToken token(String address) {
        VetoToken token =
                new VetoToken(
                        "subject-1",
                        "request-1",
                        "reset_second_factors",
                        address,
                        VetoToken.expiresAt(Time.currentTime(), 0));
        return token;
    }

    private static String sign(JsonWebToken token, String issuer, KeyWrapper key) {
        token.id(UUID.randomUUID().toString());
        token.issuedNow();
        token.issuer(issuer);
        token.audience(issuer);
        try {
            return new JWSBuilder()
                    .kid(key.getKid())
                    .type("JWT")
                    .jsonContent(token)
                    .sign(new MacSignatureSignerContext(key));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyWrapper hmacKey(String kid, String secret) {
        KeyWrapper key = new KeyWrapper();
        key.setKid(kid);
        key.setAlgorithm(Algorithm.HS512);
        key.setUse(KeyUse.SIG);
        key.setType("OCT");
        key.setSecretKey(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
        return key;
    }

    /** Keycloak's store of used action tokens, as the JPA one behaves: insert if absent. */
    private static final class InMemoryUsedTokens implements RevokedTokenProvider {
        final Map<String, Long> lifespans = new ConcurrentHashMap<>();

        @Override
        public boolean put(String key, long lifespanSeconds) {
            return lifespans.putIfAbsent(key, lifespanSeconds) == null;
        }

        @Override
        public boolean contains(String key) {
            return lifespans.containsKey(key);
        }

        @Override
        public void close() {}
    }
}

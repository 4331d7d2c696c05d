package io.approvalguard.notify.webpush;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.keycloak.util.JsonSerialization;

/**
 * VAPID (RFC 8292): the {@code Authorization} header that proves to a push service that this server
 * holds the key its subscriptions were made for. One JWT per push service origin, reused until
 * close to its expiry (signing per message would cost for nothing).
 */
final class Vapid {

    /** How long a JWT is valid; RFC 8292 allows at most 24 hours. */
    static final long LIFETIME_SECONDS = 12 * 3600;

    /** A JWT is replaced once less than this is left, so none expires in flight. */
    static final long RENEW_BEFORE_SECONDS = 3600;

    /** Origins are few (the allowed push services); the bound only guards against a wildcard. */
    private static final int MAX_CACHED = 256;

    private static final String HEADER =
            P256.base64Url("{\"typ\":\"JWT\",\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8));

    private record Token(String header, long expiresAt) {}

    private final VapidKeys keys;
    private final String subject;
    private final Clock clock;
    private final Map<String, Token> byAudience = new ConcurrentHashMap<>();

    Vapid(VapidKeys keys, String subject, Clock clock) {
        this.keys = keys;
        this.subject = subject;
        this.clock = clock;
    }

    /** {@code vapid t=<jwt>, k=<public key>} for a request to {@code endpoint}. */
    String authorization(URI endpoint) {
        String audience = AllowedEndpoints.origin(endpoint);
        long now = clock.instant().getEpochSecond();
        Token token = byAudience.get(audience);
        if (token == null || token.expiresAt() - now < RENEW_BEFORE_SECONDS) {
            if (byAudience.size() >= MAX_CACHED) {
                byAudience.clear();
            }
            long expiresAt = now + LIFETIME_SECONDS;
            token =
                    new Token(
                            "vapid t="
                                    + jwt(audience, expiresAt)
                                    + ", k="
                                    + keys.publicKeyBase64Url(),
                            expiresAt);
            byAudience.put(audience, token);
        }
        return token.header();
    }

    private String jwt(String audience, long expiresAt) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", audience);
        claims.put("exp", expiresAt);
        claims.put("sub", subject);
        try {
            String signingInput =
                    HEADER + "." + P256.base64Url(JsonSerialization.writeValueAsBytes(claims));
            // JOSE wants r || s (64 bytes), not the DER the plain algorithm writes
            Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
            signer.initSign(keys.privateKey());
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + P256.base64Url(signer.sign());
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("signing the VAPID JWT failed", e);
        }
    }
}

package io.approvalguard.notify.fcm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.keycloak.util.JsonSerialization;

/**
 * The signed JWT of the OAuth 2.0 JWT-bearer grant (RFC 7523) as Google's token endpoint takes it:
 * RS256, {@code kid} the key's id, issued by the service account for the FCM scope.
 */
final class JwtAssertion {

    static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

    /** Google accepts at most one hour. */
    static final long LIFETIME_SECONDS = 3600;

    private JwtAssertion() {}

    /**
     * @param audience the token endpoint the assertion is for
     * @param issuedAt seconds since the epoch
     */
    static String sign(ServiceAccount account, URI audience, long issuedAt) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("typ", "JWT");
        header.put("kid", account.privateKeyId());
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", account.clientEmail());
        claims.put("scope", SCOPE);
        claims.put("aud", audience.toString());
        claims.put("iat", issuedAt);
        claims.put("exp", issuedAt + LIFETIME_SECONDS);
        String signingInput = part(json(header)) + "." + part(json(claims));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(account.privateKey());
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + part(rs256.sign());
        } catch (GeneralSecurityException e) {
            // every JDK has SHA256withRSA, and the key was checked to be RSA when it was read
            throw new IllegalStateException("cannot sign with the service account's key", e);
        }
    }

    private static byte[] json(Map<String, Object> members) {
        try {
            return JsonSerialization.writeValueAsBytes(members);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String part(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

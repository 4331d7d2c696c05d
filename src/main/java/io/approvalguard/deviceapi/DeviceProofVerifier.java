package io.approvalguard.deviceapi;

import static io.approvalguard.support.http.ApiError.unauthorized;

import io.approvalguard.device.DeviceKey;
import io.approvalguard.support.http.ApiError;
import io.approvalguard.support.json.CanonicalJson;
import io.approvalguard.support.json.StrictJson;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.keycloak.common.VerificationException;
import org.keycloak.common.util.Time;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.ECDSASignatureVerifierContext;
import org.keycloak.crypto.KeyType;
import org.keycloak.crypto.KeyWrapper;

/**
 * Checks the {@code Device-Proof} header that authenticates every device request
 * (docs/device-api.md, section 2): a compact JWS signed by the device key, bound to the HTTP
 * method, URL and body, fresh and single-use. Parsing and verification change no state; the caller
 * records the {@code jti} only after everything here has passed. {@link #authenticate} holds the
 * order of the checks.
 */
public final class DeviceProofVerifier {

    public static final String HEADER = "Device-Proof";
    public static final String TYPE = "ag-device-proof+jwt";

    /** Well below the HTTP server's own 8 KiB header limit, so the device gets our JSON error. */
    static final int MAX_PROOF_LENGTH = 4 * 1024;

    static final long MAX_CLOCK_SKEW_SECONDS = 60;

    /** The longest kid or sub accepted: Keycloak's ids are 36-character UUIDs. */
    private static final int MAX_ID_LENGTH = 64;

    private static final int P256_SCALAR_BYTES = 32;

    private static final Set<String> ALLOWED_HEADER_MEMBERS = Set.of("typ", "alg", "kid");
    private static final Pattern JTI = Pattern.compile("[A-Za-z0-9_-]{16,128}");
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]*");

    private DeviceProofVerifier() {}

    /**
     * Splits and decodes the proof, checks the header members and the signature's length; no key is
     * involved yet.
     */
    static DeviceProof parse(String headerValue, boolean expectKeyId) {
        if (headerValue == null || headerValue.isBlank()) {
            throw invalid("the Device-Proof header is missing");
        }
        if (headerValue.length() > MAX_PROOF_LENGTH) {
            throw invalid("the Device-Proof header is larger than " + MAX_PROOF_LENGTH + " bytes");
        }
        String[] parts = headerValue.trim().split("\\.", -1);
        if (parts.length != 3) {
            throw invalid("the proof is not a compact JWS (three base64url parts)");
        }
        Map<String, Object> header = decodeJson(parts[0], "header");
        Map<String, Object> claims = decodeJson(parts[1], "payload");
        byte[] signature = decode(parts[2], "signature");

        for (String member : header.keySet()) {
            if (!ALLOWED_HEADER_MEMBERS.contains(member)) {
                throw invalid("the proof header member '" + member + "' is not allowed");
            }
        }
        if (!TYPE.equals(header.get("typ"))) {
            throw invalid("the proof header typ must be " + TYPE);
        }
        if (!DeviceKey.ALGORITHM.equals(header.get("alg"))) {
            throw invalid("the proof must be signed with " + DeviceKey.ALGORITHM);
        }
        Object kid = header.get("kid");
        if (expectKeyId
                && !(kid instanceof String k && !k.isEmpty() && k.length() <= MAX_ID_LENGTH)) {
            throw invalid("the proof header needs the kid of the device");
        }
        if (!expectKeyId && kid != null) {
            throw invalid("an enrolment proof has no kid");
        }
        if (signature.length != 2 * P256_SCALAR_BYTES) {
            throw invalid("the proof's signature is not the 64 bytes R || S of ES256");
        }
        return new DeviceProof(header, claims, parts[0] + "." + parts[1], signature);
    }

    /** The HTTP request a proof must be bound to: {@code htm}, {@code htu} and {@code bh}. */
    record BoundRequest(String method, String url, byte[] body) {}

    /**
     * Authenticates a request by its proof, cheapest checks first, so that a forged, stale or
     * misdirected proof costs no store or database lookup: everything that needs neither a key nor
     * stored state (size, structure, header members, {@code typ}, {@code alg}, the claims and the
     * body hash), then {@code lookup} finds who the proof names (user and device), then the
     * signature is verified with {@code keyOf} of what was found. Changes no state.
     *
     * @param deviceRequest true for a request of an enrolled device (with {@code kid} and {@code
     *     sub}), false for the enrolment proof (neither)
     */
    static <S> S authenticate(
            String headerValue,
            boolean deviceRequest,
            BoundRequest request,
            Function<DeviceProof, S> lookup,
            Function<S, DeviceKey> keyOf) {
        DeviceProof proof = parse(headerValue, deviceRequest);
        checkClaims(proof, deviceRequest, request);
        S signer = lookup.apply(proof);
        verifySignature(proof, keyOf.apply(signer));
        return signer;
    }

    /**
     * The payload's binding to this request, its freshness and its identifiers; no key involved.
     */
    private static void checkClaims(
            DeviceProof proof, boolean deviceRequest, BoundRequest request) {
        Map<String, Object> claims = proof.claims();
        if (!request.method().equals(claims.get("htm"))) {
            throw invalid("the proof's htm does not match the request method");
        }
        if (!request.url().equals(claims.get("htu"))) {
            throw invalid("the proof's htu does not match the request URL");
        }
        if (!(claims.get("iat") instanceof Number iat)
                || !(iat instanceof Integer || iat instanceof Long)) {
            throw invalid("the proof needs iat as integer seconds");
        }
        if (Math.abs(Time.currentTime() - iat.longValue()) > MAX_CLOCK_SKEW_SECONDS) {
            throw invalid(
                    "the proof's iat is more than "
                            + MAX_CLOCK_SKEW_SECONDS
                            + " s from the server's time");
        }
        if (!(claims.get("jti") instanceof String jti) || !JTI.matcher(jti).matches()) {
            throw invalid("the proof needs a jti of 16 to 128 base64url characters");
        }
        Object subject = claims.get("sub");
        if (deviceRequest
                && !(subject instanceof String s && !s.isEmpty() && s.length() <= MAX_ID_LENGTH)) {
            throw invalid("the proof needs the sub (user_id) of the device's user");
        }
        if (!deviceRequest && subject != null) {
            throw invalid("an enrolment proof has no sub");
        }
        Object bodyHash = claims.get("bh");
        if (request.body().length > 0 || bodyHash != null) {
            String expected = CanonicalJson.sha256Base64Url(request.body());
            if (!(bodyHash instanceof String) || !expected.equals(bodyHash)) {
                throw invalid("the proof's bh does not match the request body");
            }
        }
    }

    /** The signature, with the key pinned for this device (or the key being enrolled). */
    private static void verifySignature(DeviceProof proof, DeviceKey key) {
        if (!key.algorithm().equals(proof.header().get("alg"))) {
            throw invalid("the proof algorithm is not the one pinned for this device");
        }
        if (!inSignatureRange(proof.signature(), (ECPublicKey) key.publicKey())) {
            throw invalid(
                    "the proof's signature is not an ES256 signature: r and s must be from 1 to n-1");
        }
        if (!signatureVerifies(proof, key)) {
            throw invalid("the proof's signature does not verify");
        }
    }

    /**
     * ECDSA's r and s must lie in [1, n-1] (SEC 1 v2, 4.1.4 step 1). Checked here rather than left
     * to the JDK, whose ECDSA accepted r = s = 0 for every message and key in Java 15 to 18 before
     * the April 2022 updates (CVE-2022-21449, "psychic signatures").
     */
    private static boolean inSignatureRange(byte[] signature, ECPublicKey key) {
        BigInteger n = key.getParams().getOrder();
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, P256_SCALAR_BYTES));
        BigInteger s =
                new BigInteger(
                        1, Arrays.copyOfRange(signature, P256_SCALAR_BYTES, 2 * P256_SCALAR_BYTES));
        return r.signum() > 0 && s.signum() > 0 && r.compareTo(n) < 0 && s.compareTo(n) < 0;
    }

    private static boolean signatureVerifies(DeviceProof proof, DeviceKey key) {
        KeyWrapper wrapper = new KeyWrapper();
        wrapper.setPublicKey(key.publicKey());
        wrapper.setAlgorithm(Algorithm.ES256);
        wrapper.setType(KeyType.EC);
        try {
            return new ECDSASignatureVerifierContext(wrapper)
                    .verify(
                            proof.signingInput().getBytes(StandardCharsets.US_ASCII),
                            proof.signature());
        } catch (VerificationException | RuntimeException e) {
            return false;
        }
    }

    private static Map<String, Object> decodeJson(String part, String name) {
        try {
            return StrictJson.readObject(decode(part, name));
        } catch (IOException e) {
            throw invalid("the proof " + name + " is not a JSON object");
        }
    }

    private static byte[] decode(String part, String name) {
        if (!BASE64URL.matcher(part).matches()) {
            throw invalid("the proof " + name + " is not base64url without padding");
        }
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            throw invalid("the proof " + name + " is not base64url without padding");
        }
    }

    private static ApiError invalid(String description) {
        return unauthorized("invalid_proof", description);
    }
}

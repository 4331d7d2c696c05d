package io.approvalguard.testkit;

import java.security.PrivateKey;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * How {@link DeviceClient#request} builds the {@code Device-Proof} of one request. The defaults
 * give a correct proof; every setter bends one part of it, so attack tests can say exactly what is
 * wrong. Mutable builder; use a fresh one per request.
 *
 * <pre>{@code
 * ProofSpec.valid().claim("iat", now - 120)               // stale
 * ProofSpec.valid().header("jwk", device.publicJwk())     // forbidden header member
 * ProofSpec.valid().signWith(otherDevice.privateKey())    // someone else's key
 * ProofSpec.valid().mode(SigningMode.NONE)                // alg none, empty signature
 * ProofSpec.valid().hs256("secret".getBytes())            // HMAC with a guessed secret
 * ProofSpec.valid().omitClaim("bh")
 * ProofSpec.valid().rawValue("garbage")
 * ProofSpec.valid().sendProof(false)
 * }</pre>
 */
public final class ProofSpec {

    /** How the signing input is signed. The default {@code alg} header follows the mode. */
    public enum SigningMode {
        /** ECDSA P-256 SHA-256, raw R || S: what the server expects. */
        ES256("ES256"),
        /** {@code alg: none} and an empty signature part. */
        NONE("none"),
        /**
         * HMAC SHA-256 with {@link #hs256(byte[])}'s secret, the classic algorithm-confusion
         * attack.
         */
        HS256("HS256");

        private final String alg;

        SigningMode(String alg) {
            this.alg = alg;
        }

        public String alg() {
            return alg;
        }
    }

    private final Map<String, Object> headerOverrides = new LinkedHashMap<>();
    private final Set<String> omittedHeaders = new LinkedHashSet<>();
    private final Map<String, Object> claimOverrides = new LinkedHashMap<>();
    private final Set<String> omittedClaims = new LinkedHashSet<>();
    private PrivateKey signingKey;
    private SigningMode mode = SigningMode.ES256;
    private byte[] hmacSecret;
    private String rawValue;
    private boolean sendProof = true;
    private String contentType = "application/json";
    private boolean contentTypeSet;
    private final Map<String, String> extraHttpHeaders = new LinkedHashMap<>();

    private ProofSpec() {}

    /** A correct proof for the request it is used with. */
    public static ProofSpec valid() {
        return new ProofSpec();
    }

    /**
     * Sets (or replaces) a JWS header member, e.g. {@code alg}, {@code typ}, {@code kid}, {@code
     * jwk}.
     */
    public ProofSpec header(String name, Object value) {
        omittedHeaders.remove(name);
        headerOverrides.put(name, value);
        return this;
    }

    /** Leaves a JWS header member out, even one that is there by default. */
    public ProofSpec omitHeader(String name) {
        headerOverrides.remove(name);
        omittedHeaders.add(name);
        return this;
    }

    /**
     * Sets (or replaces) a payload claim: {@code htm}, {@code htu}, {@code iat}, {@code jti},
     * {@code sub}, {@code bh}, ...
     */
    public ProofSpec claim(String name, Object value) {
        omittedClaims.remove(name);
        claimOverrides.put(name, value);
        return this;
    }

    /** Leaves a payload claim out, even one that is there by default. */
    public ProofSpec omitClaim(String name) {
        claimOverrides.remove(name);
        omittedClaims.add(name);
        return this;
    }

    /** Signs with this key instead of the device's own (another device's, a fresh one, ...). */
    public ProofSpec signWith(PrivateKey key) {
        this.signingKey = key;
        return this;
    }

    public ProofSpec mode(SigningMode mode) {
        this.mode = mode;
        return this;
    }

    /** HS256 with this secret (for example the device's public key bytes). */
    public ProofSpec hs256(byte[] secret) {
        this.mode = SigningMode.HS256;
        this.hmacSecret = secret.clone();
        return this;
    }

    /** Sends this exact text as the {@code Device-Proof} header instead of building a proof. */
    public ProofSpec rawValue(String value) {
        this.rawValue = value;
        return this;
    }

    /** {@code false}: send no {@code Device-Proof} header at all. */
    public ProofSpec sendProof(boolean send) {
        this.sendProof = send;
        return this;
    }

    /**
     * The request's Content-Type (default {@code application/json} when there is a body); null
     * sends none.
     */
    public ProofSpec contentType(String value) {
        this.contentType = value;
        this.contentTypeSet = true;
        return this;
    }

    /** Any other HTTP header for the request. */
    public ProofSpec httpHeader(String name, String value) {
        extraHttpHeaders.put(name, value);
        return this;
    }

    // ---------------------------------------------------------------- read by DeviceClient

    Map<String, Object> applyToHeader(Map<String, Object> defaults) {
        return apply(defaults, headerOverrides, omittedHeaders);
    }

    Map<String, Object> applyToClaims(Map<String, Object> defaults) {
        return apply(defaults, claimOverrides, omittedClaims);
    }

    PrivateKey signingKeyOr(PrivateKey deviceKey) {
        return signingKey != null ? signingKey : deviceKey;
    }

    SigningMode mode() {
        return mode;
    }

    byte[] hmacSecret() {
        if (hmacSecret == null) {
            throw new IllegalStateException("HS256 needs a secret: use hs256(secret)");
        }
        return hmacSecret.clone();
    }

    String rawValue() {
        return rawValue;
    }

    boolean sendsProof() {
        return sendProof;
    }

    /** The Content-Type to send, or null for none. */
    String contentTypeFor(boolean hasBody) {
        return contentTypeSet ? contentType : (hasBody ? contentType : null);
    }

    Map<String, String> extraHttpHeaders() {
        return extraHttpHeaders;
    }

    private static Map<String, Object> apply(
            Map<String, Object> defaults, Map<String, Object> overrides, Set<String> omitted) {
        Map<String, Object> result = new LinkedHashMap<>(defaults);
        result.putAll(overrides);
        omitted.forEach(result::remove);
        return result;
    }
}
